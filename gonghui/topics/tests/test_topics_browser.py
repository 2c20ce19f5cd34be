"""Page test in headless Chromium: a leader opens an adopted 每月一题 and the follow-up chart
draws (console.js, no inline script)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.hotline.models import Category
from gonghui.hotline.taxonomy import load_categories
from gonghui.orgs.demo import load_orgs
from gonghui.people.staff import create_or_update_staff
from gonghui.topics import services
from gonghui.topics.models import Topic

from .factories import MONTH, planted_month

PASSWORD = "Gonghui@2026"
pytestmark = pytest.mark.browser


def test_the_problem_page_draws_the_volume_chart(page, live_server):
    orgs = load_orgs()
    load_categories(Category)  # a transactional flush may have removed the seeded rows
    planted_month(orgs)
    admin = create_or_update_staff(username="t_admin", password=PASSWORD, org_code="BJ",
                                   roles=["admin"])  # fmt: skip
    create_or_update_staff(username="t_leader", password=PASSWORD, org_code="BJ",
                           roles=["leader"])  # fmt: skip
    topic = Topic.objects.get(month=MONTH, rank=1)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    item = services.adopt(user=admin, topic_id=topic.pk, data={
        "title": "根治工地欠薪", "problem": "集中反映", "lead_org": "BJ", "deadline": deadline,
    })  # fmt: skip
    base = live_server.url
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", "t_leader")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/console/")
    page.goto(f"{base}/console/topics/?month=2026-03")
    expect(page.locator("main table")).to_contain_text(topic.title)
    page.goto(f"{base}/console/topics/problems/{item.pk}/")
    expect(page.locator("[data-echart=topic-volume] canvas")).to_have_count(1)
    assert page.evaluate("window.gonghuiTopicChart.getOption().xAxis[0].data[0]") == "2026-03"
