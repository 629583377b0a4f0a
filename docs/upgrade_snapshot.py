"""Snapshot of a PostgreSQL database of the application, to compare before and after a migration
(docs/mise-a-jour.md).

    python docs/upgrade_snapshot.py snapshot postgres://postgres@127.0.0.1:5432/base \
        --media /chemin/media --private /chemin/private > avant.json
    python docs/upgrade_snapshot.py compare avant.json apres.json
    python docs/upgrade_snapshot.py preflight postgres://postgres@127.0.0.1:5432/base

`snapshot` prints, as JSON, the row count of every table of the public schema and, for
every frozen document (deliberation PDFs, generated and signed agreement and amendment
PDFs, scans, financial reports), the SHA-256 stored in the database and the SHA-256 of the
file on disk. `compare` prints what differs and exits 1 when a document changed.
`preflight`, run on the database of before the change, lists the rows the constraints the
change adds would refuse (`migrate` would stop on them, changing nothing) and exits 1 when
there is one.

It reads the database and the files only and imports nothing of the application, so that it
runs the same against the code of before and after the change.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

import psycopg

# (table, file column, stored hash column or None, root: "media" or "private")
DOCUMENTS = [
    ("conventions_deliberation", "pdf", "pdf_sha256", "media"),
    ("conventions_agreement", "generated_pdf", "generated_pdf_sha256", "private"),
    ("conventions_agreement", "signed_pdf", "signed_pdf_sha256", "private"),
    ("conventions_agreement", "beneficiary_scan", None, "private"),
    ("conventions_amendment", "generated_pdf", "generated_pdf_sha256", "private"),
    ("conventions_amendment", "signed_pdf", "signed_pdf_sha256", "private"),
    ("conventions_amendment", "beneficiary_scan", None, "private"),
    ("subventions_financialreport", "file", None, "private"),
]


VOTED = "('votee', 'conventionnee', 'versee', 'soldee')"
# (what the new constraint says, the query of the rows it refuses, on the old tables)
PREFLIGHT = [
    (
        "subsidy_voted_has_its_amount : une subvention votée porte son montant attribué",
        f"SELECT reference FROM subventions_subsidy "
        f"WHERE status IN {VOTED} AND amount_awarded IS NULL",
    ),
    (
        "deliberation_voted_has_its_vote : une délibération votée porte la date de son vote",
        "SELECT coalesce(number, id::text) FROM conventions_deliberation "
        "WHERE status IN ('adoptee', 'rejetee') AND voted_at IS NULL",
    ),
    *(
        (
            f"{table}_sent_has_its_date : un document envoyé porte sa date d'envoi",
            f"SELECT id::text FROM conventions_{table} "
            f"WHERE status = 'envoyee' AND sent_on IS NULL",
        )
        for table in ("agreement", "amendment")
    ),
    *(
        (
            f"{table}_beneficiary_signed_has_its_date : un document signé par le "
            f"bénéficiaire porte sa date",
            f"SELECT id::text FROM conventions_{table} "
            f"WHERE status = 'signee_beneficiaire' AND beneficiary_signed_on IS NULL",
        )
        for table in ("agreement", "amendment")
    ),
    (
        "batchjob_finished_has_its_date : un traitement terminé porte sa date de fin",
        "SELECT id::text FROM conventions_batchjob "
        "WHERE (status IN ('terminee', 'echec')) <> (finished_at IS NOT NULL)",
    ),
]


def preflight(url: str) -> int:
    refused = 0
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for rule, query in PREFLIGHT:
            cursor.execute(query)
            rows = [row[0] for row in cursor.fetchall()]
            refused += len(rows)
            verdict = "aucune ligne refusée" if not rows else ", ".join(rows)
            print(f"{rule} : {verdict}")
    print(f"Lignes à corriger avant la mise à jour : {refused}.")
    return 1 if refused else 0


def sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(url: str, roots: dict[str, Path]) -> dict:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        documents = []
        for table, column, stored, root in DOCUMENTS:
            if table not in tables:
                continue
            hash_sql = f'"{stored}"' if stored else "NULL"
            cursor.execute(
                f'SELECT id, "{column}", {hash_sql} FROM "{table}" '
                f"WHERE \"{column}\" <> '' ORDER BY id"
            )
            for pk, name, stored_hash in cursor.fetchall():
                documents.append(
                    {
                        "document": f"{table}.{column}#{pk}",
                        "file": name,
                        "stored_sha256": stored_hash,
                        "file_sha256": sha256(roots[root] / name),
                    }
                )
    return {"tables": counts, "documents": documents}


def compare(before: dict, after: dict) -> int:
    """Print the tables whose count differs and the documents that changed; 1 if any did."""
    tables = sorted(set(before["tables"]) | set(after["tables"]))
    same = [t for t in tables if before["tables"].get(t) == after["tables"].get(t)]
    print(
        f"Tables : {len(before['tables'])} avant ({sum(before['tables'].values())} lignes), "
        f"{len(after['tables'])} après ({sum(after['tables'].values())} lignes) ; "
        f"{len(same)} au même nombre de lignes."
    )
    for table in tables:
        if table not in same:
            print(f"  {table} : {before['tables'].get(table)} → {after['tables'].get(table)}")
    documents = {d["document"]: d for d in after["documents"]}
    changed = 0
    for old in before["documents"]:
        new = documents.get(old["document"])
        intact = (
            new is not None
            and new["file_sha256"] == old["file_sha256"]
            and new["stored_sha256"] == old["stored_sha256"]
            and old["stored_sha256"] in (None, old["file_sha256"])
        )
        changed += not intact
        verdict = "identique" if intact else "MODIFIÉ"
        print(f"  {old['document']} : {verdict} ({old['file_sha256']})")
    print(f"Documents figés : {len(before['documents'])}, modifiés : {changed}.")
    return 1 if changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot")
    take.add_argument("database_url")
    take.add_argument("--media", type=Path, required=True)
    take.add_argument("--private", type=Path, required=True)
    check = commands.add_parser("compare")
    check.add_argument("before", type=Path)
    check.add_argument("after", type=Path)
    ready = commands.add_parser("preflight")
    ready.add_argument("database_url")
    options = parser.parse_args()
    if options.command == "preflight":
        return preflight(options.database_url)
    if options.command == "compare":
        before = json.loads(options.before.read_text(encoding="utf-8"))
        after = json.loads(options.after.read_text(encoding="utf-8"))
        return compare(before, after)
    result = snapshot(options.database_url, {"media": options.media, "private": options.private})
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
