"""Every admin page for every demo role (issue 14, item 15): the changelist, the add form
and the change form of one object of each registered model answer without a server
error (200, 302 or 403), and « Enregistrer » on an unchanged change form too."""

import contextlib

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files import File
from django.urls import NoReverseMatch, reverse

from conventions.models import Agreement

pytestmark = pytest.mark.django_db

DEMO_USERS = (
    "admin",
    "instructeur",
    "responsable",
    "secretariat",
    "finances",
    "signataire",
    "lecteur",
)


def _admin_urls():
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        for obj in {model._default_manager.order_by(order).first() for order in ("pk", "-pk")}:
            if obj is not None:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        yield model, urls


def _form_data(context) -> dict:
    """What the browser sends back for an unchanged change form (with its inlines)."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if bound.field.widget.__class__.__name__ in ("CheckboxInput",):
                if value:
                    data[bound.html_name] = "on"
                continue
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            elif isinstance(value, File):
                continue  # a kept file is not sent again
            else:
                data[bound.html_name] = str(value) if not isinstance(value, str) else value

    add(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for form in [formset.management_form, *formset.forms]:
            add(form)
    return data


def test_every_admin_page_answers_every_demo_role_without_a_server_error(client, demo):
    failures, posted = [], set()
    User = get_user_model()
    pages = list(_admin_urls())
    for username in DEMO_USERS:
        client.force_login(User.objects.get(username=username))
        for _model, urls in pages:
            for url in urls:
                response = client.get(url)
                if response.status_code >= 500:
                    failures.append(f"{username} GET {url}: {response.status_code}")
                    continue
                context = response.context
                if (
                    response.status_code == 200
                    and url.endswith("/change/")
                    and context
                    and context.get("has_change_permission")
                    and "adminform" in context
                ):
                    data = _form_data(context)
                    data["_save"] = "Enregistrer"
                    saved = client.post(url, data)
                    posted.add(url)
                    if saved.status_code >= 500:
                        failures.append(f"{username} POST {url}: {saved.status_code}")
    assert failures == []
    signed = Agreement.objects.filter(authority_signed_on__isnull=False).first()
    assert reverse("admin:conventions_agreement_change", args=[signed.pk]) in posted
