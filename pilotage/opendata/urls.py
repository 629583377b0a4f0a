"""Public pages (no login): the open data, under /donnees-ouvertes/."""

from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.opendata_index, name="index"),
    path("subventions.<str:fmt>", views.opendata_download, name="download"),
    # Issue 11 (h7): the published acts in SCDL « Délibérations ».
    path(
        "deliberations.csv",
        views.opendata_deliberations_download,
        name="download_deliberations",
    ),
]
