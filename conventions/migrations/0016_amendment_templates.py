"""Amendments come from a versioned template, like agreements: a template knows its kind
(convention or avenant), an amendment the template version it was generated from, and
version 1 of « Avenant à une convention » is installed (its visas, its three articles).

Amendments prepared before keep no template: they are shown with the fixed text they were
written with, and signed ones keep their frozen PDF.

SQLite rebuilds conventions_agreementtemplate to add the not-null `kind`, which drops the
freezing triggers of migration 0005 on that table: they are created again here.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

NAME = "Avenant à une convention"
TITLE = "Avenant n° {{ amendment.number }} à la convention n° {{ agreement.number }}"
VISAS = [
    "Vu la convention n° {{ agreement.number }}{% if agreement.signed_on %} signée le "
    "{{ agreement.signed_on|date_text }}{% endif %}, notamment son article 9 ;",
    "{% if deliberation.number %}Vu la délibération n° {{ deliberation.number }} "
    "{{ deliberation.body_name|prep_de }} du {{ deliberation.session_date|date_text }} ;"
    "{% endif %}",
]
PREAMBLE = "Il a été convenu ce qui suit."
ARTICLES = [
    ("Objet de l'avenant", "{{ amendment.reason }}"),
    (
        "Modifications",
        "{% if amendment.amount_change %}Le montant de la subvention est "
        "{% if amendment.amount_change > 0 %}augmenté{% else %}diminué{% endif %} de "
        "{{ amendment.amount_change_abs|amount_in_words }} "
        "({{ amendment.amount_change_abs|euros }}) "
        "et porté à {{ amendment.new_amount|amount_in_words }} "
        "({{ amendment.new_amount|euros }})."
        "{% endif %}\n\n"
        "{% if amendment.new_end_date %}La période de validité de la convention est portée au "
        "{{ amendment.new_end_date|date_text }}.{% endif %}",
    ),
    (
        "Autres stipulations",
        "Les autres stipulations de la convention n° {{ agreement.number }} demeurent inchangées.",
    ),
]


def install(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementArticle = apps.get_model("conventions", "AgreementArticle")
    AgreementVisa = apps.get_model("conventions", "AgreementVisa")
    if AgreementTemplate.objects.filter(name=NAME).exists():
        return
    template = AgreementTemplate.objects.create(
        name=NAME,
        kind="avenant",
        version=1,
        is_active=True,
        title=TITLE,
        visas="",
        preamble=PREAMBLE,
        change_note="Modèle initial d'avenant (le texte fixe des avenants jusque-là).",
    )
    for position, text in enumerate(VISAS, start=1):
        AgreementVisa.objects.create(template=template, position=position, text=text)
    for position, (heading, body) in enumerate(ARTICLES, start=1):
        AgreementArticle.objects.create(
            template=template, position=position, heading=heading, body=body
        )


def uninstall(apps, schema_editor):
    AgreementTemplate = apps.get_model("conventions", "AgreementTemplate")
    AgreementTemplate.objects.filter(name=NAME, amendments__isnull=True).delete()
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks of the deletion run now: the columns removed next
        # cannot be altered while trigger events are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")


def restore_template_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL keeps its triggers when a column is added
    freezing = importlib.import_module("conventions.migrations.0005_agreement_freeze_triggers")
    for (name, _event, table), statement in zip(
        freezing.TRIGGERS, freezing.sqlite_statements(), strict=True
    ):
        if table == "conventions_agreementtemplate":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0015_agreement_template_grammar"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementtemplate",
            name="kind",
            field=models.CharField(
                choices=[("convention", "Convention"), ("avenant", "Avenant")],
                default="convention",
                help_text="Une convention, ou un avenant (qui connaît aussi « agreement » et "
                "« amendment »).",
                max_length=20,
                verbose_name="document",
            ),
        ),
        migrations.AddField(
            model_name="amendment",
            name="template",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Vide pour un avenant préparé avant les modèles d'avenant (texte fixe).",
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="amendments",
                to="conventions.agreementtemplate",
                verbose_name="modèle d'avenant (version)",
            ),
        ),
        migrations.AddField(
            model_name="historicalamendment",
            name="template",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="Vide pour un avenant préparé avant les modèles d'avenant (texte fixe).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="conventions.agreementtemplate",
                verbose_name="modèle d'avenant (version)",
            ),
        ),
        migrations.RunPython(restore_template_triggers, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
