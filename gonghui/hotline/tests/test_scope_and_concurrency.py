"""Who sees and handles which appeal (org scope), contact reveal auditing, and races."""

import pytest
from django.test import Client

from gonghui.core.models import AuditLog
from gonghui.core.testing import postgres_only, run_together
from gonghui.hotline.models import Appeal, Category, DailySequence, IdempotencyKey, Status
from gonghui.hotline.taxonomy import load_categories
from gonghui.people.tests.factories import bearer, make_staff

from .factories import (
    API,
    NUMBER_RE,
    act,
    appeal_data,
    make_appeal,
    make_operator,
    post_action,
    post_appeal,
)

# --- scope ----------------------------------------------------------------------------------


@pytest.fixture
def cy_appeal(operator):
    appeal = make_appeal(operator, district="BJ-CY", content="朝阳的诉求")
    return act(operator, appeal, "dispatch")


@pytest.fixture
def hd_appeal(operator):
    appeal = make_appeal(
        operator, district="BJ-HD", content="海淀的诉求", contact_phone="13900002222"
    )
    return act(operator, appeal, "dispatch")


def listed(client, headers, **query) -> set[int]:
    r = client.get(f"{API}/appeals", query, **headers)
    assert r.status_code == 200, r.json()
    return {a["id"] for a in r.json()["results"]}


@pytest.mark.django_db
def test_a_handler_cannot_list_read_or_act_on_another_districts_appeal(
    client, cy_handler, cy_appeal, hd_appeal
):
    assert (cy_appeal.responsible_org.code, hd_appeal.responsible_org.code) == ("BJ-CY", "BJ-HD")
    h = bearer(cy_handler)
    assert listed(client, h) == {cy_appeal.pk}
    assert listed(client, h, q=hd_appeal.number) == set()
    assert listed(client, h, q="海淀的诉求") == set()
    # a phone goes in the body (POST /appeals/search), never in the URL
    r = client.get(f"{API}/appeals", {"q": "13900002222"}, **h)
    assert r.status_code == 400 and "q" in r.json()["errors"]
    r = client.post(
        f"{API}/appeals/search", {"q": "13900002222"}, content_type="application/json", **h
    )
    assert r.status_code == 200 and r.json()["results"] == []
    r = client.post(
        f"{API}/appeals/search", {"q": "13800001111"}, content_type="application/json", **h
    )  # the 朝阳 appeal's contact (factory default) is found the same way
    assert [a["id"] for a in r.json()["results"]] == [cy_appeal.pk]
    assert listed(client, h, org="BJ-HD") == set()
    assert listed(client, h, queue="handling") == {cy_appeal.pk}

    nonexistent = max(cy_appeal.pk, hd_appeal.pk) + 1000
    missing = client.get(f"{API}/appeals/{nonexistent}", **h)
    hidden = client.get(f"{API}/appeals/{hd_appeal.pk}", **h)
    assert missing.status_code == hidden.status_code == 404
    assert hidden.json() == missing.json()  # guessing ids tells nothing

    for action, params in [("accept", {}), ("return", {"reason": "x"}), ("supervise", {})]:
        r = post_action(client, hd_appeal.pk, action, h, **params)
        assert r.status_code == 404, action
        assert r.json() == post_action(client, nonexistent, action, h, **params).json()
    hd_appeal.refresh_from_db()
    assert hd_appeal.status == Status.DISPATCHED
    assert hd_appeal.events.count() == 2

    # and its own district's appeal is there
    assert client.get(f"{API}/appeals/{cy_appeal.pk}", **h).status_code == 200


@pytest.mark.django_db
def test_a_city_operator_sees_everything_a_district_operator_only_its_district(
    client, orgs, operator, cy_appeal, hd_appeal
):
    assert listed(client, bearer(operator)) == {cy_appeal.pk, hd_appeal.pk}
    for appeal in (cy_appeal, hd_appeal):
        assert client.get(f"{API}/appeals/{appeal.pk}", **bearer(operator)).status_code == 200
    cy_operator = make_operator(orgs["BJ-CY"])
    assert listed(client, bearer(cy_operator)) == {cy_appeal.pk}
    assert client.get(f"{API}/appeals/{hd_appeal.pk}", **bearer(cy_operator)).status_code == 404


@pytest.mark.django_db
def test_an_appeal_is_visible_where_it_happened_and_where_it_is_handled(
    client, operator, cy_handler, hd_handler
):
    # happened in 朝阳, dispatched to 海淀
    appeal = act(operator, make_appeal(operator, district="BJ-CY"), "dispatch", org="BJ-HD")
    assert appeal.pk in listed(client, bearer(cy_handler))
    assert appeal.pk in listed(client, bearer(hd_handler))


@pytest.mark.django_db
def test_a_leader_reads_but_cannot_act(client, orgs, operator, cy_appeal):
    leader = make_staff("leader_bj", orgs["BJ"], "leader")
    h = bearer(leader)
    assert client.get(f"{API}/appeals/{cy_appeal.pk}", **h).status_code == 200
    assert cy_appeal.pk in listed(client, h)
    for action, params in [
        ("accept", {}),
        ("return", {"reason": "x"}),
        ("supervise", {"note": "督办"}),
        ("merge", {"into": make_appeal(operator).number}),
    ]:
        r = post_action(client, cy_appeal.pk, action, h, **params)
        assert r.status_code == 403, action
    cy_appeal.refresh_from_db()
    assert (cy_appeal.status, cy_appeal.supervised) == (Status.DISPATCHED, False)
    assert post_action(client, cy_appeal.pk, "accept", h).json()["detail"]


@pytest.mark.django_db
def test_handlers_accept_only_appeals_dispatched_into_their_subtree(
    client, orgs, operator, cy_handler, hd_handler
):
    to_hd = act(operator, make_appeal(operator, district="BJ-CY"), "dispatch", org="BJ-HD")
    r = post_action(client, to_hd.pk, "accept", bearer(cy_handler))
    assert r.status_code == 403  # visible (happened in 朝阳) but not theirs to handle
    assert post_action(client, to_hd.pk, "accept", bearer(hd_handler)).status_code == 200

    # a street below 朝阳 is inside the district handler's subtree
    to_street = act(operator, make_appeal(operator, district="BJ-CY"), "dispatch", org="BJ-CY-WJ")
    street_handler = make_staff("wj_handler", orgs["BJ-CY-WJ"], "case_handler")
    assert post_action(client, to_street.pk, "accept", bearer(cy_handler)).status_code == 200

    # …but the district is not inside the street's
    to_district = act(operator, make_appeal(operator, district="BJ-CY"), "dispatch")
    assert to_district.responsible_org.code == "BJ-CY"
    r = post_action(client, to_district.pk, "accept", bearer(street_handler))
    assert r.status_code == 404
    to_district.refresh_from_db()
    assert to_district.status == Status.DISPATCHED


@pytest.mark.django_db
def test_handlers_cannot_do_the_hotlines_part(client, operator, cy_handler):
    appeal = make_appeal(operator)  # 朝阳, visible to cy_handler
    h = bearer(cy_handler)
    assert post_action(client, appeal.pk, "dispatch", h).status_code == 403
    assert post_action(client, appeal.pk, "supervise", h).status_code == 403
    act(operator, appeal, "dispatch")
    act(cy_handler, appeal, "accept")
    act(cy_handler, appeal, "request_extension", days=2, reason="取证")
    # nobody approves their own extension
    assert post_action(client, appeal.pk, "approve_extension", h).status_code == 403


# --- contact reveal -------------------------------------------------------------------------


@pytest.mark.django_db
def test_revealing_the_contact_is_audited(client, cy_handler, cy_appeal):
    url = f"{API}/appeals/{cy_appeal.pk}"
    h = bearer(cy_handler)
    plain = client.get(url, **h).json()
    assert plain["contact_phone"] == "138****1111"
    assert plain["revealed"] == []
    assert not AuditLog.objects.data_access().exists()

    r = client.get(url, {"reveal": "contact_phone", "reason": "回访核实"}, **h)
    assert r.status_code == 200
    assert r.json()["contact_phone"] == "13800001111"
    assert r.json()["contact_name"] != "张三"  # only what was asked for
    assert r.json()["revealed"] == ["contact_phone"]
    log = AuditLog.objects.data_access().get()
    assert log.actor == cy_handler
    assert log.actor_label == "cy_handler"
    assert log.action == "reveal"
    assert (log.object_type, log.object_id) == ("hotline.appeal", str(cy_appeal.pk))
    assert log.fields == "contact_phone"
    assert log.reason == "回访核实"
    assert log.source == f"GET {url}"

    both = client.get(url, {"reveal": "contact_phone,contact_name", "reason": "回访"}, **h)
    assert both.json()["contact_name"] == "张三"
    assert AuditLog.objects.data_access().count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"reveal": "contact_phone"}, "reason"),
        ({"reveal": "contact_phone", "reason": "   "}, "reason"),
        ({"reveal": "content_secret", "reason": "看看"}, "reveal"),
    ],
)
def test_reveal_needs_a_reason_and_a_known_field(client, cy_handler, cy_appeal, query, field):
    r = client.get(f"{API}/appeals/{cy_appeal.pk}", query, **bearer(cy_handler))
    assert r.status_code == 400
    assert field in r.json()["errors"]
    assert not AuditLog.objects.data_access().exists()


@pytest.mark.django_db
def test_a_leader_may_not_reveal_the_contact(client, orgs, cy_appeal):
    leader = make_staff("leader_bj", orgs["BJ"], "leader")
    r = client.get(
        f"{API}/appeals/{cy_appeal.pk}",
        {"reveal": "contact_phone", "reason": "想看"},
        **bearer(leader),
    )
    assert r.status_code == 403
    assert "13800001111" not in r.content.decode()
    assert not AuditLog.objects.data_access().exists()


@pytest.mark.django_db
def test_no_reveal_outside_the_scope(client, cy_handler, hd_appeal):
    r = client.get(
        f"{API}/appeals/{hd_appeal.pk}",
        {"reveal": "contact_phone", "reason": "好奇"},
        **bearer(cy_handler),
    )
    assert r.status_code == 404
    assert not AuditLog.objects.data_access().exists()


# --- concurrency (PostgreSQL: SQLite serialises all writers) --------------------------------


@pytest.fixture
def seeded(transactional_db, orgs):
    """A transactional flush removes the migration-seeded categories: put them back."""
    load_categories(Category)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_accept_at_once_succeeds_exactly_once(seeded, operator, cy_handler):
    appeal = act(operator, make_appeal(operator), "dispatch")
    headers = [bearer(cy_handler), bearer(cy_handler)]

    def accept(i):
        return post_action(Client(), appeal.pk, "accept", headers[i], note=f"线程{i}")

    responses = run_together(2, accept)
    assert sorted(r.status_code for r in responses) == [200, 409]
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED
    assert appeal.version == 2
    assert list(appeal.events.values_list("action", flat=True)) == ["create", "dispatch", "accept"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_numbers_are_unique_and_gap_free(seeded, op_headers):
    def create_five(i):
        client = Client()
        out = []
        for n in range(5):
            r = post_appeal(client, appeal_data(content=f"线程{i}第{n}件"), op_headers)
            out.append((r.status_code, r.json().get("number")))
        return out

    results = [x for batch in run_together(4, create_five) for x in batch]
    assert [status for status, _ in results] == [201] * 20
    numbers = [number for _, number in results]
    assert len(set(numbers)) == 20
    by_day: dict[str, list[int]] = {}
    for number in numbers:
        day, seq = NUMBER_RE.match(number).groups()
        by_day.setdefault(day, []).append(int(seq))
    for seqs in by_day.values():  # (a run across midnight starts a new day at 1)
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    assert Appeal.objects.count() == 20
    assert sum(DailySequence.objects.values_list("last", flat=True)) == 20


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_make_one_appeal(seeded, op_headers):
    def create(i):
        r = post_appeal(Client(), appeal_data(), op_headers, HTTP_IDEMPOTENCY_KEY="retry-storm")
        return r.status_code, r.json()["id"], r.json()["number"]

    results = run_together(4, create)
    assert sorted(status for status, _, _ in results) == [200, 200, 200, 201]
    assert len({appeal_id for _, appeal_id, _ in results}) == 1
    assert Appeal.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    # the losers' numbers were rolled back: the next appeal follows on
    number = results[0][2]
    nxt = post_appeal(Client(), appeal_data(), op_headers).json()["number"]
    assert int(NUMBER_RE.match(nxt).group(2)) == int(NUMBER_RE.match(number).group(2)) + 1
