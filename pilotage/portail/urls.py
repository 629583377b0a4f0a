"""The association space, under /association/ (namespace `portail`).

Each part registers its own lines: accounts, request and vault (hG); follow-up,
messages, signing and financial report (hH).
"""

from django.urls import path

from . import (
    views_accounts,
    views_followup,
    views_report,
    views_request,
    views_signing,
    views_vault,
)

app_name = "portail"

urlpatterns = [
    # Accounts
    path("", views_accounts.home, name="home"),
    path("connexion/", views_accounts.PortalLoginView.as_view(), name="login"),
    path("deconnexion/", views_accounts.PortalLogoutView.as_view(), name="logout"),
    path("inscription/", views_accounts.signup, name="signup"),
    path("inscription/envoyee/", views_accounts.signup_done, name="signup_done"),
    path("inscription/confirmer/<str:token>/", views_accounts.confirm_email, name="confirm_email"),
    path("connexion/lien/", views_accounts.magic_link_request, name="magic_link"),
    path("connexion/lien/ouvrir/", views_accounts.magic_login, name="magic_login"),
    path("mot-de-passe/", views_accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        views_accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views_accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/termine/",
        views_accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("rattachement/", views_accounts.membership_request_view, name="membership_request"),
    path("accessibilite/", views_accounts.accessibility, name="accessibility"),
    # Requests and files (hG)
    path("dossiers/", views_request.subsidy_list, name="subsidy_list"),
    path(
        "associations/<int:beneficiary_pk>/demande/",
        views_request.application_start_view,
        name="application_start",
    ),
    path("demandes/<int:pk>/", views_request.application_detail, name="application_detail"),
    path(
        "demandes/<int:pk>/etape/<str:step>/",
        views_request.application_step,
        name="application_step",
    ),
    path(
        "demandes/<int:pk>/deposer/",
        views_request.application_submit_view,
        name="application_submit",
    ),
    path(
        "demandes/<int:pk>/accuse-de-reception.pdf",
        views_request.acknowledgment_download,
        name="acknowledgment",
    ),
    # The document vault (hG)
    path("associations/<int:beneficiary_pk>/coffre-fort/", views_vault.vault, name="vault"),
    path("pieces/<int:pk>/", views_vault.vault_download, name="vault_download"),
    # Follow-up, messages, signing, financial report (hH)
    path("dossiers/<int:pk>/", views_followup.subsidy_detail, name="subsidy_detail"),
    path(
        "dossiers/<int:pk>/demandes/<int:request_pk>/repondre/",
        views_followup.information_request_answer,
        name="information_request_answer",
    ),
    path(
        "dossiers/<int:pk>/ecrire/", views_followup.file_message_create, name="file_message_create"
    ),
    path(
        "dossiers/<int:pk>/messages/<int:message_pk>/piece-jointe/",
        views_followup.file_message_attachment,
        name="file_message_attachment",
    ),
    path("dossiers/<int:pk>/convention/", views_signing.agreement_sign, name="agreement_sign"),
    path("dossiers/<int:pk>/convention/pdf/", views_signing.agreement_pdf, name="agreement_pdf"),
    path("dossiers/<int:pk>/compte-rendu-financier/", views_report.report_edit, name="report_edit"),
]
