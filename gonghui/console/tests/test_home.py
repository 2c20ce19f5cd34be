"""The console home page and ``seed_demo``, the console app's two pieces."""

import pytest
from django.core.management import call_command

from gonghui.governance.models import ArrearsWarning
from gonghui.hotline.tests.factories import act, make_appeal, make_operator
from gonghui.orgs.models import Org
from gonghui.people.models import Worker

pytestmark = pytest.mark.django_db


def test_console_home_shows_org_and_roles(client, cy_handler):
    client.force_login(cy_handler)
    page = client.get("/console/").content.decode()
    assert "承办人员" in page and "朝阳区总工会" in page


def test_console_requires_login(client, db):
    r = client.get("/console/")
    assert r.status_code == 302 and r["Location"].startswith("/console/login/")


def test_home_shows_the_orgs_hotline_todo(client, orgs, cy_handler, hd_handler):
    op = make_operator(orgs["BJ"])
    for district in ("BJ-CY", "BJ-HD", "BJ-HD"):
        act(op, make_appeal(op, district=district, contact_phone="13812345678"), "dispatch")
    client.force_login(cy_handler)
    todo = client.get("/console/").content.decode()
    assert "12351待办" in todo and "办理中 1" in todo
    client.force_login(hd_handler)
    assert "办理中 2" in client.get("/console/").content.decode()


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    counts = (Org.objects.count(), Org.objects.order_by("pk").last().pk)
    workers = Worker.objects.count()
    warnings = list(ArrearsWarning.objects.values_list("employer_name", "appeal_count"))
    call_command("seed_demo", verbosity=0)
    assert (Org.objects.count(), Org.objects.order_by("pk").last().pk) == counts
    assert Worker.objects.count() == workers > 0
    assert (
        sorted(ArrearsWarning.objects.values_list("employer_name", "appeal_count"))
        == sorted(warnings)
        == [("快送配送望京站", 4), ("海淀某某餐饮店", 3)]
    )
