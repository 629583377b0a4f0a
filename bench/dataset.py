"""A realistic dataset for `make bench`, built with bulk inserts (no services, no history
rows): subsidies over five financial years, one beneficiary for five subsidies (one a
year), with their action axes, co-funding lines, granting deliberations (200 subsidies
each, ten a session), agreements and payments. Every row is valid: the database's
constraints and triggers run, the numbering counters are moved past the rows written.

    from bench import dataset
    dataset.build(10_000)                  # subsidies 0 … 9 999
    dataset.build(90_000, start=10_000)    # extended to 100 000

Subsidy n belongs to beneficiary n // 5 and to the year YEARS[n % 5]. The last year is
the current one: its files are at every stage (draft to voted, agreements being
prepared); the earlier years are voted, signed and paid.
"""

import datetime
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from conventions.enums import AgreementStatus
from conventions.models import Agreement, AgreementTemplate
from core.grammar import name_key
from core.models import Counter
from deliberations.enums import Body, DeliberationStatus
from deliberations.models import Deliberation, DeliberationSubsidy, Session
from subventions.enums import BudgetSection, PartnerKind, PaymentTerms, SubsidyStatus
from subventions.models import (
    ActionAxis,
    Authority,
    Beneficiary,
    BudgetLine,
    CoFunding,
    CoFundingPartner,
    FundingPartner,
    Payment,
    PolicyArea,
    Subsidy,
)

YEARS = (2020, 2021, 2022, 2023, 2024)
PER_BENEFICIARY = len(YEARS)
PER_DELIBERATION = 200
DELIBERATIONS_PER_SESSION = 10
# A build extends the previous one by whole blocks (one deliberation a year per block).
BLOCK = PER_BENEFICIARY * PER_DELIBERATION
BATCH = 5000
POLICY_AREAS = (
    "DÉVELOPPEMENT ÉCONOMIQUE ET EMPLOI",
    "CULTURE",
    "SPORT",
    "SOLIDARITÉS",
    "ENVIRONNEMENT",
    "POLITIQUE DE LA VILLE",
)
PARTNERS = (
    ("la Région Hauts-de-France", PartnerKind.REGION),
    ("le Département du Nord", PartnerKind.DEPARTMENT),
    ("l'État", PartnerKind.STATE),
    ("la Ville de Lille", PartnerKind.LOCAL_AUTHORITY),
    ("l'Union européenne (FSE+)", PartnerKind.EUROPEAN_UNION),
)
TOWNS = ("Lille", "Roubaix", "Tourcoing", "Villeneuve-d'Ascq", "Armentières", "Seclin")
PENDING_STATUSES = (
    SubsidyStatus.DRAFT,
    SubsidyStatus.UNDER_REVIEW,
    SubsidyStatus.PROPOSED,
    SubsidyStatus.VOTED,
)


def luhn(digits: str) -> str:
    """`digits` followed by its Luhn check digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


def siret(n: int) -> str:
    return luhn(luhn(f"{40000000 + n:08d}") + "0001")


def _chunks(rows: Iterable, size: int = BATCH) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(model, rows: Iterable) -> list:
    """Bulk-insert `rows` by batches; the created instances (with their pk)."""
    created = []
    for chunk in _chunks(rows):
        created += model.objects.bulk_create(chunk)
    return created


def year_of(n: int) -> int:
    return YEARS[n % PER_BENEFICIARY]


def amounts(n: int) -> tuple[Decimal, Decimal]:
    """(requested, awarded) of subsidy n: 5 000 to 80 000 €, about half above the
    agreement threshold."""
    requested = Decimal(5000 + (n * 7919) % 750 * 100)
    return requested, (requested * Decimal("0.9")).quantize(Decimal("100"))


def status_of(n: int) -> str:
    year = year_of(n)
    if year <= YEARS[-3]:
        return SubsidyStatus.PAID
    if year == YEARS[-2]:
        return SubsidyStatus.AGREEMENT_SIGNED
    return PENDING_STATUSES[(n // PER_BENEFICIARY) % len(PENDING_STATUSES)]


def _reference_data() -> dict:
    """Authority, policy areas, partners, budget lines and template: created once."""
    if Authority.current() is None:
        Authority.objects.create(
            name="Métropole Européenne de Lille",
            name_with_article="la MEL",
            siret="20009320100016",
            address="2 boulevard des Cités Unies",
            postal_code="59040",
            city="Lille",
            president_name="Damien Castelain",
            seat_city="Lille",
            administrative_court="Tribunal administratif de Lille",
        )
    areas = [PolicyArea.objects.get_or_create(label=label)[0] for label in POLICY_AREAS]
    partners = [
        FundingPartner.objects.get_or_create(name_with_article=name, defaults={"kind": kind})[0]
        for name, kind in PARTNERS
    ]
    lines = {
        year: BudgetLine.objects.get_or_create(
            year=year,
            chapter="65",
            article="6574",
            label="Subventions aux associations",
            defaults={"section": BudgetSection.OPERATING, "amount_voted": Decimal("900000000")},
        )[0]
        for year in YEARS
    }
    template = AgreementTemplate.active() or AgreementTemplate.objects.create(visas="Vu la loi.")
    return {"areas": areas, "partners": partners, "lines": lines, "template": template}


def _beneficiaries(first: int, last: int) -> list[Beneficiary]:
    def rows():
        for b in range(first, last):
            legal_name = f"Association {TOWNS[b % len(TOWNS)]} Solidarité numéro {b}"
            yield Beneficiary(
                legal_name=legal_name,
                short_name=f"ASSO{b}",
                name_with_article=f"l'association ASSO{b}",
                siret=siret(b),
                rna=f"W59{b:07d}",
                address=f"{b % 300 + 1} rue de la République",
                postal_code="59000",
                city=TOWNS[b % len(TOWNS)],
                representative_name=f"Camille Martin {b}",
                representative_title="Présidente",
                iban="FR7630006000011234567890189",
                bic="AGRIFRPP",
                name_key=name_key(legal_name)[:250],
            )

    return _insert(Beneficiary, rows())


def _subsidies(first: int, last: int, beneficiaries: dict, ref: dict) -> list[Subsidy]:
    def rows():
        for n in range(first, last):
            year, status = year_of(n), status_of(n)
            requested, awarded = amounts(n)
            voted = status not in PENDING_STATUSES[:3]
            signed = status in (SubsidyStatus.AGREEMENT_SIGNED, SubsidyStatus.PAID)
            yield Subsidy(
                reference=f"SUB-{year}-{n // PER_BENEFICIARY + 1:05d}",
                beneficiary_id=beneficiaries[n // PER_BENEFICIARY],
                year=year,
                policy_area=ref["areas"][n % len(ref["areas"])],
                received_on=datetime.date(year - 1, 10, 1 + n % 28),
                title=f"Programme d'actions {year} de l'association ASSO{n // PER_BENEFICIARY}",
                purpose=f"Programme d'actions {year} : animation, insertion et promotion",
                amount_requested=requested,
                amount_proposed=awarded if status != SubsidyStatus.DRAFT else None,
                amount_awarded=awarded if voted else None,
                projected_budget=requested * 4,
                budget_line=ref["lines"][year],
                payment_terms=PaymentTerms.STAGGERED if n % 4 == 0 else PaymentTerms.SINGLE,
                status=status,
                executory_on=datetime.date(year, 4, 15) if voted else None,
                agreement_signed_on=(
                    datetime.date(year, 5, 3)
                    if signed and awarded > settings.AGREEMENT_THRESHOLD
                    else None
                ),
            )

    return _insert(Subsidy, rows())


def _programme(subsidies: list[Subsidy], ref: dict) -> None:
    """Two action axes per subsidy; a co-funding line on every other one."""
    _insert(
        ActionAxis,
        (
            ActionAxis(
                subsidy=subsidy,
                position=position,
                title=f"Axe {position} : {title}",
                description="Actions menées auprès des habitants du quartier.",
            )
            for subsidy in subsidies
            for position, title in ((1, "accompagnement"), (2, "animation"))
        ),
    )
    lines = _insert(
        CoFunding,
        (
            CoFunding(subsidy=subsidy, amount=subsidy.amount_requested / 2)
            for index, subsidy in enumerate(subsidies)
            if index % 2 == 0
        ),
    )
    partners = ref["partners"]
    _insert(
        CoFundingPartner,
        (
            CoFundingPartner(cofunding=line, partner=partners[index % len(partners)])
            for index, line in enumerate(lines)
        ),
    )


def _session(year: int, number: int) -> Session:
    date = datetime.date(year, 2 + number % 10, 10 + number // 10)
    return Session.objects.get_or_create(body=Body.BUREAU, date=date, time=datetime.time(14))[0]


def _deliberations(first: int, subsidies: list[Subsidy], ref: dict) -> None:
    """The voted subsidies, 200 a deliberation (per block and year), adopted once their
    subsidies are listed (the adopted act's list is frozen by a trigger)."""
    groups: dict[tuple[int, int], list[Subsidy]] = {}
    for n, subsidy in enumerate(subsidies, start=first):
        if subsidy.amount_awarded is not None:
            groups.setdefault((subsidy.year, n // BLOCK), []).append(subsidy)
    deliberations = {}
    for (year, block), members in groups.items():
        deliberations[year, block] = Deliberation(
            number=f"{year % 100:02d} B {block + 1:04d}",
            session=_session(year, block // DELIBERATIONS_PER_SESSION),
            policy_area=ref["areas"][block % len(ref["areas"])],
            title=f"SUBVENTIONS A {len(members)} ASSOCIATIONS",
        )
    _insert(Deliberation, deliberations.values())
    _insert(
        DeliberationSubsidy,
        (
            DeliberationSubsidy(deliberation=deliberations[key], subsidy=subsidy, position=position)
            for key, members in groups.items()
            for position, subsidy in enumerate(members, start=1)
        ),
    )
    for (year, _block), deliberation in deliberations.items():
        Deliberation.objects.filter(pk=deliberation.pk).update(
            status=DeliberationStatus.ADOPTED,
            unanimous=True,
            voted_at=timezone.make_aware(datetime.datetime(year, 4, 2, 14)),
            executory_date=datetime.date(year, 4, 15),
        )


def _agreements(first: int, subsidies: list[Subsidy], ref: dict) -> None:
    """An agreement for each voted subsidy above the threshold: signed and in force for
    the past years, a draft being prepared for the current one."""

    def rows():
        for n, subsidy in enumerate(subsidies, start=first):
            if subsidy.amount_awarded is None or not subsidy.requires_agreement:
                continue
            year = subsidy.year
            signed = subsidy.agreement_signed_on is not None
            yield Agreement(
                number=f"CONV-{year}-{n // PER_BENEFICIARY + 1:05d}",
                subsidy=subsidy,
                template=ref["template"],
                start_date=datetime.date(year, 1, 1),
                end_date=datetime.date(year, 12, 31),
                status=AgreementStatus.IN_FORCE if signed else AgreementStatus.DRAFT,
                beneficiary_signed_on=datetime.date(year, 4, 28) if signed else None,
                authority_signed_on=subsidy.agreement_signed_on,
                signed_pdf_sha256="0" * 64 if signed else "",
            )

    _insert(Agreement, rows())


def _payments(first: int, subsidies: list[Subsidy]) -> None:
    """Paid files: the whole amount, in two instalments when staggered; the previous year's
    signed files: their first half."""

    def rows():
        for n, subsidy in enumerate(subsidies, start=first):
            if subsidy.status not in (SubsidyStatus.PAID, SubsidyStatus.AGREEMENT_SIGNED):
                continue
            date = datetime.date(subsidy.year, 6, 1) + datetime.timedelta(n % 150)
            staggered = subsidy.payment_terms == PaymentTerms.STAGGERED
            if subsidy.status == SubsidyStatus.PAID and not staggered:
                parts = [subsidy.amount_awarded]
            else:
                parts = [subsidy.amount_awarded / 2]
                if subsidy.status == SubsidyStatus.PAID:
                    parts.append(subsidy.amount_awarded - parts[0])
            for index, amount in enumerate(parts):
                day = date + datetime.timedelta(days=90 * index)
                yield Payment(
                    subsidy=subsidy,
                    date=day,
                    year=day.year,
                    amount=amount,
                    mandate_number=f"M{n:07d}-{index + 1}",
                )

    _insert(Payment, rows())


def _move_counters() -> None:
    """The references and numbers the services hand out next follow the bulk rows."""
    for year in YEARS:
        for key, model, field, prefix in (
            (f"subsidy-{year}", Subsidy, "reference", f"SUB-{year}-"),
            (f"agreement-{year}", Agreement, "number", f"CONV-{year}-"),
        ):
            last = (
                model.objects.filter(**{f"{field}__regex": rf"^{prefix}[0-9]+$"})
                .order_by(f"-{field}")
                .values_list(field, flat=True)
                .first()
            )
            if last:
                value = int(last.removeprefix(prefix))
                counter, _ = Counter.objects.get_or_create(key=key)
                if counter.value < value:
                    Counter.objects.filter(pk=counter.pk).update(value=value)


def build(count: int, *, start: int = 0, log=None) -> dict:
    """Subsidies start … start + count - 1 and everything around them; returns the seconds
    each step took. `start` must be where a previous build stopped, by whole blocks."""
    if start % BLOCK or (count % BLOCK and count >= BLOCK):
        raise ValueError(f"Build by blocks of {BLOCK} subsidies (start={start}, count={count}).")
    timings, clock = {}, time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now
        if log:
            log(f"  {name} : {timings[name]:.1f} s")

    last = start + count
    with transaction.atomic():
        ref = _reference_data()
        first_b, last_b = start // PER_BENEFICIARY, -(-last // PER_BENEFICIARY)
        beneficiaries = {
            b: beneficiary.pk
            for b, beneficiary in zip(
                range(first_b, last_b), _beneficiaries(first_b, last_b), strict=True
            )
        }
        step("bénéficiaires")
        subsidies = _subsidies(start, last, beneficiaries, ref)
        step("subventions")
        _programme(subsidies, ref)
        step("axes et cofinancements")
        _deliberations(start, subsidies, ref)
        step("délibérations")
        _agreements(start, subsidies, ref)
        step("conventions")
        _payments(start, subsidies)
        step("versements")
        _move_counters()
    if connection.vendor == "postgresql":
        # VACUUM as well: the visibility map of the new rows is set (index-only scans read
        # no table page), and autovacuum has nothing left to do while the pages are
        # measured. A test's transaction allows ANALYZE only.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    step("VACUUM ANALYZE")
    return timings


def batch_session(count: int, *, day: int) -> Session:
    """A Council session of the current year whose one adopted deliberation grants `count`
    subsidies above the agreement threshold, none with its agreement yet: what
    « Générer toutes les conventions de la séance » works on."""
    ref = _reference_data()
    year = YEARS[-1]
    with transaction.atomic():
        date = datetime.date(year, 6, day)
        while Session.objects.filter(body=Body.COUNCIL, date=date).exists():
            date += datetime.timedelta(days=1)  # a second bench run on the same data
        session = Session.objects.create(body=Body.COUNCIL, date=date, time=datetime.time(18))
        first = Beneficiary.objects.count()
        beneficiaries = _beneficiaries(first, first + count)
        subsidies = _insert(
            Subsidy,
            (
                Subsidy(
                    reference=f"SUB-{year}-L{session.pk:03d}{index:04d}",
                    beneficiary=beneficiary,
                    year=year,
                    policy_area=ref["areas"][0],
                    received_on=datetime.date(year - 1, 11, 2),
                    title=f"Programme d'actions {year} de l'association {beneficiary.short_name}",
                    purpose=f"Programme d'actions {year} : animation, insertion et promotion",
                    amount_requested=Decimal("40000"),
                    amount_proposed=Decimal("35000"),
                    amount_awarded=Decimal("35000"),
                    projected_budget=Decimal("160000"),
                    budget_line=ref["lines"][year],
                    status=SubsidyStatus.VOTED,
                    executory_on=date,
                )
                for index, beneficiary in enumerate(beneficiaries, start=1)
            ),
        )
        _programme(subsidies, ref)
        number = Deliberation.objects.filter(number__startswith=f"{year % 100:02d} C ").count()
        deliberation = Deliberation.objects.create(
            number=f"{year % 100:02d} C {number + 1:04d}",
            session=session,
            policy_area=ref["areas"][0],
            title=f"SUBVENTIONS A {count} ASSOCIATIONS",
        )
        _insert(
            DeliberationSubsidy,
            (
                DeliberationSubsidy(deliberation=deliberation, subsidy=subsidy, position=position)
                for position, subsidy in enumerate(subsidies, start=1)
            ),
        )
        Deliberation.objects.filter(pk=deliberation.pk).update(
            status=DeliberationStatus.ADOPTED,
            unanimous=True,
            voted_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(18))),
            executory_date=date,
        )
    return session
