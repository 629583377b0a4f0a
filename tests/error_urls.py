"""The project's URLs plus a view that fails, for the error pages' tests."""

from django.urls import path

from metropole.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", broken), *project_urlpatterns]
