"""The indexes of the searches (core.search, conventions.filters), on PostgreSQL only:
GIN over the full-text vectors, btree over the identifiers' compact forms (prefixes)."""

from django.db import migrations

from core.search import add_search_indexes, compact_index

INDEXES = {"agreement": [compact_index("number", name="agreement_number_compact")]}


forwards, backwards = add_search_indexes("conventions", INDEXES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_french_unaccent_search"),
        ("conventions", "0018_agreement_list_order"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
