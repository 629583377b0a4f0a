"""Version 1 of the « Lettre de notification » template: the letter that notifies the
beneficiary of its subsidy (amount, deliberation, payment terms, report due date, contact),
edited afterwards by new versions like the agreement templates."""

from django.db import migrations

NAME = "Lettre de notification"
TITLE = "Notification d'une subvention de {{ amount|euros }} — exercice {{ year }}"
PREAMBLE = (
    "Madame, Monsieur,\n\n"
    "J'ai le plaisir de vous informer que, par sa délibération n° {{ deliberation.number }} "
    "du {{ deliberation.session_date|date_text }}, {{ deliberation.body_name }} "
    "{{ authority.name_with_article|prep_de }} a attribué "
    "{{ beneficiary.name_with_article|prep_a }} une subvention de "
    "{{ amount|amount_in_words }} ({{ amount|euros }}) au titre de l'exercice {{ year }}, "
    "pour : {{ object }}."
)
ARTICLES = [
    (
        "Modalités de versement",
        "{{ payment_terms }}.\n\n"
        "{% for instalment in instalments %}- {{ instalment.label }} : "
        "{{ instalment.amount|euros }}\n{% endfor %}\n"
        "{% if amount > threshold %}Au-delà de {{ threshold|euros }}, une convention précise "
        "ces conditions : aucun versement n'intervient avant sa signature par les deux "
        "parties.{% endif %}",
    ),
    (
        "Compte rendu financier",
        "Le compte rendu financier de l'action subventionnée (formulaire Cerfa n° 15059) est "
        "à transmettre au plus tard le {{ report_due_date|date_text }}.",
    ),
    (
        "Votre interlocuteur",
        "{% if letter.contact_name %}{{ letter.contact_name }}{% if letter.contact_email %}, "
        "{{ letter.contact_email }}{% endif %}, se tient à votre disposition pour toute "
        "question.{% else %}Le service des subventions se tient à votre disposition pour toute "
        "question.{% endif %}\n\n"
        "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations "
        "distinguées.\n\n"
        "{{ authority.president_name }}, {{ authority.president_title }}",
    ),
]


def install(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementArticle = apps.get_model("conventions", "AgreementArticle")
    if AgreementTemplate.objects.filter(name=NAME).exists():
        return
    template = AgreementTemplate.objects.create(
        name=NAME,
        kind="notification",
        version=1,
        is_active=True,
        title=TITLE,
        visas="",
        preamble=PREAMBLE,
        change_note="Modèle initial de la lettre de notification.",
    )
    for position, (heading, body) in enumerate(ARTICLES, start=1):
        AgreementArticle.objects.create(
            template=template, position=position, heading=heading, body=body
        )


def uninstall(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementTemplate.objects.filter(name=NAME, notification_letters__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("conventions", "0020_notification_letters")]

    operations = [migrations.RunPython(install, uninstall)]
