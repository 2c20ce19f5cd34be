"""The 三率 query over a district's subtree and a month reads the appeals through an index, not
a scan of the whole table (PostgreSQL's plan, on a table big enough for the planner to care)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.testing import postgres_only
from gonghui.core.workdays import SHANGHAI
from gonghui.hotline import metrics as m
from gonghui.hotline.models import Appeal

from .factories import make_appeal

pytestmark = [pytest.mark.django_db, postgres_only]
ROWS = 60_000  # one every 12 minutes: 500 days from 2024-07-01


def bulk_load(template, orgs) -> None:
    """``ROWS`` copies of ``template`` spread over 500 days and four districts (one in ten not
    yet dispatched), resolved a day and a half after receipt; then ANALYZE."""
    fields = [f.column for f in Appeal._meta.concrete_fields if f.column != "id"]
    districts = [orgs[c].pk for c in ("BJ-CY", "BJ-HD", "BJ-DC", "BJ-XC")]
    values = {c: f"t.{c}" for c in fields} | {
        "number": "'P-' || g",
        "received_at": "timestamptz '2024-07-01 00:00+08' + g * interval '12 minutes'",
        "resolved_at": "timestamptz '2024-07-02 12:00+08' + g * interval '12 minutes'",
        "status": "'resolved'",
        "district_id": "(%(districts)s::bigint[])[1 + g %% 4]",
        "responsible_org_id": "CASE WHEN g %% 10 = 0 THEN NULL"
        " ELSE (%(districts)s::bigint[])[1 + g %% 4] END",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO hotline_appeal ({', '.join(fields)})"  # noqa: S608 - our own columns
            f" SELECT {', '.join(values[c] for c in fields)}"
            " FROM hotline_appeal t, generate_series(1, %(rows)s) g WHERE t.id = %(id)s",
            {"districts": districts, "rows": ROWS, "id": template.pk},
        )
        cursor.execute("ANALYZE hotline_appeal")


def plan_of_metrics(org, date_from, date_to) -> str:
    qs = m.appeals_for(Appeal.objects.all(), org, date_from, date_to)
    now = datetime.datetime(2026, 1, 1, tzinfo=SHANGHAI)
    with CaptureQueriesContext(connection) as queries:
        m.metrics(qs, now=now)
    (grouped,) = [
        q["sql"] for q in queries if "GROUP BY" in q["sql"] and "hotline_appeal" in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + grouped)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_district_over_a_month_is_read_through_an_index(operator, orgs):
    bulk_load(make_appeal(operator), orgs)
    assert Appeal.objects.count() > ROWS
    plan = plan_of_metrics(orgs["BJ-CY"], datetime.date(2025, 3, 1), datetime.date(2025, 3, 30))
    assert "Seq Scan on hotline_appeal" not in plan, plan
    assert "Index Scan" in plan and "on hotline_appeal" in plan, plan
