"""Every admin page for every demo role (issue 14, item 15): the changelist, the add form
and the change form of one object of each registered model answer without a server
error (200, 302 or 403), and « Enregistrer » on an unchanged change form too."""

import contextlib

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files import File
from django.urls import NoReverseMatch, reverse

from conventions.enums import BeneficiarySigningMethod, TemplateKind
from conventions.models import (
    Agreement,
    AgreementTemplate,
    BeneficiarySignature,
    Bundle,
    NotificationLetter,
)
from deliberations.models import Session
from subventions.enums import ReportHeading, VaultDocumentKind
from subventions.models import (
    ExportJob,
    FileMessage,
    FinancialReport,
    ReportLine,
    ReportStatement,
    VaultDocument,
)

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


FROZEN_MODELS = (
    VaultDocument,
    FileMessage,
    ReportStatement,
    ReportLine,
    ExportJob,
    Bundle,
    NotificationLetter,
    BeneficiarySignature,
)


def _frozen_rows(subsidy):
    """One row of each model the demo does not fill (the association space's, the frozen
    documents'), as their services leave them, so that their admin pages are walked too."""
    admin_user = get_user_model().objects.get(username="admin")
    VaultDocument.objects.create(
        beneficiary=subsidy.beneficiary,
        kind=VaultDocumentKind.STATUTES,
        title="Statuts",
        file="coffre/2021/statuts.pdf",
        sha256="a" * 64,
    )
    FileMessage.objects.create(subsidy=subsidy, author=admin_user, body="Bonjour")
    statement = ReportStatement.objects.create(
        report=FinancialReport.objects.filter(subsidy=subsidy).first(), updated_by=admin_user
    )
    ReportLine.objects.create(statement=statement, heading=ReportHeading.values[0], planned=10)
    ExportJob.objects.create(listing="subsidy", requested_by=admin_user)
    Bundle.objects.create(session=Session.objects.first(), created_by=admin_user)
    NotificationLetter.objects.create(
        number="LN-2021-0001",
        subsidy=subsidy,
        template=AgreementTemplate.objects.filter(kind=TemplateKind.NOTIFICATION).first(),
        pdf="notifications/ln.pdf",
        pdf_sha256="b" * 64,
        created_by=admin_user,
    )
    BeneficiarySignature.objects.create(
        agreement=Agreement.objects.first(),
        method=BeneficiarySigningMethod.SIMPLE,
        signed_by=admin_user,
        signatory_name="Camille Martin",
        signatory_title="présidente",
        document_sha256="c" * 64,
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
    _frozen_rows(demo)
    pages = list(_admin_urls())
    # The pages added with issue 15 are walked with one of their rows (their change page).
    walked = {model for model, urls in pages if any(url.endswith("/change/") for url in urls)}
    assert set(FROZEN_MODELS) <= walked
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
