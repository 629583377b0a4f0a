"""A database of before the layers (deliberations inside conventions, the counters and the
files' log inside subventions) migrates forward with nothing lost.

The database is taken back to that state, filled as the old code filled it, then migrated
forward: the rows are where the new models read them, the facts the higher layers decided
are written on the files, and the files' log is in the one transition log. docs/mise-a-jour.md
gives the same check, done once by hand on a copy of real data.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("subventions", "0006_money_roles"),
    ("conventions", "0009_deliberation_subsidy_and_batch_job_history"),
    ("deliberations", None),
    ("core", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_of_before_the_layers_migrates_forward_with_nothing_lost():
    try:
        old = migrate(BEFORE)
        # Taken back, the database is frozen as the old code expects it to be.
        assert "subventions_subsidy_frozen" in subsidy_triggers()
        assert "subventions_subsidy_frozen_after_vote" not in subsidy_triggers()
        rows = fill_as_before(old)
        new = migrate(latest())
        check_after(new, rows)
    finally:
        migrate(latest())


def subsidy_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'subventions_subsidy'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'subventions_subsidy'"
            )
        return {name for (name,) in cursor.fetchall()}


def fill_as_before(apps) -> dict:
    User = apps.get_model("auth", "User")
    clerk = User.objects.create(username="greffe")
    area = apps.get_model("subventions", "PolicyArea").objects.create(label="CULTURE")
    beneficiary = apps.get_model("subventions", "Beneficiary").objects.create(
        legal_name="Association", name_with_article="l'Association"
    )
    Subsidy = apps.get_model("subventions", "Subsidy")
    subsidy = Subsidy.objects.create(
        reference="SUB-2021-0001",
        beneficiary=beneficiary,
        year=2021,
        policy_area=area,
        title="Soutien",
        object="Programme 2021",
        amount_requested=Decimal("35000"),
        amount_proposed=Decimal("35000"),
        amount_awarded=Decimal("35000"),
        status="conventionnee",
    )
    apps.get_model("subventions", "Sequence").objects.create(key="subsidy-2021", value=1)
    at = timezone.make_aware(datetime.datetime(2021, 4, 2, 14))
    Transition = apps.get_model("subventions", "SubsidyTransition")
    Transition.objects.create(
        subsidy=subsidy, action="vote", from_status="proposee", to_status="votee", user=clerk
    )
    Transition.objects.update(at=at)
    Session = apps.get_model("conventions", "Session")
    session = Session.objects.create(body="B", date=datetime.date(2021, 4, 2), time="14:00")
    Deliberation = apps.get_model("conventions", "Deliberation")
    deliberation = Deliberation.objects.create(
        number="21 B 0110", session=session, policy_area=area, title="Soutien"
    )
    apps.get_model("conventions", "DeliberationSubsidy").objects.create(
        deliberation=deliberation, subsidy=subsidy
    )
    Deliberation.objects.filter(pk=deliberation.pk).update(
        status="adoptee", executory_date=datetime.date(2021, 4, 9), voted_at=at
    )
    template = apps.get_model("conventions", "AgreementTemplate").objects.create(
        name="Modèle", visas="Vu."
    )
    Agreement = apps.get_model("conventions", "Agreement")
    agreement = Agreement.objects.create(
        number="CONV-2021-0001",
        subsidy=subsidy,
        template=template,
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        status="en_vigueur",
        beneficiary_signed_on=datetime.date(2021, 4, 20),
        authority_signed_on=datetime.date(2021, 5, 3),
        signed_pdf_sha256="0" * 64,
    )
    apps.get_model("conventions", "Amendment").objects.create(
        agreement=agreement,
        number=1,
        reason="Complément.",
        amount_change=Decimal("5000"),
        status="en_vigueur",
        authority_signed_on=datetime.date(2021, 9, 1),
        signed_pdf_sha256="1" * 64,
    )
    return {"subsidy": subsidy.pk, "deliberation": deliberation.pk, "session": session.pk}


def check_after(apps, rows: dict) -> None:
    Subsidy = apps.get_model("subventions", "Subsidy")
    subsidy = Subsidy.objects.get(pk=rows["subsidy"])
    # Beside the freeze, the money guard of subventions 0009 (what is granted covers what
    # was paid).
    # The data version's triggers (core.dataversion, on every table of the project) are
    # not the freeze's business either.
    freeze = {
        name
        for name in subsidy_triggers()
        if "granted_covers_paid" not in name and not name.startswith("core_data_")
    }
    assert freeze == {"subventions_subsidy_frozen_after_vote"}
    assert subsidy.purpose == "Programme 2021"
    assert subsidy.executory_on == datetime.date(2021, 4, 9)
    assert subsidy.agreement_signed_on == datetime.date(2021, 5, 3)
    assert subsidy.amount_amended == Decimal("5000")
    deliberation = apps.get_model("deliberations", "Deliberation").objects.get(
        pk=rows["deliberation"]
    )
    assert (deliberation.number, deliberation.session_id) == ("21 B 0110", rows["session"])
    assert list(deliberation.subsidies.values_list("pk", flat=True)) == [rows["subsidy"]]
    assert apps.get_model("core", "Counter").objects.get(key="subsidy-2021").value == 1
    [log] = apps.get_model("core", "TransitionLog").objects.all()
    assert (log.object_id, log.action, log.from_status, log.to_status) == (
        rows["subsidy"],
        "vote",
        "proposee",
        "votee",
    )
    assert log.at == timezone.make_aware(datetime.datetime(2021, 4, 2, 14))
    ContentType = apps.get_model("contenttypes", "ContentType")
    assert ContentType.objects.get(pk=log.content_type_id).model == "subsidy"
    assert not ContentType.objects.filter(app_label="conventions", model="deliberation").exists()
    assert ContentType.objects.filter(app_label="deliberations", model="deliberation").exists()
