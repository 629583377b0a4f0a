"""Text search shared by the lists, the autocompletes and the global search.

What a user types matches accent- and case-insensitively:

- on PostgreSQL, by full-text search in the `french_unaccent` configuration (French
  stemming of unaccented words, created by core's migration 0004), each word as a prefix,
  so that « economie solid » finds « Économie sociale et solidaire »; the vectors have
  GIN expression indexes (`fts_index`), created by each app's migrations;
- on SQLite (development), by `LIKE` on the unaccented lower-cased columns, through the
  `unaccent` function registered on each connection (`register_sqlite_unaccent`).

Identifiers (SIRET, RNA, references, deliberation numbers) are matched on their compact
form, without spaces nor punctuation: « 21b0110 » finds « 21 B 0110 », a SIRET typed in
groups finds the SIRET.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import CharField, Func, Q, QuerySet, TextField, Transform

FTS_CONFIG = "french_unaccent"
# Words shorter than this are not searched alone (one letter matches half the table).
MIN_WORD = 2


def unaccent(text: str) -> str:
    """« Économie » → « Economie »: the letters without their combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    """SQLite has no unaccent(): give it Python's (connection_created signal)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "unaccent", 1, lambda text: None if text is None else unaccent(text), deterministic=True
        )


class Unaccent(Func):
    function = "UNACCENT"
    output_field = CharField()


def words(value: str) -> list[str]:
    """The words typed, unaccented, lower-cased, in order, without repeats."""
    found = re.findall(r"\w+", unaccent(value or "").lower())
    return list(dict.fromkeys(word for word in found if len(word) >= MIN_WORD))


def compact(value: str) -> str:
    """An identifier as stored compact: « 21 b 0110 » → « 21B0110 »."""
    return re.sub(r"[\s\-/.]+", "", unaccent(value or "")).upper()


def fts_vector(*fields: str) -> SearchVector:
    """The indexed full-text vector of `fields` (same expression as `fts_index`)."""
    return SearchVector(*fields, config=FTS_CONFIG)


def fts_index(*fields: str, name: str) -> GinIndex:
    """The GIN index over `fields`' vector, for a PostgreSQL-only migration."""
    return GinIndex(fts_vector(*fields), name=name)


COMPACT_SQL = (
    "REPLACE(REPLACE(REPLACE(REPLACE(UPPER({column}), ' ', ''), '-', ''), '/', ''), '.', '')"
)


@dataclass(frozen=True)
class CompactIndex:
    """A btree over a column's compact form (the `compact` lookup's SQL) in
    text_pattern_ops, so that a prefix search (`LIKE 'X%'`) reads it, whatever the
    database's collation. For PostgreSQL-only migrations (`add_search_indexes`)."""

    field: str
    name: str

    def create(self, schema_editor, model) -> None:
        column = schema_editor.quote_name(model._meta.get_field(self.field).column)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(self.name)} ON "
            f"{schema_editor.quote_name(model._meta.db_table)} "
            f"(({COMPACT_SQL.format(column=column)}) text_pattern_ops)"
        )

    def drop(self, schema_editor, model) -> None:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")


def compact_index(field: str, *, name: str) -> CompactIndex:
    return CompactIndex(field, name)


def add_search_indexes(app_label: str, indexes: dict):
    """A migration's RunPython pair creating then dropping `indexes` ({model name: [index,
    …]}, made by `fts_index` and `compact_index`), on PostgreSQL only."""

    def run(apps, schema_editor, *, create: bool):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, model_indexes in indexes.items():
            model = apps.get_model(app_label, model_name)
            for index in model_indexes:
                if isinstance(index, CompactIndex):
                    (index.create if create else index.drop)(schema_editor, model)
                elif create:
                    schema_editor.add_index(model, index)
                else:
                    schema_editor.remove_index(model, index)

    def forwards(apps, schema_editor):
        run(apps, schema_editor, create=True)

    def backwards(apps, schema_editor):
        run(apps, schema_editor, create=False)

    return forwards, backwards


def prefix_query(typed: list[str]) -> SearchQuery:
    """Every word as a prefix (`econom:* & solidair:*`), stemmed by the configuration."""
    raw = " & ".join(f"{word}:*" for word in typed)
    return SearchQuery(raw, search_type="raw", config=FTS_CONFIG)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def text_match(fields: list[str], value: str, *, prefix: str = "") -> Q | None:
    """The condition « every word typed is in one of `fields` », or None when nothing
    searchable was typed. `prefix` (« beneficiary__ ») reaches the fields of a relation
    on SQLite only: on PostgreSQL the vector must be the row's own, to use its index
    (search through a relation with a subquery on the related model instead)."""
    typed = words(value)
    if not typed or not fields:
        return None
    if is_postgresql():
        from django.contrib.postgres.search import SearchVectorExact

        return Q(SearchVectorExact(fts_vector(*fields), prefix_query(typed)))
    return reduce(
        and_,
        (
            reduce(
                or_,
                (Q(**{f"{prefix}{field}__unaccent_lower__contains": word}) for field in fields),
            )
            for word in typed
        ),
    )


def identifier_match(fields: list[str], value: str) -> Q | None:
    """The condition « one of the identifier `fields` starts with what was typed,
    compact », when what was typed holds a digit (every identifier here does)."""
    typed = compact(value)
    if not typed or not any(char.isdigit() for char in typed):
        return None
    return reduce(
        or_,
        (Q(**{f"{field}__compact__startswith": typed}) for field in fields),
    )


def search(
    queryset: QuerySet, value: str, *, text: list[str], identifiers: list[str] = ()
) -> QuerySet:
    """The rows of `queryset` whose text `fields` hold every word typed, or whose
    identifiers start with it (compact). Nothing searchable typed: no row."""
    conditions = [
        condition
        for condition in (text_match(text, value), identifier_match(list(identifiers), value))
        if condition is not None
    ]
    if not conditions:
        return queryset.none()
    return queryset.filter(reduce(or_, conditions))


class UnaccentLower(Transform):
    """`field__unaccent_lower`: the column unaccented then lower-cased (SQLite fallback,
    whose LOWER() knows ASCII letters only)."""

    lookup_name = "unaccent_lower"
    template = "LOWER(UNACCENT(%(expressions)s))"
    output_field = CharField()


class Compact(Transform):
    """`field__compact`: the column upper-cased without spaces, dashes, slashes nor dots,
    as `compact()` makes what was typed."""

    lookup_name = "compact"
    template = COMPACT_SQL.format(column="%(expressions)s")
    output_field = CharField()


def ids_of_either(*id_querysets: QuerySet) -> QuerySet:
    """The ids in any of `id_querysets` (each a `.values(<id>)`), as one UNION: each part
    keeps its own index, where an OR across them would scan the table."""
    first, *others = (queryset.order_by() for queryset in id_querysets)
    return first.union(*others)


for _field in (CharField, TextField):
    _field.register_lookup(UnaccentLower)
    _field.register_lookup(Compact)
