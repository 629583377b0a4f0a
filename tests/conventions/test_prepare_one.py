"""« Préparer la convention » from one file's page: the same service as the batch."""

import pytest
from django.urls import reverse

from conventions.models import Agreement
from subventions.enums import Role
from tests.conventions.agreements import granted_subsidy

pytestmark = pytest.mark.django_db


def test_the_agreement_of_one_file_is_prepared_from_its_page(client, secretariat):
    subsidy = granted_subsidy()
    client.force_login(secretariat)
    prepare = reverse("conventions:subsidy_agreement_prepare", args=[subsidy.pk])
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert prepare in page
    assert "Préparer la convention" in client.get(prepare).content.decode()
    response = client.post(prepare)
    agreement = Agreement.objects.get(subsidy=subsidy)
    assert response["Location"] == reverse(
        "conventions:agreement_detail", args=["convention", agreement.pk]
    )
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert prepare not in page
    assert agreement.number in page
    # A second time: refused with the service's reason, nothing more created.
    response = client.post(prepare, follow=True)
    assert "a déjà une convention" in response.content.decode()
    assert Agreement.objects.count() == 1


def test_only_the_preparers_prepare(client, make_user):
    subsidy = granted_subsidy()
    client.force_login(make_user(Role.FINANCE))
    prepare = reverse("conventions:subsidy_agreement_prepare", args=[subsidy.pk])
    page = client.get(reverse("subventions:subsidy_detail", args=[subsidy.pk])).content.decode()
    assert prepare not in page
    assert client.post(prepare).status_code == 403
    assert not Agreement.objects.exists()
