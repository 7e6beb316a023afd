"""Pages of a long list, cheap however long the list and however deep the page.

- A page far down (OFFSET 100,000) costs the database every row skipped. Skipping ids
  alone reads just an index; the page's rows, with their joins and prefetches, are then
  fetched by id ("deferred join").
- Counting every match of a broad filter costs a pass over the portfolio on every page
  view. The count stops at `COUNT_CAP`: past it the list says "more than 10,000" and
  pages stop there. Nobody pages through 400 pages; they narrow the search.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # SELECT COUNT(*) FROM (SELECT ... LIMIT cap + 1): at most cap + 1 rows read.
        return self.object_list[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def page_of(matching: QuerySet, rows: QuerySet, number, per_page: int) -> Page:
    """Page `number` (clamped to the pages there are) of the ordered `matching`, each
    row fetched from `rows` (the same model, with what the page shows joined)."""
    page = CappedPaginator(matching.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    by_id = {row.pk: row for row in rows.order_by().filter(pk__in=ids)}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    page.cap = COUNT_CAP
    return page
