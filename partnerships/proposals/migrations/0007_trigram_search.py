"""Trigram indexes for the words searched in proposals and partners (PostgreSQL only).

`partnerships.search.words_match` writes `UPPER(column::text) LIKE UPPER('%word%')`;
a GIN index of `UPPER(column)` with `gin_trgm_ops` answers it. pg_trgm is a trusted
extension (PostgreSQL 13+): the database's owner may create it. Other databases skip
this migration.
"""

from django.db import migrations

INDEXES = [
    ("proposals_proposal", "title"),
    ("proposals_proposal", "summary"),
    ("partners_partner", "legal_name"),
    ("partners_partner", "other_names"),
]


def _name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_name(table, column)} "
            f"ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0006_list_order_indexes"),
        ("partners", "0003_region"),
    ]

    operations = [migrations.RunPython(create, drop)]
