"""Staff pages of the deliberations app: deliberations and sessions."""

from django.urls import path

from . import views

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
]
