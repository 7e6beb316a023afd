"""Name and text search: one word in any of some text columns, case-insensitive.

Written as `icontains` on every database. On PostgreSQL, Django writes it as
`UPPER(column::text) LIKE UPPER('%word%')`, which trigram (pg_trgm) GIN indexes on
`UPPER(column)` answer without reading the table (created by the migration
proposals/0007_trigram_search for the columns searched); SQLite scans, which is fine
at its embedded sizes.
"""

from django.db.models import Q


def words_match(word: str, *fields: str) -> Q:
    """The word, anywhere in any of `fields`."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    return condition
