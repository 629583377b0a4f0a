"""Staff pages of the conventions app."""

from django.urls import path

from . import agreement_views, views

app_name = "conventions"

urlpatterns = [
    path("deliberations/", views.deliberation_list, name="deliberation_list"),
    path(
        "deliberations/export/<str:fmt>/",
        views.deliberation_export,
        name="deliberation_export",
    ),
    # Agreements and amendments (« convention » or « avenant »): conventions.agreement_views.
    path(
        "conventions/<str:kind>/<int:pk>/",
        agreement_views.agreement_detail,
        name="agreement_detail",
    ),
    path(
        "conventions/<str:kind>/<int:pk>/pdf/", agreement_views.agreement_pdf, name="agreement_pdf"
    ),
    path(
        "conventions/<str:kind>/<int:pk>/signer/",
        agreement_views.agreement_sign,
        name="agreement_sign",
    ),
    path(
        "conventions/<str:kind>/<int:pk>/signature-beneficiaire/",
        agreement_views.agreement_beneficiary_signature,
        name="agreement_cosignature",
    ),
    path("verifier-un-pdf/", agreement_views.pdf_verify, name="pdf_verify"),
]
