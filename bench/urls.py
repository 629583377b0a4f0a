"""The application's URLs plus the bare views the bench compares them with."""

from django.urls import path

from metropole.urls import urlpatterns as application

from . import views

urlpatterns = [
    path("_bench/liste/<str:kind>/", views.bare_list, name="bench_bare_list"),
    path("_bench/subventions.csv", views.bare_csv, name="bench_bare_csv"),
    *application,
]
