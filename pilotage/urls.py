"""The top layer's staff pages: dashboard, « À faire », sessions calendar, charts."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("a-faire/", views.todo_page, name="todo"),
    path("seances/calendrier/", views.session_calendar, name="session_calendar"),
    path("tableau-de-bord/graphiques/", views.chart_page, name="charts"),
]
