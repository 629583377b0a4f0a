"""Staff pages of the deliberations app: deliberations and sessions."""

from django.urls import path

from . import act_views, exchange_views, member_views, views

app_name = "deliberations"

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
    # Sessions (séances).
    path("seances/", views.session_list, name="session_list"),
    path("seances/nouvelle/", views.session_create, name="session_create"),
    path("seances/<int:pk>/", views.session_detail, name="session_detail"),
    path("seances/<int:pk>/modifier/", views.session_update, name="session_update"),
    path("seances/<int:pk>/inscrire/", views.session_place, name="session_place"),
    # Issue 11 (h5): elected members, attendance, the act after the vote, corrections.
    path("elus/", member_views.member_list, name="member_list"),
    path("elus/nouveau/", member_views.member_create, name="member_create"),
    path("elus/<int:pk>/", member_views.member_detail, name="member_detail"),
    path("elus/<int:pk>/modifier/", member_views.member_update, name="member_update"),
    path(
        "elus/<int:pk>/interets/nouveau/",
        member_views.interest_create,
        name="member_interest_create",
    ),
    path("interets/<int:pk>/modifier/", member_views.interest_update, name="interest_update"),
    path("seances/<int:pk>/presences/", member_views.session_attendance, name="session_attendance"),
    path("seances/<int:pk>/convocation/", member_views.session_officers, name="session_officers"),
    path(
        "seances/<int:pk>/liste-des-deliberations/",
        act_views.session_publish_act_list,
        name="session_publish_act_list",
    ),
    path(
        "deliberations/<int:pk>/transmettre/",
        act_views.deliberation_transmit,
        name="deliberation_transmit",
    ),
    path(
        "deliberations/<int:pk>/accuse-de-reception/",
        act_views.deliberation_acknowledge,
        name="deliberation_acknowledge",
    ),
    path(
        "deliberations/<int:pk>/publier/",
        act_views.deliberation_publish,
        name="deliberation_publish",
    ),
    path(
        "deliberations/<int:pk>/corriger-le-vote/",
        act_views.deliberation_correct_vote,
        name="deliberation_correct_vote",
    ),
    path(
        "deliberations/<int:pk>/corriger-la-date-executoire/",
        act_views.deliberation_correct_executory,
        name="deliberation_correct_executory",
    ),
    # The public page « Actes publiés » (no login): a permanent address per act.
    path("actes/", act_views.public_act_list, name="public_act_list"),
    path("actes/<str:number>/", act_views.public_act_detail, name="public_act_detail"),
    path("actes/<str:number>/pdf/", act_views.public_act_pdf, name="public_act_pdf"),
    # Issue 11 (h7): the signed register extract and the @CTES exchange.
    path(
        "deliberations/<int:pk>/extrait/signer/",
        exchange_views.deliberation_extract_sign,
        name="deliberation_extract_sign",
    ),
    path(
        "deliberations/<int:pk>/extrait/",
        exchange_views.deliberation_extract_pdf,
        name="deliberation_extract_pdf",
    ),
    path(
        "deliberations/<int:pk>/actes/archive/",
        exchange_views.deliberation_actes_archive,
        name="deliberation_actes_archive",
    ),
    path(
        "deliberations/<int:pk>/actes/accuse-de-reception/",
        exchange_views.deliberation_acknowledgment_upload,
        name="deliberation_acknowledgment_upload",
    ),
]
