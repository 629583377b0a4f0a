"""Root URLs."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Subventions — administration"
admin.site.site_title = "Subventions"
admin.site.index_title = "Gestion des subventions"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
