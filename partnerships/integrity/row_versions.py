"""Reuse a check's result while the rows it read are unchanged, as PostgreSQL's row
versions tell.

PostgreSQL writes a new version of a row for every UPDATE, by the writing transaction
(`xmin`), in a new physical place (`ctid`) while the old version may still be seen: a
write in another transaction has a new `xmin`, one in the same transaction a new `ctid`,
and a row deleted and inserted again has a new pair. So while the (id, xmin, ctid) of
every row a check reads are unchanged, those rows are unchanged, whatever sent the SQL
(the integrity triggers lifted or not), and the check need not be done again. Reading
them is one query, against the several queries (and the Python) of the check itself.

A database that goes back in time hands out transaction ids again: after a failover to a
standby that had not received the last transactions, or a restore to an earlier point,
restart the app, so that nothing kept from the lost transactions is reused.

A reader lists the rows it reads as SQL (`row_version`, `row_versions`) beside the code
that reads them, and calls `reused()` with their fingerprint. SQLite keeps no row
versions (the fingerprint is None): there the check is done every time.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

T = TypeVar("T")

# An entry is keyed by the versions it was made from, so it is not stale while the
# database keeps its history (see above): the time only bounds the process's memory.
KEEP_SECONDS = 3600


def row_version(alias: str) -> str:
    """SQL: one row's version (empty parts for a row a LEFT JOIN did not find)."""
    return f"concat({alias}.id, ':', {alias}.xmin, ':', {alias}.ctid)"


def row_versions(rows_sql: str, alias: str, *joined: str) -> str:
    """SQL: the versions of every row `rows_sql` (FROM … WHERE …) finds, each with the
    versions of the rows joined to it (LEFT JOINs: a row whose joined row is missing
    still counts), in id order."""
    parts = " || '>' || ".join(row_version(name) for name in (alias, *joined))
    return f"(SELECT string_agg({parts}, ',' ORDER BY {alias}.id) {rows_sql})"


def versions_fingerprint(parts: list[str], from_sql: str, params: list) -> str | None:
    """The SHA-256 of the versions listed in `parts` (SQL expressions over `from_sql`,
    FROM … WHERE …), or None where the database keeps no row versions (or no such row)."""
    if connection.vendor != "postgresql":
        return None
    # Each part in its place, an empty one too (concat_ws would drop a NULL).
    versions = ", ".join(f"coalesce({part}, '')" for part in parts)
    sql = f"SELECT encode(sha256(convert_to(concat_ws('|', {versions}), 'UTF8')), 'hex') {from_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def reused(key: str, versions: str, compute: Callable[[], T]) -> T:
    """`compute()`, or what it returned before for the same `key` and row `versions`.
    `compute` must read the rows afresh, after the versions were read: what it returns
    is kept under those versions."""
    key = f"row-versions:{key}:{versions}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEEP_SECONDS)
    return found
