"""A small world for the Open311 tests: appeals in three states (made and moved through the
hotline's services), station problem reports (open, and one escalated to 12351) and a key."""

from dataclasses import dataclass

import pytest

from gonghui.hotline.models import Category
from gonghui.hotline.taxonomy import load_categories
from gonghui.hotline.tests.factories import act, make_appeal, make_operator
from gonghui.open311 import services
from gonghui.people.tests.factories import make_staff
from gonghui.stations import services as station_services
from gonghui.stations.tests.factories import WANGJING, make_manager, make_station

# Personal data planted in the world: none of it may appear in a GET answer.
CONTACT_NAME, CONTACT_PHONE = "王秘密", "13911112222"
EMPLOYER = "朝阳某物流配送站"
CONTENT = "快递站拖欠三个月工资，老板电话13733334444"
REPORT_TEXT = "厕所坏了，我叫李隐私 13655556666"
NOTE = "已联系王秘密本人，内部备注"


@dataclass
class World:
    orgs: dict
    received: object
    dispatched: object
    resolved: object
    station: object
    open_report: object
    escalated_report: object
    admin: object
    client: object
    key: str


def build_world(orgs) -> World:
    if not Category.objects.exists():  # a transactional flush removed the seeded taxonomy
        load_categories(Category)
    operator = make_operator(orgs["BJ"], "op_open311")
    handler = make_staff("h_open311", orgs["BJ-CY"], "case_handler")
    data = {"contact_name": CONTACT_NAME, "contact_phone": CONTACT_PHONE, "content": CONTENT,
            "employer_name": EMPLOYER}  # fmt: skip
    received = make_appeal(operator, **data)
    dispatched = act(operator, make_appeal(operator, **data), "dispatch")
    resolved = act(operator, make_appeal(operator, **data), "dispatch")
    steps = (("accept", {}), ("contact", {"note": NOTE}), ("resolve", {"note": NOTE}))
    for action, params in steps:
        resolved = act(handler, resolved, action, **params)
    station = make_station(
        org=orgs["BJ-CY"], lat=WANGJING[0], lng=WANGJING[1], name="望京暖心驿站",
        address="朝阳区望京街1号",
    )  # fmt: skip
    open_report = station_services.report_problem(station=station, kind="broken", text=REPORT_TEXT)
    escalated = station_services.report_problem(station=station, kind="other", text=REPORT_TEXT)
    station_services.escalate_report(
        user=make_manager(orgs["BJ-CY"], "sm_open311"), report=escalated,
        contact_phone=CONTACT_PHONE,
    )  # fmt: skip
    escalated.refresh_from_db()
    admin = make_staff("fed_admin", orgs["BJ"], "admin")
    client, key = services.issue_key(user=admin, name="城市服务App")
    return World(orgs, received, dispatched, resolved, station, open_report, escalated, admin,
                 client, key)  # fmt: skip


@pytest.fixture
def world(orgs):
    return build_world(orgs)
