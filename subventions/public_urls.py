"""Public pages (no login): the open data, under /donnees-ouvertes/."""

from django.urls import path

from . import public_views

app_name = "opendata"

urlpatterns = [
    path("", public_views.opendata_index, name="index"),
    path("subventions.<str:fmt>", public_views.opendata_download, name="download"),
]
