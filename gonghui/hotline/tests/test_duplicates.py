"""疑似重复 (issue 15): each reason, scope on the case page, the intake partial and the API,
merged and self left out, the one-click merge through the existing action, bad input, and a
query count that does not grow with the candidates."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.hotline import duplicates
from gonghui.hotline.models import Appeal, Status
from gonghui.people.tests.factories import bearer

from .factories import API, act, make_appeal, make_operator, unique_phone

pytestmark = pytest.mark.django_db

WAGE = "我在速达快递朝阳营业部当快递员，公司已经拖欠我两个月工资了，一共八千多元，站长一直推脱。"
WAGE_AGAIN = "速达快递朝阳营业部欠了我们快递小哥两个月的薪水，大概8000元，站长一直推脱。"
OTHER = "想咨询一下工会会员卡怎么补办，去年入会一直没有拿到卡。"


def numbers(found) -> list[str]:
    return [s.appeal.number for s in found]


def reasons(found, appeal) -> tuple:
    return next(s.reasons for s in found if s.appeal.pk == appeal.pk)


def test_the_same_caller_is_a_reason(operator):
    phone = unique_phone()
    first = make_appeal(operator, contact_phone=phone, employer_name="", content=WAGE)
    again = make_appeal(
        operator, contact_phone=phone, employer_name="", content="上次反映的工资问题还没人联系我"
    )
    found = duplicates.suggest_duplicates(operator, appeal=again)
    assert numbers(found) == [first.number]
    assert "同一来电人" in reasons(found, first)


def test_the_same_employer_and_kind_of_problem_is_a_reason(operator):
    first = make_appeal(operator, contact_phone=unique_phone(), content=WAGE,
                        employer_name="速达快递（朝阳营业部）")  # fmt: skip
    other_caller = make_appeal(operator, contact_phone=unique_phone(), content=WAGE_AGAIN,
                               employer_name="速达快递(朝阳营业部) ")  # fmt: skip
    found = duplicates.suggest_duplicates(operator, appeal=other_caller)
    assert numbers(found) == [first.number]
    assert "同一单位同类问题" in reasons(found, first)
    assert "同一来电人" not in reasons(found, first)


def test_near_identical_text_is_a_reason_with_its_percentage(operator):
    first = make_appeal(operator, contact_phone=unique_phone(), employer_name="", content=WAGE)
    same = make_appeal(operator, contact_phone=unique_phone(), employer_name="",
                       content=WAGE.replace("拖欠我", "欠了我"))  # fmt: skip
    found = duplicates.suggest_duplicates(operator, appeal=same)
    assert numbers(found) == [first.number]
    (text,) = [r for r in reasons(found, first) if r.startswith("内容高度相似")]
    assert text.endswith("%）") and int(text[7:-2]) >= 90


def test_other_problems_other_employers_and_old_appeals_are_not_suggested(operator):
    phone = unique_phone()
    base = make_appeal(operator, contact_phone=phone, content=WAGE, employer_name="速达快递")
    make_appeal(operator, contact_phone=unique_phone(), content=OTHER, category="MEMBER",
                employer_name="")  # fmt: skip
    make_appeal(operator, contact_phone=unique_phone(), content=WAGE, employer_name="闪送达配送站")
    old = make_appeal(operator, contact_phone=phone, content=WAGE, employer_name="速达快递")
    Appeal.objects.filter(pk=old.pk).update(
        received_at=base.received_at - datetime.timedelta(days=200)
    )
    assert duplicates.suggest_duplicates(operator, appeal=base) == []


def test_self_and_merged_appeals_are_left_out(operator):
    main = make_appeal(operator, content=WAGE)
    dup = make_appeal(operator, content=WAGE_AGAIN)
    third = make_appeal(operator, content=WAGE)
    assert set(numbers(duplicates.suggest_duplicates(operator, appeal=main))) == {
        dup.number, third.number,
    }  # fmt: skip
    act(operator, dup, "merge", into=main.number)
    found = numbers(duplicates.suggest_duplicates(operator, appeal=main))
    assert found == [third.number]
    assert main.number not in numbers(duplicates.suggest_duplicates(operator, appeal=third))[1:]
    assert dup.number not in numbers(duplicates.suggest_duplicates(operator, appeal=third))


# --- scope: the case page, the intake partial and the API -------------------------------------


@pytest.fixture
def twins(operator):
    """The same caller, employer and words in 朝阳 and in 海淀."""
    phone = unique_phone()
    cy = make_appeal(operator, district="BJ-CY", contact_phone=phone, content=WAGE)
    hd = make_appeal(operator, district="BJ-HD", contact_phone=phone, content=WAGE)
    cy2 = make_appeal(operator, district="BJ-CY", contact_phone=phone, content=WAGE_AGAIN)
    return phone, cy, hd, cy2


def test_a_district_never_sees_another_districts_duplicate(client, orgs, operator, twins):
    phone, cy, hd, cy2 = twins
    cy_op = make_operator(orgs["BJ-CY"], "op_cy_dup")
    assert set(numbers(duplicates.suggest_duplicates(operator, appeal=cy2))) == {
        cy.number,
        hd.number,
    }
    assert numbers(duplicates.suggest_duplicates(cy_op, appeal=cy2)) == [cy.number]

    client.force_login(cy_op)
    page = client.get(f"/console/hotline/{cy2.pk}/").content.decode()
    assert "疑似重复" in page and cy.number in page and hd.number not in page

    draft = {"contact_phone": phone, "content": WAGE, "employer_name": "朝阳某物流配送站",
             "category": "LABOR-WAGE"}  # fmt: skip
    partial = client.post("/console/hotline/new/duplicates/", draft)
    assert partial.status_code == 200
    html = partial.content.decode()
    assert cy.number in html and cy2.number in html and hd.number not in html

    r = client.get(f"{API}/appeals/{cy2.pk}/duplicates", **bearer(cy_op))
    assert r.status_code == 200
    assert [d["number"] for d in r.json()] == [cy.number]
    assert r.json()[0]["reasons"][0] == "同一来电人" and 0.4 <= r.json()[0]["score"] <= 1
    # the 海淀 appeal itself is out of scope: 404, as every hotline read answers
    assert client.get(f"{API}/appeals/{hd.pk}/duplicates", **bearer(cy_op)).status_code == 404
    assert client.get(f"/console/hotline/{hd.pk}/").status_code == 404


def test_a_handler_sees_suggestions_without_the_merge_button(client, cy_handler, operator, twins):
    _phone, cy, _hd, cy2 = twins
    act(operator, cy, "dispatch")
    act(operator, cy2, "dispatch")
    client.force_login(cy_handler)
    page = client.get(f"/console/hotline/{cy2.pk}/").content.decode()
    assert cy.number in page and "合并到此" not in page and "并入本件" not in page


# --- one click -----------------------------------------------------------------------------------


def test_one_click_merges_through_the_existing_action(client, operator, twins):
    _phone, cy, hd, cy2 = twins
    client.force_login(operator)
    page = client.get(f"/console/hotline/{cy2.pk}/").content.decode()
    assert "合并到此" in page  # the newer case goes into the older one
    older = client.get(f"/console/hotline/{cy.pk}/").content.decode()
    assert "并入本件" in older  # from the older case: the newer one goes into it
    r = client.post(
        f"/console/hotline/{cy2.pk}/",
        {"action": "merge", "into": cy.number, "version": cy2.version},
    )
    assert r.status_code == 302
    cy2.refresh_from_db()
    assert cy2.status == Status.MERGED and cy2.merged_into_id == cy.pk
    assert cy2.events.filter(action="merge").exists()
    page = client.get(f"/console/hotline/{cy.pk}/").content.decode()
    assert cy2.number not in page.split("疑似重复")[1].split("办理过程")[0]
    assert hd.number in page


# --- bad input -----------------------------------------------------------------------------------


def test_bad_input_is_a_4xx(client, operator, cy_handler, twins):
    _phone, cy, _hd, _cy2 = twins
    client.force_login(operator)
    r = client.post("/console/hotline/new/duplicates/", {"contact_phone": "12x", "content": "x"})
    assert r.status_code == 400 and "手机" in r.content.decode()
    empty = client.post("/console/hotline/new/duplicates/", {})
    assert empty.status_code == 200 and cy.number not in empty.content.decode()
    assert client.get("/console/hotline/new/duplicates/").status_code == 405
    h = bearer(operator)
    for bad in ("0", "21", "x"):
        r = client.get(f"{API}/appeals/{cy.pk}/duplicates?limit={bad}", **h)
        assert r.status_code == 400 and "limit" in r.json()["errors"]
    assert client.get(f"{API}/appeals/99999999/duplicates", **h).status_code == 404
    # the intake partial is for those who take calls
    client.force_login(cy_handler)
    assert client.post("/console/hotline/new/duplicates/", {"content": WAGE}).status_code == 403


# --- bounded work -------------------------------------------------------------------------------


def _queries(viewer, appeal) -> int:
    with CaptureQueriesContext(connection) as ctx:
        duplicates.suggest_duplicates(viewer, appeal=appeal)
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_candidates(orgs, operator):
    cy_op = make_operator(orgs["BJ-CY"], "op_cy_count")
    phone = unique_phone()
    probe = make_appeal(operator, contact_phone=phone, content=WAGE)
    for _ in range(2):
        make_appeal(operator, contact_phone=phone, content=WAGE_AGAIN)
    _queries(operator, probe), _queries(cy_op, probe)  # warm: role assignments, categories
    few = (_queries(operator, probe), _queries(cy_op, probe))
    for _ in range(25):
        make_appeal(operator, contact_phone=phone, content=WAGE_AGAIN)
    many = (_queries(operator, probe), _queries(cy_op, probe))
    assert few == many
    assert many[0] <= 6 and many[1] <= 6
    assert len(duplicates.suggest_duplicates(operator, appeal=probe, limit=5)) == 5


def test_the_migration_fills_the_normalised_name_of_existing_appeals(operator):
    import importlib

    from django.apps import apps

    fill = importlib.import_module("gonghui.hotline.migrations.0007_employer_norm").fill
    a = make_appeal(operator, employer_name="速达快递（朝阳营业部）")
    b = make_appeal(operator, employer_name="")
    Appeal.objects.update(employer_norm="")
    fill(apps, None)
    assert Appeal.objects.get(pk=a.pk).employer_norm == "速达快递朝阳营业部"
    assert Appeal.objects.get(pk=b.pk).employer_norm == ""
