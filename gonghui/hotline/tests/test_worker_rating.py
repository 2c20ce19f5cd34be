"""The worker's rating: no default answer, once per appeal, within the rating window, and the
comment reaches staff (case page, export)."""

import datetime
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from gonghui.core.testing import postgres_only, run_together
from gonghui.hotline.models import Appeal, Category, Status
from gonghui.hotline.taxonomy import load_categories
from gonghui.people import auth
from gonghui.people.worker_session import SESSION_KEY

from .factories import API, Clock, act, at, make_appeal_in, worker_token

pytestmark = pytest.mark.django_db

CY_PHONE = "13812345678"


@pytest.fixture
def resolved(operator, cy_handler):
    """An appeal of CY_PHONE's, resolved by the Chaoyang handler."""
    return make_appeal_in(
        Status.RESOLVED, operator=operator, handler=cy_handler, contact_phone=CY_PHONE
    )


def sign_in(client) -> dict:
    """CY_PHONE signed in on the H5 pages (session) and the API (returned headers)."""
    headers = worker_token(client, CY_PHONE)
    session = client.session
    session[SESSION_KEY] = auth.sign_in_worker(CY_PHONE).pk
    session.save()
    return headers


@pytest.fixture
def h5(client, cy_worker):
    """cy_worker signed in on the H5 pages."""
    sign_in(client)
    return client


def rate(client, headers, appeal_id, **data):
    return client.post(
        f"{API}/my-appeals/{appeal_id}/rate", data, content_type="application/json", **headers
    )


def rating_form(html: str) -> str:
    match = re.search(r"<form method=\"post\" novalidate>.*?</form>", html, re.S)
    assert match, "no rating form"
    return match.group()


def test_the_h5_form_has_no_preselected_answer_and_refuses_an_empty_rating(h5, resolved):
    url = f"/h5/appeals/{resolved.pk}/"
    form = rating_form(h5.get(url).content.decode())
    assert form.count('<option value="">请选择</option>') == 2
    assert "selected" not in form and "checked" not in form

    r = h5.post(url, {"resolved": "", "satisfaction": "", "comment": "还行"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "请选择问题是否解决" in html and "请选择满意度" in html
    assert "还行" in rating_form(html)  # the comment is kept for the second try
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED
    assert resolved.worker_rated_at is None and resolved.callback_satisfaction == ""
    assert not resolved.events.filter(action="callback").exists()

    # one answer chosen, the other still missing: the chosen one stays selected
    r = h5.post(url, {"resolved": "partly", "satisfaction": ""})
    assert r.status_code == 400
    assert '<option value="partly" selected>' in rating_form(r.content.decode())


def test_the_h5_rating_is_saved_once_with_its_comment(h5, resolved):
    url = f"/h5/appeals/{resolved.pk}/"
    r = h5.post(url, {"resolved": "resolved", "satisfaction": "satisfied", "comment": "  谢谢 "})
    assert r.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == Status.CALLBACK_DONE
    assert (resolved.callback_resolved, resolved.callback_satisfaction) == ("resolved", "satisfied")
    assert resolved.worker_comment == "谢谢"
    assert resolved.worker_rated_by == "worker:138****5678"
    assert resolved.worker_rated_at is not None

    page = h5.get(url).content.decode()
    assert '<form method="post" novalidate>' not in page and "谢谢" in page
    again = h5.post(url, {"resolved": "unresolved", "satisfaction": "unsatisfied"})
    assert again.status_code == 409
    assert "每件诉求只能评价一次" in again.content.decode()
    resolved.refresh_from_db()
    assert resolved.callback_satisfaction == "satisfied"
    assert resolved.events.filter(action="callback").count() == 1


def test_the_api_needs_both_answers_and_a_short_comment(client, cy_worker, resolved):
    me = worker_token(client, CY_PHONE)
    mine = client.get(f"{API}/my-appeals/{resolved.pk}", **me).json()
    assert mine["rating_open"] is True and mine["rating_until"]
    r = rate(client, me, resolved.pk)
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert errors["resolved"] == ["请选择问题是否解决"]
    assert errors["satisfaction"] == ["请选择满意度"]
    r = rate(
        client, me, resolved.pk, resolved="resolved", satisfaction="satisfied", comment="长" * 501
    )
    assert r.status_code == 400
    assert r.json()["errors"]["comment"] == ["意见不能超过500字"]
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED and resolved.worker_rated_at is None

    r = rate(client, me, resolved.pk, resolved="partly", satisfaction="unsatisfied", comment="慢")
    assert r.status_code == 200, r.json()
    assert r.json()["worker_comment"] == "慢" and r.json()["worker_rated_at"]
    assert r.json()["rating_open"] is False


def test_one_rating_per_appeal_even_after_a_reopen(
    client, operator, cy_handler, cy_worker, resolved
):
    me = worker_token(client, CY_PHONE)
    ok = rate(client, me, resolved.pk, resolved="unresolved", satisfaction="unsatisfied")
    assert ok.status_code == 200
    again = rate(client, me, resolved.pk, resolved="resolved", satisfaction="satisfied")
    assert again.status_code == 409
    assert "只能评价一次" in again.json()["detail"]

    act(operator, resolved, "reopen", reason="职工不满意")
    act(cy_handler, resolved, "accept")
    act(cy_handler, resolved, "contact", note="再次联系")
    act(cy_handler, resolved, "resolve", note="已补发")
    third = rate(client, me, resolved.pk, resolved="resolved", satisfaction="satisfied")
    assert third.status_code == 409
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED  # the hotline calls back itself this time
    assert resolved.callback_satisfaction == ""


@pytest.mark.parametrize("days", [2, 7])
def test_rating_closes_after_the_configured_days(
    client, settings, monkeypatch, operator, cy_handler, cy_worker, days
):
    from django.utils import timezone

    settings.HOTLINE_RATING_DAYS = days
    clock = Clock(at(2025, 10, 20, 10))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    appeal = make_appeal_in(
        Status.RESOLVED, operator=operator, handler=cy_handler, contact_phone=CY_PHONE
    )
    url = f"/h5/appeals/{appeal.pk}/"

    clock.set(appeal.resolved_at + datetime.timedelta(days=days, minutes=1))
    me = sign_in(client)  # after moving the clock: sessions and tokens expire
    page = client.get(url).content.decode()
    assert '<form method="post" novalidate>' not in page
    assert f"办结后{days}天内可评价" in page
    r = client.post(url, {"resolved": "resolved", "satisfaction": "satisfied"})
    assert r.status_code == 409 and "已超过评价期限" in r.content.decode()
    assert client.get(f"{API}/my-appeals/{appeal.pk}", **me).json()["rating_open"] is False
    r = rate(client, me, appeal.pk, resolved="resolved", satisfaction="satisfied")
    assert r.status_code == 409 and "已超过评价期限" in r.json()["detail"]
    appeal.refresh_from_db()
    assert appeal.worker_rated_at is None and appeal.status == Status.RESOLVED

    clock.set(appeal.resolved_at + datetime.timedelta(days=days, minutes=-1))
    assert '<form method="post" novalidate>' in client.get(url).content.decode()
    r = rate(client, me, appeal.pk, resolved="resolved", satisfaction="satisfied")
    assert r.status_code == 200


def test_staff_see_the_comment_on_the_case_page_and_in_the_export(
    client, operator, hd_handler, cy_worker, resolved
):
    me = worker_token(client, CY_PHONE)
    comment = '=HYPERLINK("http://x")<b>工资已到账</b>'
    assert rate(client, me, resolved.pk, resolved="resolved", satisfaction="basically_satisfied",
                comment=comment).status_code == 200  # fmt: skip

    client.force_login(operator)
    page = client.get(f"/console/hotline/{resolved.pk}/").content.decode()
    cell = re.search(r'<td id="worker-comment">(.*?)</td>', page, re.S).group(1)
    assert "&lt;b&gt;工资已到账&lt;/b&gt;" in cell and "<b>" not in cell  # escaped
    assert "worker:138****5678" in cell and "13812345678" not in page
    assert "已解决 · 基本满意" in page

    sheet = load_workbook(io.BytesIO(client.get("/console/hotline/export.xlsx").getvalue())).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["职工评价意见"] == "'" + comment  # text, never a formula
    assert sheet.cell(row=2, column=header.index("职工评价意见") + 1).data_type == "s"
    assert row["职工评价时间"]

    # out of scope: the Haidian handler neither opens the case nor exports the comment
    client.force_login(hd_handler)
    assert client.get(f"/console/hotline/{resolved.pk}/").status_code == 404
    sheet = load_workbook(io.BytesIO(client.get("/console/hotline/export.xlsx").getvalue())).active
    assert sheet.max_row == 1


def test_a_nul_in_the_comment_is_refused(client, cy_worker, resolved):
    me = worker_token(client, CY_PHONE)
    r = rate(
        client, me, resolved.pk, resolved="resolved", satisfaction="satisfied", comment="a\x00"
    )
    assert r.status_code == 400
    resolved.refresh_from_db()
    assert resolved.worker_rated_at is None


# --- concurrency (PostgreSQL) ---------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_ratings_at_once_count_once(orgs, operator, cy_handler, cy_worker):
    load_categories(Category)  # a transactional flush removed the seeded categories
    appeal = make_appeal_in(
        Status.RESOLVED, operator=operator, handler=cy_handler, contact_phone=CY_PHONE
    )
    me = worker_token(Client(), CY_PHONE)
    answers = [("resolved", "satisfied"), ("unresolved", "unsatisfied")]

    def submit(i):
        resolved, satisfaction = answers[i]
        return rate(Client(), me, appeal.pk, resolved=resolved, satisfaction=satisfaction)

    responses = run_together(2, submit)
    assert sorted(r.status_code for r in responses) == [200, 409]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.callback_resolved, appeal.callback_satisfaction) == answers[winner]
    assert appeal.events.filter(action="callback").count() == 1
    assert appeal.version == 5  # dispatch, accept, contact, resolve + one rating
