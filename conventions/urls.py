"""Staff pages of the conventions app."""

from django.urls import path

from . import views

app_name = "conventions"

urlpatterns = [
    path("deliberations/", views.deliberation_list, name="deliberation_list"),
    path(
        "deliberations/export/<str:fmt>/",
        views.deliberation_export,
        name="deliberation_export",
    ),
]
