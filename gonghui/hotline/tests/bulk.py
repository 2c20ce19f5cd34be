"""Many appeals at once, for the tests of the staff lists at scale: one ``INSERT … SELECT``
over a counter (a recursive CTE, on SQLite and PostgreSQL), so 100,000 rows take a second or
two in the database rather than a minute of Python. No services: numbers, clocks and
timelines are not what those tests look at. Every value comes from the model's own field
conversion (the contact is encrypted once and shared by the rows)."""

import datetime

from django.db import connection

from gonghui.core.workdays import SHANGHAI
from gonghui.hotline.models import Appeal, AppealType, Category, Channel, Status, Urgency
from gonghui.orgs.models import DISTRICT_TYPES, Org
from gonghui.people.services import phone_hash

# Every status but merged, in turn; received/returned ones have no responsible org.
STATUSES = [s for s in Status.values if s != Status.MERGED]
START = datetime.datetime(2025, 10, 20, 10, tzinfo=SHANGHAI)
VARYING = {"number", "district", "status", "responsible_org", "received_at", "response_due",
           "resolve_due"}  # fmt: skip


def _slots() -> list[tuple[int, int, str, int]]:
    """One period of the pattern: ``(slot, district id, status, responsible org id or 0)``.
    Appeals go round the districts; once dispatched each is handled by its district's union
    or, two times in three, an org beneath it."""
    trees = []
    for d in Org.objects.filter(type__in=DISTRICT_TYPES).order_by("path"):
        below = list(Org.objects.filter(path__startswith=d.path).exclude(pk=d.pk).order_by("pk"))
        trees.append((d.pk, [o.pk for o in below] or [d.pk]))
    period = len(trees) * len(STATUSES) * 3
    out = []
    for k in range(period):
        district, below = trees[k % len(trees)]
        status = STATUSES[k % len(STATUSES)]
        handled = status not in (Status.RECEIVED, Status.RETURNED)
        responsible = (below[(k // 7) % len(below)] if k % 3 else district) if handled else 0
        out.append((k, district, status, responsible))
    return out


def bulk_appeals(n: int) -> None:
    """``n`` more appeals spread evenly over the districts, received one a minute going back
    from ``START`` (after the ones made before)."""
    first = Appeal.objects.filter(number__startswith="T").count() + 1
    last = first + n - 1
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    template = Appeal(
        type=AppealType.COMPLAINT,
        category=category,
        urgency=Urgency.NORMAL,
        channel=Channel.PHONE,
        content="快递站拖欠工资",
        contact_name="张三",
        contact_phone="13800001111",
        contact_phone_hash=phone_hash("13800001111"),
        created_at=START,
    )
    columns, values, params = [], [], []
    for field in Appeal._meta.concrete_fields:
        if field.primary_key or field.name in VARYING:
            continue
        columns.append(connection.ops.quote_name(field.column))
        values.append("%s")
        params.append(field.get_db_prep_save(getattr(template, field.attname), connection))
    slots = _slots()
    # fixed ints and known status codes: written into the statement
    table = ", ".join(f"({k}, {d}, '{s}', {r})" for k, d, s, r in slots)
    start = START.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if connection.vendor == "postgresql":
        received = "(%s::timestamp AT TIME ZONE 'UTC' - g.k * interval '1 minute')"
        response = f"({received} + interval '1 day')"
        resolve = f"({received} + interval '7 days')"
    else:
        received = "datetime(%s, '-' || g.k || ' minutes')"
        response = "datetime(%s, '-' || g.k || ' minutes', '+1 day')"
        resolve = "datetime(%s, '-' || g.k || ' minutes', '+7 days')"
    columns += ["number", "district_id", "status", "responsible_org_id", "received_at",
                "response_due", "resolve_due"]  # fmt: skip
    values += ["'T' || (1000000000000 + g.k)", "s.column2", "s.column3",
               "NULLIF(s.column4, 0)", received, response, resolve]  # fmt: skip
    params += [start, start, start]
    # only ints, known status codes and quoted column names are written into the statement
    sql = (
        "WITH RECURSIVE g(k) AS (SELECT %s UNION ALL SELECT k + 1 FROM g WHERE k < %s) "  # noqa: S608
        f"INSERT INTO hotline_appeal ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM g JOIN (VALUES {table}) AS s ON s.column1 = g.k % {len(slots)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("%", "%%").replace("%%s", "%s"), [first, last, *params])
