"""The staff appeal list by cursor (``?after=``, core.paging.keyset_page): the same rows as the
numbered pages, in the same order, with no OFFSET, so a deep page reads what the first does
(EXPLAIN ANALYZE on PostgreSQL at 100,000 rows); a bad cursor is a 400 on ``after``; a cursor
carries a position, never rows of another scope."""

import base64
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.testing import postgres_only
from gonghui.hotline.models import Appeal
from gonghui.people.tests.factories import bearer

from .bulk import START, bulk_appeals
from .factories import API

pytestmark = pytest.mark.django_db


def _walk(client, headers, query="") -> tuple[list[str], list[dict]]:
    """Every page by following ``next``: the numbers in order, and each answer."""
    numbers, answers, after = [], [], ""
    while True:
        sep = "&" if query else "?"
        url = f"{API}/appeals{query}" + (f"{sep}after={after}" if after else "")
        body = client.get(url, **headers).json()
        answers.append(body)
        numbers += [r["number"] for r in body["results"]]
        after = body["next"]
        if not after:
            return numbers, answers


def _numbered(client, headers, query="") -> list[str]:
    out, page = [], 1
    sep = "&" if query else "?"
    while True:
        body = client.get(f"{API}/appeals{query}{sep}page={page}", **headers).json()
        out += [r["number"] for r in body["results"]]
        if page >= body["pages"]:
            return out
        page += 1


def test_cursor_pages_are_the_numbered_pages(client, orgs, operator, cy_handler):
    bulk_appeals(17 * 4)  # 4 in each district
    ids = list(Appeal.objects.order_by("pk").values_list("pk", flat=True))
    Appeal.objects.filter(pk__in=ids[::2]).update(received_at=START)  # ties: the id decides
    for user, query in [(operator, ""), (cy_handler, ""), (operator, "?queue=handling")]:
        headers = bearer(user)
        numbers, answers = _walk(client, headers, query)
        assert numbers == _numbered(client, headers, query)
        assert len(numbers) == len(set(numbers)) == answers[0]["count"]
        assert answers[0]["page"] == 1 and all(a["page"] is None for a in answers[1:])
        assert answers[-1]["next"] is None
    assert len(_walk(client, bearer(operator))[1]) == 4  # 68 rows: 20 + 20 + 20 + 8


def test_a_cursor_from_another_district_shows_only_my_rows(client, orgs, cy_handler, hd_handler):
    bulk_appeals(17 * 3)
    hd = client.get(f"{API}/appeals", **bearer(hd_handler)).json()
    mine = {
        r["number"] for r in client.get(f"{API}/appeals", **bearer(cy_handler)).json()["results"]
    }
    # 海淀's first row as the position: 朝阳's rows after it, none of 海淀's
    first_hd = hd["results"][0]["number"]
    cursor = _cursor_of(client, hd_handler, first_hd)
    body = client.get(f"{API}/appeals?after={cursor}", **bearer(cy_handler)).json()
    assert body["results"]
    assert {r["number"] for r in body["results"]} <= mine
    assert all(r["district"] == "BJ-CY" or r["responsible_org"] for r in body["results"])
    assert not {r["number"] for r in body["results"]} & {r["number"] for r in hd["results"]}


def _cursor_of(client, user, number) -> str:
    """The cursor that names the row ``number`` (as the previous page's last row would)."""
    from gonghui.core.paging import encode_cursor

    return encode_cursor(Appeal.objects.get(number=number), ["received_at", "id"], True)


def _b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "after",
    [
        "garbage",
        "!!!",
        _b64(["-received_at,-id", "not a date", 1]),
        _b64(["-received_at,-id", "2025-10-01T10:00:00", 1]),  # no time zone
        _b64(["-received_at,-id", "2025-10-01T10:00:00+08:00", "x"]),
        _b64(["-received_at,-id", "2025-10-01T10:00:00+08:00", 10**30]),
        _b64(["-received_at,-id", "2025-10-01T10:00:00+08:00"]),
        _b64(["resolve_due,id", "2025-10-01T10:00:00+08:00", 1]),  # the handling queue's
        _b64({"a": 1}),
        _b64([None, None, None]),
        "x" * 200,
    ],
)
def test_a_bad_cursor_is_a_400_on_the_field(client, orgs, operator, after):
    response = client.get(f"{API}/appeals", {"after": after}, **bearer(operator))
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["after"] == ["翻页游标无效，请从第一页重新开始"]


def test_a_cursor_past_the_length_limit_is_a_400(client, orgs, operator):
    response = client.get(f"{API}/appeals", {"after": "x" * 201}, **bearer(operator))
    assert response.status_code == 400
    assert "after" in response.json()["errors"]


def test_the_search_by_post_takes_the_cursor_too(client, orgs, operator):
    bulk_appeals(17 * 2)
    first = client.post(
        f"{API}/appeals/search", {}, content_type="application/json", **bearer(operator)
    ).json()
    second = client.post(
        f"{API}/appeals/search",
        {"after": first["next"]},
        content_type="application/json",
        **bearer(operator),
    ).json()
    assert [r["number"] for r in second["results"]] == _numbered(client, bearer(operator))[20:34]


def _analyze(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _rows_statement(ctx) -> tuple[str, tuple]:
    """The page's row query (not the count) among the captured statements, with its params."""
    for q in ctx.captured_queries:
        sql = q["sql"]
        if '"hotline_appeal"' in sql and "COUNT(" not in sql and "LIMIT 21" in sql:
            return sql, ()
    raise AssertionError([q["sql"] for q in ctx.captured_queries])


def _buffers(plan: str) -> int:
    """Shared buffers the whole statement touched (the top node's line)."""
    m = re.search(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", plan)
    return int(m.group(1)) + int(m.group(2) or 0)


@postgres_only
def test_a_deep_page_costs_what_the_first_does_at_100k_rows(client, orgs, operator, cy_handler):
    bulk_appeals(100_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hotline_appeal")
    for user in (operator, cy_handler):
        headers = bearer(user)
        first = client.get(f"{API}/appeals", **headers).json()
        # a cursor 4,000 rows down (page 200 of 20), taken from a row the user can see
        deep_row = client.get(f"{API}/appeals?page=200", **headers).json()["results"][-1]
        deep = _cursor_of(client, user, deep_row["number"])
        plans = {}
        for name, after in [("first", first["next"]), ("deep", deep)]:
            with CaptureQueriesContext(connection) as ctx:
                body = client.get(f"{API}/appeals?after={after}", **headers).json()
            assert len(body["results"]) == 20
            sql, params = _rows_statement(ctx)
            assert "OFFSET" not in sql
            plans[name] = _analyze(sql, params)
            print(user.username, name, plans[name], sep="\n")  # shown with -s
            assert "Seq Scan on hotline_appeal" not in plans[name]
            assert re.search(r"Index (Only )?Scan (Backward )?using", plans[name])
        # the same work for page 2 and page 201: no rows read and thrown away
        assert _buffers(plans["deep"]) <= _buffers(plans["first"]) * 2 + 20, plans
    # the numbered page 200 for comparison reads (and discards) the 3,980 rows before it
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"{API}/appeals?page=200", **bearer(operator))
    assert any("OFFSET 3980" in q["sql"] for q in ctx.captured_queries)


def test_keyset_needs_one_direction_ending_in_the_pk(orgs):
    from gonghui.core.paging import keyset_page

    for order in [("received_at", "-id"), ("-received_at",), ("-id", "-received_at")]:
        with pytest.raises(ValueError, match="keyset paging needs"):
            keyset_page(Appeal.objects.order_by(*order), 20)
    assert keyset_page(Appeal.objects.order_by("-pk"), 20) == ([], None)
