"""The default agreement template (DESIGN.md §6): version 1 of « Convention annuelle
d'objectifs », with the visas, the preamble and articles 1 to 11.

Frozen here on purpose: the legal department edits the template in the admin, which
creates version 2, 3 …; this migration never changes what version 1 says.
"""

from django.db import migrations

NAME = "Convention annuelle d'objectifs"
TITLE = "Convention d'objectifs et de moyens — exercice {{ year }}"

VISAS = """\
Vu le code général des collectivités territoriales, notamment son article L. 1611-4 ;
Vu la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations avec les administrations, notamment son article 10 ;
Vu le décret n° 2001-495 du 6 juin 2001 pris pour l'application de l'article 10 de la loi n° 2000-321 du 12 avril 2000 et relatif à la transparence financière des aides octroyées par les personnes publiques ;
Vu la loi n° 2021-1109 du 24 août 2021 confortant le respect des principes de la République, et le décret n° 2021-1947 du 31 décembre 2021 approuvant le contrat d'engagement républicain des associations et fondations bénéficiant de subventions publiques ;
Vu la délibération n° {{ deliberation.number }} du {{ deliberation.body }} du {{ deliberation.session_date|date_text }}{% if deliberation.executory_date %}, exécutoire le {{ deliberation.executory_date|date_text }}{% endif %} ;
Vu la demande de subvention présentée par {{ beneficiary.name_with_article }}."""

PREAMBLE = """\
Considérant que {{ beneficiary.name_with_article }} mène, de sa propre initiative, un programme d'actions présentant un intérêt public local : {{ object }} ;

Considérant que ce programme participe de la politique de {{ authority.name_with_article }} ;

Il a été convenu ce qui suit."""

ARTICLES = [
    (
        "Objet",
        """\
La présente convention a pour objet de définir les conditions dans lesquelles {{ authority.name_with_article }} soutient le programme d'actions {{ year }} de {{ beneficiary.name_with_article }}.

Ce programme s'organise autour des axes suivants :
{% for axis in axes %}
- Axe {{ axis.position }} : {{ axis.title }}{% endfor %}

{{ beneficiary.name_with_article|capfirst }} s'engage à mettre en œuvre ce programme et à y affecter les moyens nécessaires.""",
    ),
    (
        "Durée",
        """\
La présente convention prend effet à la date de sa signature par les deux parties. Elle porte sur les actions menées du {{ start_date|date_text }} au {{ end_date|date_text }}.

Elle prend fin après la production du compte rendu financier prévu à l'article 5 et, le cas échéant, après le reversement prévu à l'article 8.""",
    ),
    (
        "Montant de la subvention",
        """\
Pour l'exercice {{ year }}, {{ authority.name_with_article }} attribue {{ beneficiary.name_with_article|prep_a }} une subvention de {{ amount|amount_in_words }} ({{ amount|euros }}), imputée au budget général en section {{ section }}.
{% if budget_share %}
Ce montant représente {{ budget_share|percent }} du budget prévisionnel de la structure, qui s'élève à {{ projected_budget|euros }}.{% endif %}

La subvention ne peut être employée à d'autres fins que la réalisation du programme décrit à l'article 1.""",
    ),
    (
        "Modalités de versement",
        """\
La subvention est versée selon l'échéancier suivant ({{ payment_terms|lower }}) :

<table class="instalments"><thead><tr><th>Échéance</th><th>Condition</th><th>Montant</th></tr></thead><tbody>{% for instalment in instalments %}<tr><td>{{ instalment.position }}. {{ instalment.label }}</td><td>{{ instalment.condition }}{% if instalment.due_date %} : {{ instalment.due_date|date_text }}{% endif %}</td><td class="amount">{{ instalment.amount|euros }}</td></tr>{% endfor %}</tbody></table>

Aucun versement n'intervient avant que la délibération accordant la subvention soit exécutoire et que la présente convention soit signée par les deux parties.

Les versements sont effectués par virement au compte de {{ beneficiary.name_with_article }} :
IBAN {{ beneficiary.iban }} — BIC {{ beneficiary.bic }}.""",
    ),
    (
        "Justificatifs et obligations",
        """\
{{ beneficiary.name_with_article|capfirst }} transmet à {{ authority.name_with_article }}, au plus tard le {{ report_due_date|date_text }}, soit dans les six mois suivant la fin de l'exercice pour lequel la subvention a été attribuée, le compte rendu financier de l'action subventionnée (Cerfa n° 15059), conformément à l'article 10 de la loi n° 2000-321 du 12 avril 2000 et au décret n° 2001-495 du 6 juin 2001.

{{ beneficiary.name_with_article|capfirst }} transmet également ses comptes annuels approuvés et son rapport d'activité de l'exercice, et informe {{ authority.name_with_article }} sans délai de toute modification de ses statuts, de sa direction ou de sa situation financière.

{{ beneficiary.name_with_article|capfirst }} a souscrit le contrat d'engagement républicain prévu par la loi n° 2021-1109 du 24 août 2021 et le décret n° 2021-1947 du 31 décembre 2021{% if beneficiary.republican_commitment_date %} le {{ beneficiary.republican_commitment_date|date_text }}{% endif %}. Elle s'engage à le respecter et à en informer ses membres.""",
    ),
    (
        "Communication",
        """\
{{ beneficiary.name_with_article|capfirst }} fait mention du soutien de {{ authority.name_with_article }} dans toute communication relative aux actions financées, notamment en y apposant son logo.""",
    ),
    (
        "Contrôle",
        """\
Conformément à l'article L. 1611-4 du code général des collectivités territoriales, {{ authority.name_with_article }} peut contrôler à tout moment l'emploi de la subvention. {{ beneficiary.name_with_article|capfirst }} tient à sa disposition toute pièce justificative.""",
    ),
    (
        "Sanctions et reversement",
        """\
En cas d'inexécution, de retard significatif ou de modification substantielle des conditions d'exécution de la présente convention sans l'accord écrit de {{ authority.name_with_article }}, ou si le compte rendu financier n'est pas produit, {{ authority.name_with_article }} peut suspendre les versements et exiger le reversement de tout ou partie des sommes versées, après mise en demeure restée sans effet.

Le manquement au contrat d'engagement républicain entraîne le retrait de la subvention et le reversement des sommes versées après ce manquement.""",
    ),
    (
        "Avenant",
        """\
Toute modification de la présente convention, notamment de son montant ou de sa durée, fait l'objet d'un avenant signé par les deux parties.""",
    ),
    (
        "Résiliation",
        """\
En cas de non-respect par l'une des parties de ses engagements, la présente convention peut être résiliée par l'autre partie à l'expiration d'un délai d'un mois suivant l'envoi d'une lettre recommandée avec accusé de réception valant mise en demeure restée sans effet.""",
    ),
    (
        "Litiges",
        """\
Les parties s'efforcent de régler à l'amiable tout différend relatif à l'exécution de la présente convention. À défaut, le litige est porté devant le {{ authority.administrative_court }}.""",
    ),
]


def install(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementArticle = apps.get_model("conventions", "AgreementArticle")
    if AgreementTemplate.objects.filter(name=NAME).exists():
        return
    template = AgreementTemplate.objects.create(
        name=NAME,
        version=1,
        is_active=True,
        title=TITLE,
        visas=VISAS,
        preamble=PREAMBLE,
        change_note="Modèle initial (DESIGN.md §6).",
    )
    for position, (heading, body) in enumerate(ARTICLES, start=1):
        AgreementArticle.objects.create(
            template=template, position=position, heading=heading, body=body
        )


def uninstall(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementTemplate.objects.filter(name=NAME, version=1, agreements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("conventions", "0006_agreement_roles")]

    operations = [migrations.RunPython(install, uninstall)]
