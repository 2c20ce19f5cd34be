"""Names, not keys or codes, on the assistance console pages: the file's history in words,
the file's union by name, and the campaign statistics' union chosen by name (issue 13)."""

import re

import pytest

from gonghui.assistance.labels import EVENT_LABELS
from gonghui.assistance.models import FileEvent
from gonghui.assistance.states import ACTIONS

from .factories import aid_officer, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def hd_aid(orgs):
    from gonghui.assistance.demo import load_reference

    load_reference()
    return aid_officer(orgs["BJ-HD"], "hd_aid")


def test_file_history_names_each_step_in_chinese(client, orgs, hd_aid, hd_worker):
    app = apply(hd_worker, hd_aid, income="12000")
    client.force_login(hd_aid)
    client.post(
        f"/console/assistance/{app.file_id}/act/",
        {"what": "transition", "application": app.pk, "action": "verify", "visit_notes": "看过"},
    )
    page = client.get(f"/console/assistance/{app.file_id}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "提交申请" in history and "核实通过" in history
    cells = re.findall(r"<td>([^<]*)</td>", history)
    assert not {"submit", "verify"} & set(cells)
    assert app.file.org.name in page and f"（{app.file.org.code}）" not in page
    assert set(FileEvent.objects.values_list("action", flat=True)) <= set(EVENT_LABELS)


def test_every_transition_has_a_label():
    assert set(ACTIONS) <= set(EVENT_LABELS)


def test_campaign_stats_take_the_union_by_name(client, orgs):
    city = aid_officer(orgs["BJ"], "city_aid_names")
    client.force_login(city)
    page = client.get("/console/assistance/campaigns/stats/").content.decode()
    assert "工会代码" not in page and "data-org-picker" in page
    r = client.get("/console/assistance/campaigns/stats/", {"org": "海淀区总工会"})
    assert r.status_code == 200 and "帮扶活动统计 · 海淀区总工会" in r.content.decode()
    r = client.get("/console/assistance/campaigns/stats/", {"org": "haidian"})
    assert r.status_code == 400 and "对应多个工会组织" in r.content.decode()
    cy = aid_officer(orgs["BJ-CY"], "cy_aid_names")
    client.force_login(cy)
    r = client.get("/console/assistance/campaigns/stats/", {"org": "海淀区总工会"})
    assert r.status_code == 400 and "不在您的管辖范围内" in r.content.decode()
