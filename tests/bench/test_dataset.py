"""`make bench`'s dataset builder, at a tiny size: valid rows, every kind of record."""

import pytest

from bench import dataset
from conventions.models import Agreement
from core.models import Counter
from deliberations.enums import DeliberationStatus
from deliberations.models import Deliberation
from subventions.models import ActionAxis, Beneficiary, CoFunding, Payment, Subsidy

pytestmark = pytest.mark.django_db


def test_fifty_subsidies_over_ten_beneficiaries_and_five_years():
    dataset.build(50)

    assert Subsidy.objects.count() == 50
    assert Beneficiary.objects.count() == 10
    assert sorted(set(Subsidy.objects.values_list("year", flat=True))) == list(dataset.YEARS)
    assert ActionAxis.objects.count() == 100
    assert CoFunding.objects.count() == 25
    voted = Subsidy.objects.filter(amount_awarded__isnull=False)
    # Every voted file is granted by an adopted deliberation, once.
    assert {s.deliberations.get().status for s in voted} == {DeliberationStatus.ADOPTED}
    assert Deliberation.objects.count() == len(dataset.YEARS)
    assert Agreement.objects.count() == sum(1 for s in voted if s.requires_agreement)
    assert Payment.objects.exists()
    for subsidy in Subsidy.objects.filter(status="versee"):
        paid = sum(p.amount for p in Payment.objects.filter(subsidy=subsidy))
        assert paid == subsidy.amount_awarded


def test_an_extension_continues_the_numbering():
    dataset.build(1000)
    dataset.build(1000, start=1000)

    assert Subsidy.objects.count() == 2000
    assert Beneficiary.objects.count() == 400
    assert Deliberation.objects.filter(subsidies__isnull=False).distinct().count() == 10
    # The services number the next file after the bulk rows.
    assert Counter.objects.get(key="subsidy-2021").value == 400


def test_a_build_that_would_split_a_deliberation_is_refused():
    with pytest.raises(ValueError):
        dataset.build(1000, start=500)
