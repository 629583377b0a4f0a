"""Staff pages of the subsidies app."""

from django.urls import path

from . import autocomplete, downloads, membership_views, money_views, views, views_exchanges

app_name = "subventions"

urlpatterns = [
    # Private files: permission-checked, never a public URL (subventions.downloads).
    path(
        "comptes-rendus/<int:pk>/fichier/",
        downloads.financial_report_file,
        name="financial_report_file",
    ),
    # Large exports built in the background: for the user who asked (subventions.exports).
    path("exports/<int:pk>/", downloads.export_job, name="export_job"),
    path("exports/<int:pk>/fichier/", downloads.export_job_file, name="export_job_file"),
    path("exports/<int:pk>/relancer/", downloads.export_job_restart, name="export_job_restart"),
    path("exports/<int:pk>/etat/", downloads.export_job_status, name="export_job_status"),
    path("dossiers/", views.subsidy_list, name="subsidy_list"),
    path("dossiers/export/<str:fmt>/", views.subsidy_export, name="subsidy_export"),
    path("dossiers/nouveau/", views.subsidy_create, name="subsidy_create"),
    path("dossiers/<int:pk>/", views.subsidy_detail, name="subsidy_detail"),
    path("dossiers/<int:pk>/modifier/", views.subsidy_update, name="subsidy_update"),
    path(
        "dossiers/<int:pk>/actions/<str:action>/",
        views.subsidy_transition,
        name="subsidy_transition",
    ),
    path(
        "beneficiaires/autocompletion/",
        autocomplete.beneficiary_autocomplete,
        name="beneficiary_autocomplete",
    ),
    path(
        "financeurs/autocompletion/",
        autocomplete.partner_autocomplete,
        name="partner_autocomplete",
    ),
    # The « Finances » part of a voted file (subventions.money_views).
    path(
        "dossiers/<int:pk>/versements/nouveau/",
        money_views.payment_create,
        name="payment_create",
    ),
    path(
        "dossiers/<int:pk>/compte-rendu/reception/",
        money_views.report_receive,
        name="report_receive",
    ),
    path(
        "dossiers/<int:pk>/compte-rendu/<str:decision>/",
        money_views.report_decide,
        name="report_decide",
    ),
    path(
        "dossiers/<int:pk>/reversements/nouveau/",
        money_views.clawback_create,
        name="clawback_create",
    ),
    # Exchanges with the associations (issue 16)
    path("echanges/", views_exchanges.inbox, name="exchanges_inbox"),
    path(
        "dossiers/<int:pk>/demander-complements/",
        views_exchanges.information_request_create,
        name="subsidy_information_request",
    ),
    path(
        "dossiers/<int:pk>/ecrire/",
        views_exchanges.file_message_create,
        name="subsidy_message_create",
    ),
    path(
        "demandes-complements/<int:pk>/clore/",
        views_exchanges.information_request_close,
        name="information_request_close",
    ),
    path(
        "messages/<int:pk>/piece-jointe/",
        views_exchanges.file_message_attachment,
        name="file_message_attachment",
    ),
    path(
        "comptes-rendus/<int:pk>/examen/",
        views_exchanges.report_review,
        name="financial_report_review",
    ),
    path("beneficiaires/", views.beneficiary_list, name="beneficiary_list"),
    path("beneficiaires/export/<str:fmt>/", views.beneficiary_export, name="beneficiary_export"),
    path("beneficiaires/nouveau/", views.beneficiary_create, name="beneficiary_create"),
    path("beneficiaires/<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("beneficiaires/<int:pk>/modifier/", views.beneficiary_update, name="beneficiary_update"),
    # The association accounts (pilotage.portail): invitations and requests to confirm.
    path(
        "beneficiaires/<int:pk>/inviter/",
        membership_views.membership_invite,
        name="beneficiary_invite",
    ),
    path("comptes-association/", membership_views.membership_list, name="membership_list"),
    path(
        "comptes-association/<int:pk>/confirmer/",
        membership_views.membership_confirm,
        name="membership_confirm",
    ),
    path(
        "comptes-association/<int:pk>/refuser/",
        membership_views.membership_refuse,
        name="membership_refuse",
    ),
]
