"""The association space's demo (issue 16): the APES account (`apes` / `demo`) with its
2021 file as submitted, and a second association with a request in draft."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from subventions import applications, memberships, services
from subventions.enums import ApplicationStep, MembershipStatus
from subventions.models import Application, Beneficiary, Membership

JARDINS = {
    "legal_name": "Les Jardins partagés de Fives",
    "short_name": "JPF",
    "name_with_article": "les Jardins partagés de Fives",
    "rna": "W595099001",
    "address": "14 rue Pierre Legrand",
    "postal_code": "59800",
    "city": "Lille",
    "representative_name": "Karim Benali",
    "representative_title": "Président",
    "email": "contact@jardins-fives.example",
}
ACCOUNTS = (
    # username, e-mail, first name, last name, role in the association
    ("apes", "direction@apes-hdf.example", "Nadia", "Lefebvre", "directrice"),
    ("jardins", "karim@jardins-fives.example", "Karim", "Benali", "président"),
)
RECEIVED_2021 = datetime.datetime(2020, 11, 30, 10, 0)


def _account(username, email, first_name, last_name, password):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = memberships.account_create(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            username=username,
        )
    memberships.account_confirm_email(user=user)
    return user


def _link(user, beneficiary, role, clerk):
    confirmed = Membership.objects.filter(
        user=user, beneficiary=beneficiary, status=MembershipStatus.CONFIRMED
    ).exists()
    if not confirmed:
        memberships.membership_invite(
            beneficiary=beneficiary,
            email=user.email,
            role_in_association=role,
            invited_by=clerk,
            is_representative=role == "président",
        )


def load(*, users, apes, subsidy_2021, policy_area, password) -> dict:
    clerk = users["instructeur"]
    accounts = {
        username: _account(username, email, first, last, password)
        for username, email, first, last, _ in ACCOUNTS
    }
    roles = {username: role for username, *_, role in ACCOUNTS}
    _link(accounts["apes"], apes, roles["apes"], clerk)
    received = timezone.make_aware(RECEIVED_2021)
    application_2021 = applications.application_record_received(
        subsidy=subsidy_2021, submitted_by=accounts["apes"], submitted_at=received
    )

    jardins = Beneficiary.objects.filter(rna=JARDINS["rna"]).first()
    jardins = jardins or services.beneficiary_create(user=clerk, **JARDINS)
    _link(accounts["jardins"], jardins, roles["jardins"], clerk)
    draft = Application.objects.filter(beneficiary=jardins).first()
    if draft is None:
        user = accounts["jardins"]
        draft = applications.application_start(beneficiary=jardins, year=2022, user=user)
        applications.application_save(
            application=draft,
            user=user,
            step=ApplicationStep.PROJECT,
            next_step=ApplicationStep.BUDGET,
            association={
                **draft.association,
                "object": "Créer et animer des jardins partagés à Fives.",
                "contact_name": "Karim Benali",
                "contact_email": "karim@jardins-fives.example",
                "members": 64,
                "volunteers": 18,
                "annual_budget": "42000.00",
            },
            project_title="Des jardins partagés pour tout le quartier",
            policy_area=policy_area,
            project_objectives="Rapprocher les habitants autour du jardinage.",
            project_description="Deux parcelles cultivées avec les habitants et les écoles.",
            project_public="Habitants du quartier de Fives, écoliers.",
            project_territory="Lille-Fives",
            project_start=datetime.date(2022, 3, 1),
            project_end=datetime.date(2022, 11, 30),
            axes=[
                {"title": "Cultiver deux parcelles avec les habitants", "description": ""},
                {"title": "Accueillir les classes du quartier", "description": ""},
            ],
        )
    return {
        "portal_accounts": accounts,
        "application_2021": application_2021,
        "draft_application": draft,
        "second_association": jardins,
    }
