"""The indexes of the searches (core.search, subventions.search), on PostgreSQL only:
GIN over the full-text vectors, btree over the identifiers' compact forms (prefixes)."""

from django.db import migrations

from core.search import add_search_indexes, compact_index, fts_index

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


forwards, backwards = add_search_indexes("subventions", INDEXES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_french_unaccent_search"),
        ("subventions", "0016_list_order_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
