"""Root URLs."""

from django.contrib import admin
from django.urls import include, path

from core.health import HealthView
from pilotage.search import search
from subventions import twofactor

admin.site.site_header = "Subventions — administration"
admin.site.site_title = "Subventions"
admin.site.index_title = "Gestion des subventions"

urlpatterns = [
    path("admin/", admin.site.urls),
    # For the load balancers: no login, says only « ok » or « indisponible » (core.health).
    path("sante/", HealthView.as_view(), name="health"),
    # The second factor after the password (subventions.twofactor)
    path("compte/verification/", twofactor.verify, name="otp_verify"),
    path("compte/double-authentification/", twofactor.enrol, name="otp_enrol"),
    path("compte/double-authentification/codes/", twofactor.backup_codes, name="otp_backup_codes"),
    # login, logout, password change and reset (French templates in templates/registration/)
    path("compte/", include("django.contrib.auth.urls")),
    # Open data, public (no login); the read API, token or staff session.
    path("donnees-ouvertes/", include("pilotage.opendata.urls")),
    path("api/", include("pilotage.api.urls")),
    path("recherche/", search, name="search"),
    path("", include("pilotage.urls")),
    # The association space (issue 16): its own accounts, layout and login.
    path("association/", include("pilotage.portail.urls")),
    path("", include("subventions.urls")),
    path("", include("deliberations.urls")),
    path("", include("conventions.urls")),
]
