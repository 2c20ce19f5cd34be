"""Counting long lists without counting them all: a staff list shows "共 10,000+ 件" rather
than paying for an exact ``COUNT(*)`` over every matching row on each page view.

``bounded_count`` runs ``SELECT COUNT(*) FROM (… LIMIT limit + 1)``: the database stops after
``limit + 1`` rows, so the cost no longer grows with the table. The console's lists page with
``BoundedPaginator``; the API's ``core.api.paginate(..., max_count=…)`` uses the same count."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


def bounded_count(qs, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """``(min(count, limit), count > limit)`` for ``qs``, reading at most ``limit + 1`` rows."""
    n = qs.order_by()[: limit + 1].count()
    return min(n, limit), n > limit


class BoundedPaginator(Paginator):
    """A ``Paginator`` whose count stops at ``limit`` (``capped`` says there are more; the pages
    stop there too: narrow the filters to reach older rows)."""

    limit = COUNT_LIMIT

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        return bounded_count(self.object_list, self.limit)

    @property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def capped(self) -> bool:
        return self._bounded[1]

    @property
    def count_text(self) -> str:
        """The count as the lists show it: ``"37"``, or ``"10,000+"`` when capped."""
        return f"{self.count:,}+" if self.capped else str(self.count)
