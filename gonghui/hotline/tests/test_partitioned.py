"""The appeals table partitioned by province and year (``manage.py partition_appeals``,
``hotline/partitioning.py``): the migrated test database is converted inside the test's own
transaction (PostgreSQL's DDL is transactional, so it is rolled back afterwards), and then the
application's own code runs on it: intake through the API, actions, the scoped lists, the
三率, the Excel export. Rows land in their province's year partition, a province and year
query reads one partition, and the references that were foreign keys are still enforced."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from openpyxl import load_workbook

from gonghui.core.testing import postgres_only
from gonghui.hotline import metrics, partitioning, services
from gonghui.hotline.models import Appeal, AppealEvent
from gonghui.orgs.models import Org, OrgType
from gonghui.people.tests.factories import bearer, console_login, make_staff

from .factories import API, act, appeal_data, at, make_operator, post_appeal

pytestmark = [pytest.mark.django_db, postgres_only]


def _one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _partition(appeal_id: int) -> str:
    return _one("SELECT tableoid::regclass::text FROM hotline_appeal WHERE id = %s", [appeal_id])


@pytest.fixture
def partitioned(orgs):
    """A second province (上海, 31) beside the demo tree (北京, 11), then the layout for
    2025–2026."""
    sh = Org.objects.create(code="SH", name="上海市总工会", type=OrgType.CITY, region_code="310000")
    hp = Org.objects.create(
        code="SH-HP", name="黄浦区总工会", type=OrgType.DISTRICT, region_code="310101", parent=sh
    )
    provinces = partitioning.province_districts()
    assert hp.pk in provinces["31"] and orgs["BJ-CY"].pk in provinces["11"]
    with connection.cursor() as cursor:
        for sql in partitioning.layout_sql(range(2025, 2027), provinces):
            cursor.execute(sql)
    assert _one("SELECT relkind FROM pg_class WHERE relname = 'hotline_appeal'") == "p"
    return {"sh": sh, "provinces": provinces}


def test_the_app_runs_on_the_partitioned_table(
    client, orgs, operator, cy_handler, clock, partitioned
):
    sh_operator = make_operator(partitioned["sh"])
    made = {}
    for key, who, district, received in [
        ("cy25", operator, "BJ-CY", at(2025, 6, 1, 9)),
        ("sh25", sh_operator, "SH-HP", at(2025, 6, 1, 9)),
        ("hd25", operator, "BJ-HD", at(2025, 12, 31, 23, 30)),  # Beijing's 2025
        ("cy26", operator, "BJ-CY", at(2026, 3, 2, 9)),
    ]:
        clock.set(received)
        response = post_appeal(client, appeal_data(district=district), bearer(who))
        assert response.status_code == 201, response.json()
        made[key] = Appeal.objects.get(number=response.json()["number"])
    assert {k: _partition(a.pk) for k, a in made.items()} == {
        "cy25": "hotline_appeal_p11_y2025",
        "cy26": "hotline_appeal_p11_y2026",
        "hd25": "hotline_appeal_p11_y2025",
        "sh25": "hotline_appeal_p31_y2025",
    }
    # the state machine: updates, events, row locks on the partitioned table
    act(operator, made["cy25"], "dispatch")
    appeal = act(cy_handler, made["cy25"], "accept")
    assert appeal.status == "accepted"
    assert AppealEvent.objects.filter(appeal=appeal).count() >= 3

    # the scoped list: a district handler sees its district, the city operator its province
    def numbers(user, query=""):
        body = client.get(f"{API}/appeals{query}", **bearer(user)).json()
        return {r["number"] for r in body["results"]}

    assert numbers(cy_handler) == {made["cy25"].number, made["cy26"].number}
    assert numbers(operator) == {made[k].number for k in ("cy25", "cy26", "hd25")}
    assert numbers(operator, "?from=2025-01-01&to=2025-12-31") == {
        made["cy25"].number,
        made["hd25"].number,
    }
    # the 三率 for Beijing's 2025
    body = client.get(
        f"{API}/metrics?org=BJ&from=2025-01-01&to=2025-12-31", **bearer(operator)
    ).json()
    assert body["received"] == 2
    # the Excel export
    console_login(client, operator)
    response = client.get("/console/hotline/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(list(sheet.active.iter_rows(values_only=True))) == 1 + 3

    # a province and a year: one partition is read
    bj = partitioned["provinces"]["11"]
    start, end = at(2025, 1, 1), at(2026, 1, 1)
    plan = _plan(
        Appeal.objects.filter(district__in=bj, received_at__gte=start, received_at__lt=end)
    )
    print(plan)  # shown with -s
    assert "hotline_appeal_p11_y2025" in plan
    assert "p31" not in plan and "y2026" not in plan and "other" not in plan, plan
    # the 三率's own query (scope by handling or place: any province) still reads one year
    qs = metrics.appeals_for(Appeal.objects.all(), orgs["BJ"], start.date(), end.date())
    plan = _plan(qs.filter(received_at__lt=end))
    assert "y2025" in plan and "y2026" not in plan, plan


def test_references_to_appeals_are_still_checked(operator, partitioned):
    appeal, _created = services.create_appeal(actor=operator, data=appeal_data())
    assert AppealEvent.objects.filter(appeal=appeal).exists()  # written by the service
    missing = pytest.raises(IntegrityError, match="no such row in hotline_appeal")
    with missing, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        AppealEvent.objects.create(appeal_id=appeal.pk + 1000, action="x", to_status="x")
    referenced = pytest.raises(IntegrityError, match="still referenced from hotline_appealevent")
    with referenced, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM hotline_appeal WHERE id = %s", [appeal.pk])
    # Django's own delete removes the events first, then the appeal
    appeal.delete()
    assert not AppealEvent.objects.filter(appeal_id=appeal.pk).exists()


def test_dry_run_prints_the_sql_and_changes_nothing(orgs, capsys):
    call_command("partition_appeals", "--dry-run", "--years", "2025-2026")
    out = capsys.readouterr().out
    assert out.startswith("BEGIN;") and out.rstrip().endswith("COMMIT;")
    assert 'PARTITION BY LIST ("district_id")' in out
    assert "hotline_appeal_p11_y2026" in out
    assert _one("SELECT relkind FROM pg_class WHERE relname = 'hotline_appeal'") == "r"


def test_staff_in_the_other_province_do_not_see_beijing(client, operator, partitioned):
    sh_handler = make_staff("sh_handler", partitioned["sh"], "case_handler")
    post_appeal(client, appeal_data(), bearer(operator))
    body = client.get(f"{API}/appeals", **bearer(sh_handler)).json()
    assert body["count"] == 0


def test_the_staff_lists_version_trigger_moves_to_the_partitioned_table(
    orgs, operator, partitioned
):
    assert _one(
        "SELECT count(*) FROM pg_trigger WHERE tgname = 'hotline_list_touch' "
        "AND tgrelid = 'hotline_appeal'::regclass"
    )
    # the test is one transaction whose earlier writes already moved the token once (the
    # trigger moves it once per transaction): forget that, as a new transaction would
    _one("SELECT set_config('gonghui.hotline_list_touched', '', true)")
    before = _one("SELECT token FROM hotline_listversion WHERE id = 1")
    services.create_appeal(actor=operator, data=appeal_data())
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what a commit would run
    assert _one("SELECT token FROM hotline_listversion WHERE id = 1") != before
