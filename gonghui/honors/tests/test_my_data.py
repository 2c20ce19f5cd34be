"""The worker's nominations and honours in their own-data export; never another worker's."""

import pytest

from gonghui.honors.models import State
from gonghui.people import auth

from .factories import make_nomination, make_program, make_woman

pytestmark = pytest.mark.django_db


def export(client, worker) -> dict:
    token = auth.issue_token(worker_account=auth.sign_in_worker(worker.phone))
    r = client.get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content
    return r.json()


def test_my_honours_and_nominations_only(client, orgs):
    me, other = make_woman(orgs["BJ-CY-WJ-001"]), make_woman(orgs["BJ-HD-ZGC-001"])
    award = make_program(orgs["BJ"], title="首都巾帼标兵", year=2025)
    later = make_program(orgs["BJ-CY"], title="朝阳区最美快递员")
    won = make_nomination(award, orgs["BJ-CY"], worker=me, state=State.AWARDED)
    make_nomination(later, orgs["BJ-CY"], worker=me, state=State.DRAFT)
    make_nomination(award, orgs["BJ-HD"], worker=other, state=State.SUBMITTED)

    assert export(client, me)["honours"] == [
        {
            "title": "首都巾帼标兵",
            "organiser": orgs["BJ"].name,
            "year": 2025,
            "nominating_org": orgs["BJ-CY"].name,
            "status": "已表彰",
            "awarded_on": won.awarded_on.isoformat(),
        }
    ]
    assert [(h["title"], h["status"]) for h in export(client, other)["honours"]] == [
        ("首都巾帼标兵", "待审核")
    ]
