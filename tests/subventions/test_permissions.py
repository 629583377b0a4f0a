"""Every URL of the project, walked as an anonymous visitor and as each role.

The table below says, for each URL name, who may open it (200) — everyone else gets 403,
and an anonymous visitor is sent to the login page. A URL missing from the table fails
the walk: whoever adds a page adds its line here.
"""

import hashlib
import html
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conventions import permissions as agreement_permissions
from conventions.enums import BundleStatus
from conventions.models import AgreementTemplate, BatchJob, Bundle, NotificationLetter
from conventions.models.templates import NOTIFICATION_TEMPLATE_NAME
from deliberations.models import Deliberation, ElectedMember, Interest
from subventions import permissions
from subventions.enums import ExportJobStatus, Role
from subventions.models import (
    ExportJob,
    FileMessage,
    InformationRequest,
    Membership,
    Subsidy,
)

pytestmark = pytest.mark.django_db

ALL = frozenset(Role)
EDITORS = frozenset({Role.INSTRUCTOR, Role.HEAD_OF_SERVICE})
SECRETARIAT = frozenset({Role.ASSEMBLY_SECRETARIAT})
TEXT_EDITORS = frozenset({Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT})
PREPARERS = frozenset({Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT})
PUBLIC = "public"  # reachable without logging in (the login and password-reset pages)

# URL name → the roles that get 200 (the others get 403), or PUBLIC.
TABLE = {
    "login": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    # Open data (décret 2017-779): the publication page and its SCDL files.
    "opendata:index": PUBLIC,
    "opendata:download": PUBLIC,
    # The load balancers' health check (core.health): no login, nothing sensitive.
    "health": PUBLIC,
    # Any logged-in account may change its own password, role or not.
    "password_change": ALL,
    "password_change_done": ALL,
    # Two-factor login (subventions.twofactor): any logged-in account may enrol.
    "otp_verify": ALL,
    "otp_enrol": ALL,
    "otp_backup_codes": ALL,
    "dashboard": ALL,
    # Search and autocompletes: each group, each endpoint, for whom may see its list.
    "search": ALL,
    "subventions:beneficiary_autocomplete": ALL,
    "subventions:partner_autocomplete": ALL,
    # Issue 15: « À faire » (each role its own work), the sessions calendar, the charts.
    "todo": ALL,
    "session_calendar": ALL,
    "charts": ALL,
    "subventions:subsidy_list": ALL,
    "subventions:subsidy_export": ALL,
    "subventions:subsidy_detail": ALL,
    "subventions:subsidy_create": EDITORS,
    "subventions:subsidy_update": EDITORS,
    # The demo file is voted: signing its agreement is the Signataire's action.
    "subventions:subsidy_transition": frozenset({Role.SIGNATORY}),
    "subventions:beneficiary_list": ALL,
    "subventions:beneficiary_export": ALL,
    # A large export built in the background: only for the user who asked (the demo's
    # export is the Lecteur's), who may still export (subventions.downloads).
    "subventions:export_job": frozenset({Role.READER}),
    "subventions:export_job_file": frozenset({Role.READER}),
    "subventions:export_job_status": frozenset({Role.READER}),
    "subventions:beneficiary_detail": ALL,
    "subventions:beneficiary_create": EDITORS,
    "subventions:beneficiary_update": EDITORS,
    # Every role reads the financial reports (migration 0006_money_roles).
    "subventions:financial_report_file": ALL,
    "deliberations:deliberation_list": ALL,
    "deliberations:deliberation_export": ALL,
    # Deliberations, sessions and the batch generation (conventions.views). The demo
    # deliberation is adopted and executory: its text, vote and date pages show why they
    # no longer apply (200) to the roles that may use them.
    "deliberations:deliberation_detail": ALL,
    "deliberations:deliberation_pdf": ALL,
    "deliberations:deliberation_text": TEXT_EDITORS,
    "deliberations:deliberation_vote": SECRETARIAT,
    "deliberations:deliberation_executory": SECRETARIAT,
    "deliberations:session_list": ALL,
    "deliberations:session_create": SECRETARIAT,
    "deliberations:session_detail": ALL,
    "deliberations:session_update": SECRETARIAT,
    "deliberations:session_place": SECRETARIAT,
    # Issue 11: elected members, attendance, the act after the vote; the public acts. The
    # demo act is transmitted and displayed: its step pages say why they no longer apply.
    "deliberations:member_list": ALL,
    "deliberations:member_detail": ALL,
    "deliberations:member_create": SECRETARIAT,
    "deliberations:member_update": SECRETARIAT,
    "deliberations:member_interest_create": SECRETARIAT,
    "deliberations:interest_update": SECRETARIAT,
    "deliberations:session_attendance": SECRETARIAT,
    "deliberations:session_officers": SECRETARIAT,
    "deliberations:session_publish_act_list": SECRETARIAT,
    "deliberations:deliberation_transmit": SECRETARIAT,
    "deliberations:deliberation_acknowledge": SECRETARIAT,
    "deliberations:deliberation_publish": SECRETARIAT,
    "deliberations:deliberation_correct_vote": SECRETARIAT,
    "deliberations:deliberation_correct_executory": SECRETARIAT,
    "deliberations:public_act_list": PUBLIC,
    "deliberations:public_act_detail": PUBLIC,
    "deliberations:public_act_pdf": PUBLIC,
    # Issue 11 (h7): the signed register extract and the @CTES exchange of the demo act.
    "deliberations:deliberation_extract_sign": SECRETARIAT,
    "deliberations:deliberation_extract_pdf": ALL,
    "deliberations:deliberation_actes_archive": SECRETARIAT,
    "deliberations:deliberation_acknowledgment_upload": SECRETARIAT,
    "opendata:download_deliberations": PUBLIC,
    "conventions:session_agreements": PREPARERS,
    "conventions:batch_job_status": ALL,
    "conventions:batch_job_list": ALL,
    "conventions:batch_job_detail": ALL,
    "conventions:agreement_list": ALL,
    "conventions:agreement_export": ALL,
    # Agreements (conventions.views): the demo agreement is ready for signature.
    "conventions:agreement_detail": ALL,
    "conventions:agreement_pdf": ALL,
    "conventions:agreement_sign": frozenset({Role.SIGNATORY}),
    "conventions:agreement_cosignature": frozenset(
        {Role.HEAD_OF_SERVICE, Role.ASSEMBLY_SECRETARIAT, Role.SIGNATORY}
    ),
    "conventions:pdf_verify": ALL,
    # Money of a voted file (subventions.money_views): Finances only.
    "subventions:payment_create": frozenset({Role.FINANCE}),
    "subventions:report_receive": frozenset({Role.FINANCE}),
    "subventions:report_decide": frozenset({Role.FINANCE}),
    "subventions:clawback_create": frozenset({Role.FINANCE}),
    # Sending, one agreement from its file, notification letters, complete files.
    "conventions:agreement_email": PREPARERS,
    "conventions:subsidy_agreement_prepare": PREPARERS,
    "conventions:letter_pdf": ALL,
    "conventions:letter_email": PREPARERS,
    "conventions:subsidy_bundle": ALL,
    "conventions:bundle_detail": ALL,
    "conventions:bundle_download": ALL,
    "conventions:bundle_status": ALL,
    # The association accounts (issue 16): invitations and the requests to confirm.
    "subventions:beneficiary_invite": EDITORS,
    "subventions:membership_list": EDITORS,
    "subventions:membership_refuse": EDITORS,
    # The exchanges with the associations (issue 16, hH).
    "subventions:exchanges_inbox": ALL,
    "subventions:subsidy_information_request": EDITORS,
    "subventions:subsidy_message_create": EDITORS,
    "subventions:file_message_attachment": ALL,
    "subventions:financial_report_review": ALL,
}
# Logout is POST only (Django 5): checked on its own below.
# POST only (a GET answers 405); their refusals are tested with their views
# (tests/conventions/test_batch.py for the restart of a batch job).
POST_ONLY = {
    "logout",
    "conventions:batch_job_restart",
    "conventions:session_bundle_start",
    "conventions:letter_create",
    "subventions:membership_confirm",
    "subventions:information_request_close",
    "conventions:bundle_restart",
    "subventions:export_job_restart",
}


def url_names(resolver=None, namespace: str = ""):
    """(name, pattern) of every URL of the project, the admin's excepted."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            # The admin has its own permission system (is_staff, model permissions), and so
            # has the API (tokens, 401/403: tests/subventions/test_api.py), and so has the
            # association space (its own accounts: tests/portail/test_isolation.py).
            if pattern.namespace in ("admin", "api", "portail"):
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL sans nom : {pattern.pattern}"
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _finished_export(user) -> ExportJob:
    """An export built in the background for `user`, with its file."""
    job = ExportJob(listing="subventions", requested_by=user, total=0)
    job.file.save("subventions.xlsx", ContentFile(b"PK\x03\x04 xlsx"), save=False)
    job.status, job.finished_at = ExportJobStatus.DONE, timezone.now()
    job.save()
    return job


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    return demo_values()


def demo_values() -> dict:
    """Values of the loaded demo data for every URL parameter (also used by the browser
    walk of tests/browser/test_accessibility.py)."""
    subsidy = Subsidy.objects.get(year=2021, beneficiary__short_name="APES")
    subsidy_2020 = Subsidy.objects.get(year=2020, beneficiary__short_name="APES")
    report = subsidy_2020.financial_report
    if not report.file:
        # The download needs a file to stream: give the demo report one if it has none.
        report.file.save("compte-rendu.pdf", ContentFile(b"%PDF-1.4 test\n"), save=False)
        type(report).objects.filter(pk=report.pk).update(file=report.file.name)
    act = Deliberation.objects.get(number="21 B 0110")
    if not act.extract_pdf:
        # The extract's download needs a stored extract (signing one is tested elsewhere).
        content = b"%PDF-1.4 extrait\n"
        act.extract_pdf.save("extrait.pdf", ContentFile(content), save=False)
        Deliberation.objects.filter(pk=act.pk).update(
            extract_pdf=act.extract_pdf.name, extract_sha256=hashlib.sha256(content).hexdigest()
        )
    return {
        # `pk` of the object the URL name speaks of (first word found in the name).
        "pk": {
            # Before "member" (elected members), which its name contains.
            "membership": Membership.objects.first().pk,
            "beneficiary": subsidy.beneficiary_id,
            "deliberation": Deliberation.objects.get(number="21 B 0110").pk,
            "session": Deliberation.objects.get(number="21 B 0110").session_id,
            "member": ElectedMember.objects.filter(interests__isnull=False).first().pk,
            "interest": Interest.objects.first().pk,
            "subsidy": subsidy.pk,
            "financial_report": subsidy_2020.financial_report.pk,
            # The money pages of the 2021 file: « payment_create », « report_receive »…
            "payment": subsidy.pk,
            "report": subsidy.pk,
            "clawback": subsidy.pk,
            "letter": demo_letter(subsidy).pk,
            "bundle": demo_bundle(act.session).pk,
            "file_message": FileMessage.objects.create(
                subsidy=subsidy,
                author=get_user_model().objects.get(username="instructeur"),
                body="Un message avec sa pièce jointe",
                attachment=ContentFile(b"%PDF-1.4 piece\n", name="piece.pdf"),
                attachment_name="piece.pdf",
            ).pk,
            "agreement": subsidy.agreement.pk,
            "export_job": _finished_export(get_user_model().objects.get(username="lecteur")).pk,
            "batch_job": BatchJob.objects.create(
                kind=BatchJob.KIND_SESSION_AGREEMENTS,
                session_id=Deliberation.objects.get(number="21 B 0110").session_id,
                created_by=get_user_model().objects.get(username="lecteur"),
            ).pk,
        },
        "number": "21B0110",
        "kind": "convention",
        "fmt": "csv",
        "decision": "approuver",
        "action": "sign_agreement",
        "uidb64": "MQ",
        "token": "lien-perime",
    }


def demo_letter(subsidy):
    """A notification letter with a stored PDF (producing one is tested elsewhere)."""
    content = b"%PDF-1.4 lettre\n"
    letter = NotificationLetter(
        number="NOTIF-2021-9999",
        subsidy=subsidy,
        template=AgreementTemplate.active(NOTIFICATION_TEMPLATE_NAME),
        pdf_sha256=hashlib.sha256(content).hexdigest(),
        created_by=get_user_model().objects.get(username="secretariat"),
    )
    letter.pdf.save("lettre.pdf", ContentFile(content), save=False)
    letter.save()
    return letter


def demo_bundle(session):
    """A session's complete file, ready (building one is tested elsewhere)."""
    content = b"PK zip"
    bundle = Bundle(
        session=session,
        status=BundleStatus.DONE,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=get_user_model().objects.get(username="lecteur"),
    )
    bundle.file.save("dossier.zip", ContentFile(content), save=False)
    bundle.save()
    return bundle


def kwargs_for(name: str, pattern: URLPattern, demo: dict) -> dict:
    """Real objects of the demo data for the URL's parameters."""
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        if key == "pk":
            kind = next((kind for kind in demo["pk"] if kind in name.split(":")[-1]), None)
            value = demo["pk"].get(kind)
        else:
            value = demo.get(key)
        assert value is not None, (
            f"{name} : aucune valeur de démonstration pour le paramètre « {key} » ; "
            f"complétez la fixture `demo` de {__file__}."
        )
        kwargs[key] = value
    return kwargs


def walk(demo):
    names = list(url_names())
    missing = sorted({name for name, _ in names} - set(TABLE) - POST_ONLY)
    assert not missing, (
        f"URL absentes de la table des permissions de {__file__} : {missing}. "
        "Ajoutez-les avec les rôles qui peuvent les ouvrir."
    )
    for name, pattern in names:
        if name in POST_ONLY:
            continue
        yield name, reverse(name, kwargs=kwargs_for(name, pattern, demo))


def test_table_names_only_existing_urls():
    existing = {name for name, _ in url_names()}
    assert set(TABLE) <= existing, sorted(set(TABLE) - existing)


def test_anonymous_visitor_reaches_only_the_public_pages(client, demo):
    for name, url in walk(demo):
        response = client.get(url)
        if TABLE[name] == PUBLIC:
            assert response.status_code == 200, (name, url, response.status_code)
        else:
            assert response.status_code == 302, (name, url, response.status_code)
            assert response["Location"].startswith(reverse("login") + "?next="), name


@pytest.mark.parametrize("role", list(Role), ids=[role.name for role in Role])
def test_each_role_gets_200_or_403_as_the_table_says(client, demo, role):
    user = get_user_model().objects.get(groups__name=role)
    client.force_login(user)
    for name, url in walk(demo):
        allowed = TABLE[name]
        expected = 200 if allowed == PUBLIC or role in allowed else 403
        response = client.get(url)
        assert response.status_code == expected, (role, name, url, response.status_code)


@pytest.mark.parametrize("role", list(Role), ids=[role.name for role in Role])
def test_post_only_urls_refuse_a_get(client, demo, role):
    """A GET on a POST-only URL changes nothing: 405, or 403 for a role that may not."""
    client.force_login(get_user_model().objects.get(groups__name=role))
    demo["pk"]["information_request"] = InformationRequest.objects.create(
        subsidy=Subsidy.objects.get(year=2021, beneficiary__short_name="APES"),
        asked_by=get_user_model().objects.get(username="instructeur"),
        subject="Statuts",
        body="Merci de joindre vos statuts à jour.",
        deadline=timezone.localdate() + timezone.timedelta(days=15),
    ).pk
    for name, pattern in url_names():
        if name not in POST_ONLY or name == "logout":
            continue
        response = client.get(reverse(name, kwargs=kwargs_for(name, pattern, demo)))
        assert response.status_code in (403, 405), (role, name, response.status_code)


def test_an_account_without_role_is_refused_with_the_reason(client, demo):
    client.force_login(get_user_model().objects.create_user("sans-role", password="x"))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    assert permissions.NO_ROLE in html.unescape(response.content.decode())


def test_logout_is_a_post_and_leads_to_the_login_page(client, demo):
    client.force_login(get_user_model().objects.get(username="lecteur"))
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


def test_lecteur_sees_no_button_that_changes_anything(client, demo):
    client.force_login(get_user_model().objects.get(username="lecteur"))
    subsidy = Subsidy.objects.get(year=2021)
    pages = [
        reverse("subventions:subsidy_list"),
        reverse("subventions:subsidy_detail", args=[subsidy.pk]),
        reverse("subventions:beneficiary_list"),
        reverse("subventions:beneficiary_detail", args=[subsidy.beneficiary_id]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "Modifier" not in page
        assert "Nouveau" not in page
        assert "/actions/" not in page


@pytest.mark.parametrize(
    ("rule", "role", "allowed"),
    [
        (permissions.can_view, Role.READER, True),
        (permissions.can_create_beneficiary, Role.READER, False),
        (permissions.can_create_beneficiary, Role.INSTRUCTOR, True),
        (permissions.can_create_subsidy, Role.FINANCE, False),
        (permissions.can_edit_subsidy, Role.HEAD_OF_SERVICE, True),
        (permissions.can_edit_subsidy, Role.SIGNATORY, False),
        (agreement_permissions.can_view_agreements, Role.READER, True),
        (agreement_permissions.can_verify_pdf, Role.READER, True),
        (agreement_permissions.can_sign_agreement, Role.SIGNATORY, True),
        (agreement_permissions.can_sign_agreement, Role.HEAD_OF_SERVICE, False),
        (agreement_permissions.can_record_beneficiary_signature, Role.ASSEMBLY_SECRETARIAT, True),
        (agreement_permissions.can_record_beneficiary_signature, Role.SIGNATORY, True),
        (agreement_permissions.can_record_beneficiary_signature, Role.INSTRUCTOR, False),
    ],
)
def test_rules_answer_with_a_reason(make_user, rule, role, allowed):
    answer, reason = rule(make_user(role))
    assert answer is allowed
    assert bool(reason) is not allowed


def test_a_closed_file_is_no_longer_edited(make_user):
    from tests.subventions.factories import SubsidyFactory

    subsidy = SubsidyFactory(withdrawn=True)
    allowed, reason = permissions.can_edit_subsidy(make_user(Role.INSTRUCTOR), subsidy)
    assert not allowed
    assert "Abandonnée" in reason


def test_an_unknown_permission_is_refused():
    assert permissions.check("delete_everything", None) == (
        False,
        "Action inconnue : « delete_everything ».",
    )
