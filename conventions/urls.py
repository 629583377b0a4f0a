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
    path("deliberations/<int:pk>/", views.deliberation_detail, name="deliberation_detail"),
    path("deliberations/<int:pk>/pdf/", views.deliberation_pdf, name="deliberation_pdf"),
    path("deliberations/<int:pk>/texte/", views.deliberation_text, name="deliberation_text"),
    path("deliberations/<int:pk>/vote/", views.deliberation_vote, name="deliberation_vote"),
    path(
        "deliberations/<int:pk>/executoire/",
        views.deliberation_executory,
        name="deliberation_executory",
    ),
    # Sessions (séances) and the batch generation of their agreements.
    path("seances/", views.session_list, name="session_list"),
    path("seances/nouvelle/", views.session_create, name="session_create"),
    path("seances/<int:pk>/", views.session_detail, name="session_detail"),
    path("seances/<int:pk>/modifier/", views.session_update, name="session_update"),
    path("seances/<int:pk>/inscrire/", views.session_place, name="session_place"),
    path("seances/<int:pk>/conventions/", views.session_agreements, name="session_agreements"),
    path("traitements/<int:pk>/", views.batch_job_status, name="batch_job_status"),
    # The list of agreements (conventions.views); the pages of one agreement below.
    path("conventions/", views.agreement_list, name="agreement_list"),
    path("conventions/export/<str:fmt>/", views.agreement_export, name="agreement_export"),
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
