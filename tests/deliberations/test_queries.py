"""Rendering the text costs the same number of queries for 2 and for 200 subsidies."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberations import rendering
from tests.subventions.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def queries_to_render(make_subsidy, make_deliberation, count: int) -> int:
    subsidies = [
        make_subsidy(
            beneficiary=BeneficiaryFactory(), cofundings=[(["le Département du Nord"], "100", {})]
        )
        for _ in range(count)
    ]
    deliberation = make_deliberation(subsidies, title="Soutien aux associations 2021")
    with CaptureQueriesContext(connection) as captured:
        text = rendering.render_text(deliberation)
    assert text.count(" — ") == 2 * count + 1  # a table row per subsidy, then the total
    return len(captured)


def test_same_query_count_for_2_and_200_subsidies(make_subsidy, make_deliberation):
    two = queries_to_render(make_subsidy, make_deliberation, 2)
    two_hundred = queries_to_render(make_subsidy, make_deliberation, 200)
    assert two == two_hundred
