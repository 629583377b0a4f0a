"""The indexes of the searches (core.search, subventions.search), on PostgreSQL only:
GIN over the full-text vectors, btree over the identifiers' compact forms (prefixes)."""

from django.db import migrations

from core.search import compact_index, fts_index

INDEXES = {
    "beneficiary": [
        fts_index(
            "legal_name", "short_name", "city", "representative_name", name="beneficiary_fts"
        ),
        compact_index("siret", name="beneficiary_siret_compact"),
        compact_index("rna", name="beneficiary_rna_compact"),
    ],
    "fundingpartner": [
        fts_index("name_with_article", name="fundingpartner_fts"),
        compact_index("siret", name="fundingpartner_siret_compact"),
    ],
    "subsidy": [
        fts_index("title", "purpose", name="subsidy_fts"),
        compact_index("reference", name="subsidy_reference_compact"),
    ],
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, indexes in INDEXES.items():
        model = apps.get_model("subventions", model_name)
        for index in indexes:
            schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, indexes in INDEXES.items():
        model = apps.get_model("subventions", model_name)
        for index in indexes:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_french_unaccent_search"),
        ("subventions", "0016_list_order_indexes"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
