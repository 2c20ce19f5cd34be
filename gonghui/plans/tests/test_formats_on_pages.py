"""Manual figures are written with thousands separators on the plan and item pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.people.tests.factories import console_login
from gonghui.plans import services

from .factories import make_item, make_plan, planner

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def test_a_pending_figure_reads_1_234_5(client, orgs):
    city = planner(orgs["BJ"], "fmt_city_planner")
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, indicator="", manual_name="培训社工", manual_unit="人次")
    services.submit_figure(
        user=city,
        item=item,
        data={"value": "1234.5", "achieved_on": "2025-05-01"},
        evidence=SimpleUploadedFile("e.png", PNG, content_type="image/png"),
    )
    console_login(client, planner(orgs["BJ"], "fmt_city_approver"))  # sees it as pending
    plan_page = client.get(f"/console/plans/{plan.pk}/").content.decode()
    assert "1,234.5人次" in plan_page
    item_page = client.get(f"/console/plans/items/{item.pk}/").content.decode()
    assert "1,234.5人次" in item_page
