"""Every model has its admin page, for corrections and audits (issue 15): a model missing
from the admin is a table nobody can look at without a database console."""

from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from conventions.models import BeneficiarySignature, Bundle, NotificationLetter
from subventions.models import ExportJob, VaultDocument

# Models of other packages, and why they have no page of their own.
NOT_IN_THE_ADMIN = {
    "admin.LogEntry": "Django's own log of the admin's changes (django-simple-history keeps ours)",
    "auth.Permission": "Django's permissions, chosen on the users' and groups' pages",
    "contenttypes.ContentType": "Django's internal table of models",
    "sessions.Session": "the signed-in sessions, opaque data",
    "authtoken.Token": "the API tokens are managed by their own command (create_api_token)",
    "axes.AccessAttemptExpiration": "django-axes' internal expiry of its attempts",
    "otp_static.StaticToken": "shown on its device's page (django-otp's StaticDevice inline)",
}


def _inline_models():
    return {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }


def test_every_model_of_the_project_has_an_admin_page_or_a_stated_reason():
    inlined = _inline_models()
    missing = [
        model._meta.label
        for model in apps.get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
        and model not in admin.site._registry
        and model not in inlined
        and model._meta.label not in NOT_IN_THE_ADMIN
    ]
    assert missing == []


def test_frozen_documents_are_read_only_in_the_admin(rf, django_user_model):
    superuser = django_user_model(username="root", is_superuser=True, is_staff=True)
    request = rf.get("/")
    request.user = superuser
    for model in (Bundle, NotificationLetter, BeneficiarySignature, ExportJob, VaultDocument):
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        # History through django-simple-history's page.
        assert reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[1])
