"""Staff pages of the agreements (conventions.views)."""

from django.urls import path

from . import bundle_views, letter_views, views

app_name = "conventions"

urlpatterns = [
    # The batch generation of a session's agreements, its jobs and their progress.
    path("seances/<int:pk>/conventions/", views.session_agreements, name="session_agreements"),
    path("traitements/", views.batch_job_list, name="batch_job_list"),
    path("traitements/<int:pk>/", views.batch_job_detail, name="batch_job_detail"),
    path("traitements/<int:pk>/etat/", views.batch_job_status, name="batch_job_status"),
    path("traitements/<int:pk>/reprendre/", views.batch_job_restart, name="batch_job_restart"),
    # The list of agreements; the pages of one agreement or amendment below.
    path("conventions/", views.agreement_list, name="agreement_list"),
    path("conventions/export/<str:fmt>/", views.agreement_export, name="agreement_export"),
    # Agreements and amendments (« convention » or « avenant »).
    path("conventions/<str:kind>/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("conventions/<str:kind>/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("conventions/<str:kind>/<int:pk>/signer/", views.agreement_sign, name="agreement_sign"),
    path(
        "conventions/<str:kind>/<int:pk>/signature-beneficiaire/",
        views.agreement_beneficiary_signature,
        name="agreement_cosignature",
    ),
    path("conventions/<str:kind>/<int:pk>/envoyer/", views.agreement_email, name="agreement_email"),
    path(
        "dossiers/<int:pk>/convention/preparer/",
        views.subsidy_agreement_prepare,
        name="subsidy_agreement_prepare",
    ),
    # Complete files (« dossier complet ») of a subsidy and of a session.
    path(
        "dossiers/<int:pk>/dossier-complet/",
        bundle_views.subsidy_bundle,
        name="subsidy_bundle",
    ),
    path(
        "seances/<int:pk>/dossier-complet/",
        bundle_views.session_bundle_start,
        name="session_bundle_start",
    ),
    path("dossiers-complets/<int:pk>/", bundle_views.bundle_detail, name="bundle_detail"),
    path("dossiers-complets/<int:pk>/etat/", bundle_views.bundle_status, name="bundle_status"),
    path(
        "dossiers-complets/<int:pk>/relancer/",
        bundle_views.bundle_restart,
        name="bundle_restart",
    ),
    path(
        "dossiers-complets/<int:pk>/telecharger/",
        bundle_views.bundle_download,
        name="bundle_download",
    ),
    # The notification letter of a file.
    path(
        "dossiers/<int:pk>/lettre-de-notification/",
        letter_views.letter_create,
        name="letter_create",
    ),
    path("lettres-de-notification/<int:pk>/pdf/", letter_views.letter_pdf, name="letter_pdf"),
    path(
        "lettres-de-notification/<int:pk>/envoyer/",
        letter_views.letter_email,
        name="letter_email",
    ),
    path("verifier-un-pdf/", views.pdf_verify, name="pdf_verify"),
]
