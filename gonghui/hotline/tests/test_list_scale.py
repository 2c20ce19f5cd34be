"""The staff appeal list as the table grows (issue 14): the scope filter and the count use the
appeals table's own indexes (EXPLAIN on PostgreSQL at 100,000 rows), the list page and API
make the same number of queries for 3 rows as for a full page of 20 (no N+1), the count stops
at 10,000, and the Excel export is streamed from a temporary file (its memory:
test_export_memory.py)."""

import io
import re
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core import paging
from gonghui.core.testing import postgres_only
from gonghui.hotline import api, selectors
from gonghui.hotline.models import Appeal
from gonghui.people.tests.factories import bearer, console_login

from .bulk import bulk_appeals
from .factories import API

pytestmark = pytest.mark.django_db

LIST = "/console/hotline/"
EXPORT = "/console/hotline/export.xlsx"


def _appeal_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if '"hotline_appeal"' in q["sql"]]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
def test_district_handler_default_list_uses_indexes_at_100k_rows(client, orgs, cy_handler):
    """Every statement the district handler's default list runs on the appeals table (the
    rows and the bounded count) reads it through an index, never a sequential scan."""
    bulk_appeals(100_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hotline_appeal")
        cursor.execute("ANALYZE orgs_org")
    console_login(client, cy_handler)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    statements = _appeal_queries(ctx)
    assert len(statements) == 2, statements  # the page of rows and its count
    for sql in statements:
        plan = _plan(sql)
        print(plan)  # shown with -s
        assert "Seq Scan on hotline_appeal" not in plan, plan
        assert re.search(
            r"(Index|Index Only|Bitmap Index) Scan (Backward )?(using|on) (hotline_)?appeal_", plan
        ), plan
    # and the same for the API's first page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}/appeals")
    assert response.status_code == 200
    for sql in _appeal_queries(ctx):
        assert "Seq Scan on hotline_appeal" not in _plan(sql)


@postgres_only
def test_open_queues_read_only_the_open_appeals_at_100k_rows(client, orgs, cy_handler):
    """As in production, almost every appeal is closed: the overdue queue's page and count
    read the partial index of open appeals (appeal_open_recv), not the whole table."""
    bulk_appeals(100_000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE hotline_appeal SET status = 'closed', resolved_at = received_at "
            "WHERE id % 50 <> 0"
        )  # 2 % stay open, as in the generated Beijing data (~1 %)
        cursor.execute("ANALYZE hotline_appeal")
        cursor.execute("ANALYZE orgs_org")
    console_login(client, cy_handler)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, {"queue": "overdue"})
    assert response.status_code == 200
    statements = _appeal_queries(ctx)
    assert len(statements) == 2, statements  # the page of rows and its count
    for sql in statements:
        plan = _plan(sql)
        assert "appeal_open_recv" in plan, plan
        assert "Seq Scan on hotline_appeal" not in plan, plan


def test_scope_is_a_filter_on_the_appeals_own_columns(orgs, cy_handler):
    sql = str(selectors.visible_appeals(cy_handler).query)
    where = sql.split("WHERE", 1)[1]
    assert '"hotline_appeal"."district_id" IN (' in where
    assert '"hotline_appeal"."responsible_org_id" IN (' in where
    assert "LIKE" not in where


def _count_queries(client, path, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _rows_on_page(client, headers) -> tuple[int, int]:
    """(rows on the console list's first page, rows in the API's first page)."""
    body = client.get(LIST).content.decode()
    detail = reverse("console:appeal-detail", args=[0]).replace("0", r"\d+")
    on_page = len(re.findall(f'<td><a href="{detail}">', body))
    return on_page, len(client.get(f"{API}/appeals", **headers).json()["results"])


def test_list_page_and_api_make_as_many_queries_for_a_full_page_as_for_3_rows(
    client, orgs, cy_handler
):
    """No N+1: every row compared is on the page (3, then a full page of 20)."""
    console_login(client, cy_handler)
    headers = bearer(cy_handler)
    bulk_appeals(3 * 17)  # 3 in each district
    assert selectors.search_appeals(cy_handler).count() == 3
    assert _rows_on_page(client, headers) == (3, 3)
    page_3 = _count_queries(client, LIST)
    client.get(f"{API}/appeals", **headers)  # the bearer token is cached from here (issue 14)
    api_3 = _count_queries(client, f"{API}/appeals", **headers)
    bulk_appeals(17 * 17)
    assert selectors.search_appeals(cy_handler).count() == api.PAGE_SIZE == 20
    assert _rows_on_page(client, headers) == (20, 20)
    assert _count_queries(client, LIST) == page_3
    assert _count_queries(client, f"{API}/appeals", **headers) == api_3


def test_count_stops_at_the_limit(client, orgs, cy_handler, monkeypatch):
    """Past the limit the list says "共 N+ 件" and the API ``count_capped``; below it, exact."""
    monkeypatch.setattr(paging.BoundedPaginator, "limit", 30)
    monkeypatch.setattr("gonghui.hotline.api.COUNT_LIMIT", 30)
    console_login(client, cy_handler)
    bulk_appeals(17 * 20)  # 20 in each district
    body = client.get(LIST).content.decode()
    assert "共 20 件" in body and "1 / 1" in body
    api = client.get(f"{API}/appeals", **bearer(cy_handler)).json()
    assert (api["count"], api["count_capped"], api["pages"]) == (20, False, 1)
    bulk_appeals(17 * 20)
    body = client.get(LIST).content.decode()
    assert "共 30+ 件" in body and "1 / 2+" in body
    api = client.get(f"{API}/appeals", **bearer(cy_handler)).json()
    assert (api["count"], api["count_capped"], api["pages"]) == (30, True, 2)
    assert len(api["results"]) == 20
    # later pages still answer
    assert len(client.get(f"{API}/appeals?page=3", **bearer(cy_handler)).json()["results"]) == 0
    assert len(client.get(f"{API}/appeals?page=2", **bearer(cy_handler)).json()["results"]) == 20


def test_export_is_a_streamed_xlsx(client, orgs, operator):
    console_login(client, operator)
    bulk_appeals(30)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response.streaming
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''appeals-")
    data = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 31
    assert rows[0][0] == "编号"
    assert {r[0] for r in rows[1:]} == set(Appeal.objects.values_list("number", flat=True))
