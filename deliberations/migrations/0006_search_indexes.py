"""The indexes of the searches (core.search, deliberations.filters), on PostgreSQL only:
GIN over the full-text vectors, btree over the identifiers' compact forms (prefixes)."""

from django.db import migrations

from core.search import compact_index, fts_index

INDEXES = {
    "deliberation": [
        fts_index("title", "note", name="deliberation_fts"),
        compact_index("number", name="deliberation_number_compact"),
    ],
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, indexes in INDEXES.items():
        model = apps.get_model("deliberations", model_name)
        for index in indexes:
            schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, indexes in INDEXES.items():
        model = apps.get_model("deliberations", model_name)
        for index in indexes:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_french_unaccent_search"),
        ("deliberations", "0005_history_reason_text"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
