"""Console pages and /api/v1/topics: scope on every endpoint, field errors, no 500 on bad
input, the Excel export."""

import datetime
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.people.tests.factories import bearer, make_staff
from gonghui.topics import services
from gonghui.topics.models import MonthlyProblem, Topic

from .factories import MONTH, verified_login

pytestmark = pytest.mark.django_db
API = "/api/v1/topics"
CONSOLE = "/console/topics/"


def _deadline():
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


@pytest.fixture
def topics(month):
    return {t.rank: t for t in Topic.objects.filter(month=MONTH)}  # 1: 工地 (CY+HD), 2: 饭店 (HD)


@pytest.fixture
def problem(topics, orgs):
    admin = make_staff("bj_admin", orgs["BJ"], "admin")
    data = {"title": "根治工地欠薪", "problem": "集中反映", "lead_org": "BJ-HD",
            "deadline": _deadline(), "measures": [{"text": "排查在建项目"}]}  # fmt: skip
    return services.adopt(user=admin, topic_id=topics[2].pk, data=data)  # 海淀's topic


def test_console_list_is_ranked_within_scope(client, topics, cy_handler, hd_handler):
    client.force_login(cy_handler)
    html = client.get(CONSOLE, {"month": "2026-03"}).content.decode()
    assert topics[1].title in html and topics[2].title not in html
    assert "▲ 50%" in html  # 朝阳: 4 in February → 6 in March
    assert "按需重新计算" not in html  # a case handler may not recompute
    client.force_login(hd_handler)
    html = client.get(CONSOLE, {"month": "2026-03"}).content.decode()
    assert html.index(topics[2].title) < html.index(topics[1].title)  # 海淀: 4 before 2


def test_console_bad_month_is_a_message_not_a_500(client, month, cy_handler):
    client.force_login(cy_handler)
    for bad in ("2026-13", "abc", "9999-01", "2026-3"):
        response = client.get(CONSOLE, {"month": bad})
        assert response.status_code == 200
        assert "月份格式应为" in response.content.decode()


def test_console_topic_and_adoption_form(client, topics, orgs, cy_handler):
    client.force_login(cy_handler)
    assert client.get(f"{CONSOLE}{topics[2].pk}/").status_code == 404
    html = client.get(f"{CONSOLE}{topics[1].pk}/").content.decode()
    assert "12351-" in html and "采纳为每月一题" not in html
    assert client.get(f"{CONSOLE}{topics[1].pk}/adopt/").status_code == 403
    verified_login(client, make_staff("cy_admin", orgs["BJ-CY"], "admin"))
    url = f"{CONSOLE}{topics[1].pk}/adopt/"
    bad = client.post(url, {"title": "", "lead_org": "不存在", "deadline": "2026-02-30",
                            "measures": "｜甲｜2026-13-01"})  # fmt: skip
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "此字段为必填项" in text and "第 1 条措施" in text
    assert not MonthlyProblem.objects.exists()
    measures = "排查在建项目｜劳动监督部｜2026-12-31\n约谈总包"
    ok = client.post(url, {"title": "工地欠薪", "problem": "集中反映", "lead_org": "朝阳区总工会",
                           "deadline": _deadline(), "measures": measures})  # fmt: skip
    item = MonthlyProblem.objects.get()
    assert ok.status_code == 302 and item.measures.count() == 2 and item.lead_org.code == "BJ-CY"
    page = client.get(f"{CONSOLE}problems/{item.pk}/").content.decode()
    assert "排查在建项目" in page and 'data-echart="topic-volume"' in page


def test_recompute_answers_with_a_message(client, month, orgs, cy_handler):
    verified_login(client, make_staff("bj_admin", orgs["BJ"], "admin"))
    response = client.post(f"{CONSOLE}recompute/", {"month": "2026-03"}, follow=True)
    assert "已重新计算 2026-03：15 件诉求，2 个话题" in response.content.decode()
    response = client.post(f"{CONSOLE}recompute/", {"month": "bad"}, follow=True)
    assert "月份格式应为" in response.content.decode()
    client.force_login(cy_handler)
    response = client.post(f"{CONSOLE}recompute/", {"month": "2026-03"}, follow=True)
    assert "无权重新计算" in response.content.decode()


def test_problem_pages_and_export_in_scope(client, problem, cy_handler, hd_handler):
    client.force_login(cy_handler)
    assert client.get(f"{CONSOLE}problems/{problem.pk}/").status_code == 404
    assert client.get(f"{CONSOLE}problems/{problem.pk}/export/").status_code == 404
    assert problem.title not in client.get(f"{CONSOLE}problems/").content.decode()
    client.force_login(hd_handler)
    assert problem.title in client.get(f"{CONSOLE}problems/").content.decode()
    response = client.get(f"{CONSOLE}problems/{problem.pk}/export/")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                  if response.streaming else response.content))  # fmt: skip
    sheet = wb.worksheets[0]
    assert sheet["B1"].value == "根治工地欠薪" and sheet["B6"].value == "海淀区总工会"
    assert [r for r in wb.worksheets[1].iter_rows(values_only=True)][1][:2] == ("2026-03", 4)
    assert (
        client.post(f"{CONSOLE}problems/{problem.pk}/act/", {"action": "start"}).status_code == 403
    )


def test_api_topics_scope_and_bad_month(client, topics, cy_handler, hd_handler):
    cy = client.get(API, {"month": "2026-03"}, **bearer(cy_handler)).json()
    assert [(t["id"], t["size"], t["previous_volume"], t["rank"]) for t in cy["results"]] == [
        (topics[1].pk, 6, 4, 1)
    ]
    assert cy["results"][0]["change"] == pytest.approx(0.5)
    assert cy["results"][0]["districts"] == [{"name": "朝阳区总工会", "count": 6}]
    hd = client.get(API, {"month": "2026-03"}, **bearer(hd_handler)).json()
    assert [t["size"] for t in hd["results"]] == [4, 2]
    assert hd["results"][1]["districts"] == [{"name": "海淀区总工会", "count": 2}]
    bad = client.get(API, {"month": "2026-13"}, **bearer(cy_handler))
    assert bad.status_code == 400 and "month" in bad.json()["errors"]
    assert client.get(f"{API}/{topics[2].pk}", **bearer(cy_handler)).status_code == 404
    detail = client.get(f"{API}/{topics[1].pk}", **bearer(cy_handler)).json()
    assert len(detail["examples"]) == 6 and detail["districts"] == [
        {"name": "朝阳区总工会", "count": 6}
    ]
    assert all("contact" not in key for e in detail["examples"] for key in e)


def test_api_problems_scope_adopt_and_act(client, problem, topics, orgs, cy_handler, hd_handler):
    assert client.get(f"{API}/problems", **bearer(cy_handler)).json()["count"] == 0
    assert client.get(f"{API}/problems/{problem.pk}", **bearer(cy_handler)).status_code == 404
    got = client.get(f"{API}/problems/{problem.pk}", **bearer(hd_handler)).json()
    assert got["follow_up"][0] == {"month": "2026-03", "volume": 4, "change": 0.0, "partial": False}
    assert got["follow_up"][-1]["partial"] is True  # this month, so far
    admin = make_staff("cy_admin", orgs["BJ-CY"], "admin")

    def post(url, user, body):
        return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))

    bad = post(f"{API}/problems", admin, {"topic_id": topics[1].pk, "deadline": "x"})
    assert bad.status_code == 400 and {"title", "deadline", "lead_org"} <= set(bad.json()["errors"])
    assert post(f"{API}/problems", admin, {"topic_id": topics[2].pk}).status_code == 404
    body = {"topic_id": topics[1].pk, "title": "工地欠薪", "problem": "集中反映",
            "lead_org": "BJ-CY", "deadline": _deadline()}  # fmt: skip
    created = post(f"{API}/problems", admin, body)
    assert created.status_code == 201
    assert post(f"{API}/problems", admin, body).status_code == 409
    url = f"{API}/problems/{created.json()['id']}/actions"
    assert post(url, cy_handler, {"action": "start"}).status_code == 403
    assert post(url, admin, {"action": "complete"}).status_code == 409
    assert post(url, admin, {"action": "start"}).json()["status"] == "in_progress"
    assert post(url, admin, {"action": "close"}).status_code == 400  # a note is required


def test_a_leader_adopts_a_topic_in_their_subtree_only(client, topics, orgs):
    """Adopting 每月一题 is the leader's decision (roles.LEADER_DECISIONS), within their scope;
    a 朝阳 leader does not see, let alone adopt, 海淀's topic."""
    leader = make_staff("cy_leader", orgs["BJ-CY"], "leader")
    body = {"topic_id": topics[1].pk, "title": "工地欠薪", "problem": "集中反映",
            "lead_org": "BJ-CY", "deadline": _deadline()}  # fmt: skip

    def post(url, data):
        return client.post(url, json.dumps(data), content_type="application/json", **bearer(leader))

    assert post(f"{API}/problems", {**body, "topic_id": topics[2].pk}).status_code == 404
    created = post(f"{API}/problems", body)
    assert created.status_code == 201, created.content
    item = MonthlyProblem.objects.get(pk=created.json()["id"])
    assert item.lead_org.code == "BJ-CY" and item.topic_id == topics[1].pk
    url = f"{API}/problems/{item.pk}/actions"
    assert post(url, {"action": "start"}).json()["status"] == "in_progress"
    # the console shows the leader the adoption form
    client.force_login(leader)
    assert "采纳为每月一题" in client.get(f"{CONSOLE}{topics[1].pk}/").content.decode()
