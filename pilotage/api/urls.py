"""The API under /api/: the four read-only resources, the OpenAPI schema, its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("subventions", views.SubsidyViewSet, basename="subsidy")
router.register("beneficiaires", views.BeneficiaryViewSet, basename="beneficiary")
router.register("deliberations", views.DeliberationViewSet, basename="deliberation")
router.register("conventions", views.AgreementViewSet, basename="agreement")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Any other address under /api/: a JSON 404, like the API's own, not the HTML page.
    re_path(r"^", views.no_such_address),
]
