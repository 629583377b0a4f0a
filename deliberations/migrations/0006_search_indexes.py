"""The indexes of the searches (core.search, deliberations.filters), on PostgreSQL only:
GIN over the full-text vectors, btree over the identifiers' compact forms (prefixes)."""

from django.db import migrations

from core.search import add_search_indexes, compact_index, fts_index

INDEXES = {
    "deliberation": [
        fts_index("title", "note", name="deliberation_fts"),
        compact_index("number", name="deliberation_number_compact"),
    ],
}


forwards, backwards = add_search_indexes("deliberations", INDEXES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_french_unaccent_search"),
        ("deliberations", "0005_history_reason_text"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
