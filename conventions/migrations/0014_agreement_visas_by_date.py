"""Version 2 of « Convention annuelle d'objectifs »: the visas become dated rows.

A copy of the version in force (title, preamble, articles) whose visas are rows cited
only by the agreements they apply to: the contrat d'engagement républicain (loi
2021-1109, décret 2021-1947) from the requests received on 2 January 2022, the articles
of the code général des collectivités territoriales by kind of authority. The articles'
paragraphs on the contrat d'engagement républicain follow the same date
(`republican_commitment` in the agreement's context). The earlier
version is left as it is: the agreements generated from it keep their text.
"""

import datetime

from django.db import migrations
from django.db.models import Max

NAME = "Convention annuelle d'objectifs"
CGCT = "Vu le code général des collectivités territoriales, notamment ses articles {} ;"
VISAS = [
    # (text, applies_from, authority_kind)
    (CGCT.format("L. 1611-4, L. 2121-29 et L. 2311-7"), None, "commune"),
    (CGCT.format("L. 1611-4, L. 5211-1 et L. 5211-10"), None, "epci"),
    (CGCT.format("L. 1611-4, L. 3211-1 et L. 3211-2"), None, "departement"),
    (CGCT.format("L. 1611-4, L. 4221-1 et L. 4221-5"), None, "region"),
    (
        "Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs "
        "relations avec les administrations, notamment son article 10 ;",
        datetime.date(2000, 4, 13),
        "",
    ),
    (
        "Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de "
        "la loi n° 2000-321 du 12 avril 2000 et relatif à la transparence financière des aides "
        "octroyées par les personnes publiques ;",
        datetime.date(2001, 6, 10),
        "",
    ),
    (
        "Vu la loi n° 2021-1109 du 24 août 2021 confortant le respect des principes de la "
        "République, et le décret n° 2021-1947 du 31 décembre 2021 approuvant le contrat "
        "d'engagement républicain des associations et fondations bénéficiant de subventions "
        "publiques ;",
        datetime.date(2022, 1, 2),
        "",
    ),
    (
        "Vu la délibération n° {{ deliberation.number }} {{ deliberation.body_name|prep_de }} "
        "du {{ deliberation.session_date|date_text }}{% if deliberation.executory_date %}, "
        "exécutoire le {{ deliberation.executory_date|date_text }}{% endif %} ;",
        None,
        "",
    ),
    (
        "Vu la demande de subvention présentée par {{ beneficiary.name_with_article }}.",
        None,
        "",
    ),
]


def _dated_paragraphs(body: str) -> str:
    """The articles' paragraphs on the contrat d'engagement républicain, shown only when
    it applies (a 2021 agreement does not cite the law of 24 August 2021)."""
    paragraphs = body.split("\n\n")
    return "\n\n".join(
        f"{{% if republican_commitment %}}{paragraph}{{% endif %}}"
        if "engagement républicain" in paragraph and "{% if republican" not in paragraph
        else paragraph
        for paragraph in paragraphs
    )


def install(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementArticle = apps.get_model("conventions", "AgreementArticle")
    AgreementVisa = apps.get_model("conventions", "AgreementVisa")
    active = AgreementTemplate.objects.filter(name=NAME, is_active=True).first()
    if active is None or active.dated_visas.exists():
        return
    last = AgreementTemplate.objects.filter(name=NAME).aggregate(last=Max("version"))["last"]
    AgreementTemplate.objects.filter(pk=active.pk).update(is_active=False)
    template = AgreementTemplate.objects.create(
        name=NAME,
        version=last + 1,
        is_active=True,
        title=active.title,
        visas="",
        preamble=active.preamble,
        change_note="Visas datés : le contrat d'engagement républicain n'est cité que pour "
        "les demandes reçues à partir du 2 janvier 2022 ; articles du CGCT selon le type de "
        "collectivité.",
    )
    for article in active.articles.order_by("position"):
        AgreementArticle.objects.create(
            template=template, position=article.position, heading=article.heading,
            body=_dated_paragraphs(article.body),
        )  # fmt: skip
    for position, (text, applies_from, kind) in enumerate(VISAS, start=1):
        AgreementVisa.objects.create(
            template=template, position=position, text=text, applies_from=applies_from,
            authority_kind=kind,
        )  # fmt: skip


def uninstall(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    created = AgreementTemplate.objects.filter(
        name=NAME, is_active=True, dated_visas__isnull=False, agreements__isnull=True
    ).distinct()
    for template in created:
        previous = (
            AgreementTemplate.objects.filter(name=NAME, version__lt=template.version)
            .order_by("-version")
            .first()
        )
        template.delete()
        if previous is not None:
            AgreementTemplate.objects.filter(pk=previous.pk).update(is_active=True)
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks of the deletion run now, before any later
        # (backward) step alters these tables.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")


class Migration(migrations.Migration):
    dependencies = [("conventions", "0013_agreement_visas")]

    operations = [migrations.RunPython(install, uninstall)]
