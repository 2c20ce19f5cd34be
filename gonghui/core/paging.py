"""Counting long lists without counting them all: a staff list shows "共 10,000+ 件" rather
than paying for an exact ``COUNT(*)`` over every matching row on each page view.

``bounded_count`` runs ``SELECT COUNT(*) FROM (… LIMIT limit + 1)``: the database stops after
``limit + 1`` rows, so the cost no longer grows with the table. The console's lists page with
``BoundedPaginator``; the API's ``core.api.paginate(..., max_count=…)`` uses the same count.

Deep pages: ``keyset_page`` (below) pages by a cursor instead of an offset."""

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.timezone import is_naive

COUNT_LIMIT = 10_000


def bounded_count(qs, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """``(min(count, limit), count > limit)`` for ``qs``, reading at most ``limit + 1`` rows.
    The rows' ``select_related`` joins are dropped for the count (a foreign key join changes no
    count; at 500k appeals they cost a third of it)."""
    n = qs.select_related(None).order_by()[: limit + 1].count()
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


# --- keyset (cursor) pages ---------------------------------------------------------------------
#
# ``?page=N`` makes the database read and throw away ``(N - 1) × size`` rows (OFFSET), so deep
# pages get slower as the table grows. A cursor names the last row shown by the values of the
# list's sort fields; the next page is "the rows after it", which an index on those fields finds
# directly: page 500 costs what page 1 does. The cursor is opaque to clients (base64 of
# ``[order, value…]``) but not secret: it carries a position, never a permission, so the
# caller's scope filter still decides which rows come back.


class InvalidCursor(ValueError):
    """A cursor that is not one of ours, or one made for another sort order."""


def _keyset_order(qs) -> tuple[list[str], bool]:
    """The sort fields of ``qs`` (its ``order_by`` or the model's ordering) and whether they
    run descending. Keyset paging needs one direction, non-null fields and a unique last
    field (the primary key), so that "after this row" is a strict total order."""
    fields = list(qs.query.order_by or qs.model._meta.ordering)
    if not fields or not all(isinstance(f, str) for f in fields):
        raise ValueError(f"keyset paging needs plain sort fields, not {fields!r}")
    directions = {f.startswith("-") for f in fields}
    names = [f.lstrip("-") for f in fields]
    names = [qs.model._meta.pk.name if n == "pk" else n for n in names]
    if len(directions) != 1 or names[-1] != qs.model._meta.pk.name:
        raise ValueError(f"keyset paging needs one direction ending in the pk, not {fields!r}")
    return names, directions.pop()


def _order_tag(names: list[str], descending: bool) -> str:
    return ",".join(("-" if descending else "") + n for n in names)


def encode_cursor(obj, names: list[str], descending: bool) -> str:
    values = []
    for name in names:
        value = getattr(obj, obj._meta.get_field(name).attname)
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    raw = json.dumps([_order_tag(names, descending), *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(model, cursor: str, names: list[str], descending: bool) -> list:
    """The sort values in ``cursor``, as the model's fields read them; ``InvalidCursor`` for
    anything else (garbage, another list's sort order, a value of the wrong type)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        tag, *values = json.loads(raw)
        if tag != _order_tag(names, descending) or len(values) != len(names):
            raise InvalidCursor(cursor)
        # clean: the field's own parsing and range checks (an id past bigint never reaches SQL)
        out = [model._meta.get_field(n).clean(v, None) for n, v in zip(names, values, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error) as exc:
        raise InvalidCursor(cursor) from exc
    if any(v is None or (hasattr(v, "tzinfo") and is_naive(v)) for v in out):
        raise InvalidCursor(cursor)
    return out


def after_q(names: list[str], values: list, descending: bool) -> Q:
    """Rows strictly after ``values`` in the order of ``names``: ``(a, b) < (x, y)`` written
    as ``a <= x AND (a < x OR (a = x AND b < y))`` — the first, redundant bound is what lets
    the index on the sort fields start at the cursor instead of filtering from the top."""
    op = "lt" if descending else "gt"
    first, first_value = names[0], values[0]
    strictly = Q()
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        equal = {n: v for n, v in zip(names[:i], values[:i], strict=True)}
        strictly |= Q(**equal, **{f"{name}__{op}": value})
    return Q(**{f"{first}__{op}e": first_value}) & strictly


def keyset_page(
    qs, size: int, after: str | None = None, *, offset: int = 0
) -> tuple[list, str | None]:
    """Up to ``size`` rows of ``qs`` after the cursor ``after`` (from the start without one),
    and the cursor of the next page (None on the last). Reads ``size + 1`` rows and no OFFSET,
    unless ``offset`` (a numbered page, which then also gets a cursor to continue from)."""
    names, descending = _keyset_order(qs)
    if after:
        qs = qs.filter(
            after_q(names, decode_cursor(qs.model, after, names, descending), descending)
        )
    rows = list(qs[offset : offset + size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode_cursor(rows[-1], names, descending) if more else None
