"""Staff appeal lists kept between requests (``list_cache``, issue 14): a repeat view reads one
version row and no appeal; any committed write to an appeal, an org or a category — through
the services, the ORM's bulk ``update`` or raw SQL — is seen by the next view; scopes never
share an answer; the clock is exact to the minute; the kept answer is the answer.

Real commits (``transaction=True``): inside a transaction nothing is kept."""

import datetime
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gonghui.core.testing import postgres_only
from gonghui.hotline import list_cache
from gonghui.hotline.models import Appeal, Category
from gonghui.hotline.taxonomy import load_categories
from gonghui.orgs.models import Org
from gonghui.people.models import RoleAssignment
from gonghui.people.tests.factories import bearer

from .factories import API, at, make_appeal, make_operator

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ("hotline_appeal", "hotline_category", "orgs_org")


def _list(client, headers, query=""):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{API}/appeals{query}", **headers)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in ctx.captured_queries]


def _appeal_reads(queries):
    return [q for q in queries if "hotline_appeal" in q]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    load_categories(Category)  # a transactional flush removed the seeded categories


@pytest.fixture
def operator(orgs):
    return make_operator(orgs["BJ"])


def test_a_repeat_list_reads_only_the_version_row(client, orgs, operator):
    make_appeal(operator, content="第一件")
    headers = bearer(operator)
    first, queries = _list(client, headers)
    assert first["count"] == 1 and _appeal_reads(queries)
    again, queries = _list(client, headers)
    assert again == first
    assert not _appeal_reads(queries)
    assert [q for q in queries if "hotline_listversion" in q] == queries


@pytest.mark.parametrize(
    "change",
    ["new appeal", "bulk update", "raw sql", "org renamed", "category renamed", "deleted"],
)
def test_every_committed_change_is_seen_by_the_next_view(client, orgs, operator, change):
    appeal = make_appeal(operator, content="原来的内容")
    headers = bearer(operator)
    before, _ = _list(client, headers)
    if change == "new appeal":
        make_appeal(operator, content="新来的")
        expect = lambda page: page["count"] == 2  # noqa: E731
    elif change == "bulk update":  # no signals, no save(): the trigger still sees it
        Appeal.objects.filter(pk=appeal.pk).update(content="改过的内容")
        expect = lambda page: page["results"][0]["content"] == "改过的内容"  # noqa: E731
    elif change == "raw sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE hotline_appeal SET supervised = %s", [True])
        expect = lambda page: page["results"][0]["supervised"] is True  # noqa: E731
    elif change == "org renamed":
        Org.objects.filter(code="BJ-CY").update(name="朝阳区总工会（新）")
        expect = lambda page: page["results"][0]["district_name"] == "朝阳区总工会（新）"  # noqa: E731
    elif change == "category renamed":
        Category.objects.filter(code="LABOR-WAGE").update(name="欠薪（改）")
        expect = lambda page: "欠薪（改）" in page["results"][0]["category_name"]  # noqa: E731
    else:
        appeal.delete()
        expect = lambda page: page["count"] == 0  # noqa: E731
    assert not expect(before)
    after, queries = _list(client, headers)
    assert expect(after), after
    assert _appeal_reads(queries)


def test_a_rolled_back_change_keeps_the_version(orgs, operator):
    make_appeal(operator)
    before = list_cache.list_version()
    assert before is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        Appeal.objects.update(content="不会提交")
        raise RuntimeError
    assert list_cache.list_version() == before


def test_nothing_is_kept_inside_a_transaction(orgs, operator):
    make_appeal(operator)
    assert list_cache.list_version() is not None
    with transaction.atomic():
        assert list_cache.list_version() is None


def test_scopes_never_share_a_kept_list(client, orgs, operator, cy_handler, hd_handler):
    make_appeal(operator, district="BJ-CY", content="朝阳的")
    make_appeal(operator, district="BJ-HD", content="海淀的")
    seen = {}
    for name, user in [("op", operator), ("cy", cy_handler), ("hd", hd_handler)]:
        for _ in range(2):  # the second view is the kept one
            page, _ = _list(client, bearer(user))
        seen[name] = sorted(r["content"] for r in page["results"])
    assert seen == {"op": ["朝阳的", "海淀的"], "cy": ["朝阳的"], "hd": ["海淀的"]}


def test_a_changed_role_changes_the_list_at_once(client, orgs, operator, cy_handler):
    make_appeal(operator, district="BJ-HD", content="海淀的")
    headers = bearer(cy_handler)
    assert _list(client, headers)[0]["count"] == 0
    RoleAssignment.objects.create(user=cy_handler, role="case_handler", org=orgs["BJ-HD"])
    assert _list(client, headers)[0]["count"] == 1


def test_overdue_is_exact_to_the_minute(client, orgs, operator, clock):
    clock.set(at(2025, 10, 20, 10))
    appeal = make_appeal(operator)
    due = at(2025, 10, 20, 10, 1) + datetime.timedelta(seconds=30)
    Appeal.objects.filter(pk=appeal.pk).update(response_due=due, resolve_due=due)
    headers = bearer(operator)
    clock.set(at(2025, 10, 20, 10, 1))
    assert _list(client, headers, "?queue=overdue")[0]["count"] == 0
    clock.set(at(2025, 10, 20, 10, 1) + datetime.timedelta(seconds=50))
    # the same minute: the kept answer (its 超期 was right when the minute began)
    page, queries = _list(client, headers, "?queue=overdue")
    assert page["count"] == 0 and not _appeal_reads(queries)
    clock.set(at(2025, 10, 20, 10, 2))
    assert _list(client, headers, "?queue=overdue")[0]["count"] == 1


def test_the_kept_answer_is_the_answer_built_afresh(client, orgs, operator):
    for i in range(3):
        make_appeal(operator, content=f"第{i}件", urgency="urgent" if i else "normal")
    headers = bearer(operator)
    _list(client, headers)  # keeps it
    kept = client.get(f"{API}/appeals", **headers)
    with transaction.atomic():  # not kept in here: built afresh through the same code
        fresh = client.get(f"{API}/appeals", **headers)
    assert kept.content == fresh.content
    assert kept["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(kept.content)
    assert {"count", "count_capped", "page", "pages", "next", "results"} <= set(body)
    assert body["results"][0]["rating_open"] is False  # a schema default is filled


def test_a_bad_cursor_is_a_400_and_not_kept(client, orgs, operator):
    make_appeal(operator)
    for _ in range(2):
        response = client.get(f"{API}/appeals?after=not-a-cursor", **bearer(operator))
        assert response.status_code == 400
        assert "after" in response.json()["errors"]


def _triggers() -> dict[str, int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname = 'hotline_list_touch' GROUP BY c.relname"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'hotline_list_%' GROUP BY tbl_name"
            )
        return dict(cursor.fetchall())


def test_every_table_the_lists_show_has_its_trigger():
    # one deferred trigger for all three events on PostgreSQL, one per event on SQLite: a
    # migration that remade one of these tables on SQLite would have dropped them
    per_table = 1 if connection.vendor == "postgresql" else 3
    assert _triggers() == dict.fromkeys(TABLES, per_table)


@postgres_only
def test_the_version_moves_once_per_transaction_at_commit(orgs, operator):
    make_appeal(operator)
    make_appeal(operator)
    before = list_cache.list_version()
    with transaction.atomic(), connection.cursor() as cursor:
        Appeal.objects.update(content="一起改")  # two rows
        Appeal.objects.update(supervised=True)  # the same two again
        cursor.execute("SELECT token FROM hotline_listversion WHERE id = 1")
        assert cursor.fetchone()[0] == before  # deferred: not before the commit
        updates = "SELECT pg_stat_get_xact_tuples_updated('hotline_listversion'::regclass)"
        cursor.execute(updates)  # counts not yet flushed to the statistics: compare, not read
        (pending,) = cursor.fetchone()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what the commit runs
        cursor.execute(updates)
        assert cursor.fetchone()[0] - pending == 1  # four row events, one update of the row
    assert list_cache.list_version() != before


def test_a_search_by_phone_is_never_kept(client, orgs, operator):
    make_appeal(operator, contact_phone="13912345678")
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                f"{API}/appeals/search",
                data={"q": "13912345678"},
                content_type="application/json",
                **bearer(operator),
            )
        assert response.status_code == 200 and response.json()["count"] == 1
        assert _appeal_reads([q["sql"] for q in ctx.captured_queries])
