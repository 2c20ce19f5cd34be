"""Service pages write money and rates by the one rule (core/numbers)."""

from decimal import Decimal

import pytest

from gonghui.services.tests.factories import make_project, make_social_worker

pytestmark = pytest.mark.django_db


def test_project_budget_is_yuan_with_separators(client, orgs):
    project = make_project(organiser=orgs["BJ-CY"], budget=Decimal("12345"))
    client.force_login(make_social_worker(orgs["BJ-CY"], "fmt_sw_cy"))
    page = client.get(f"/console/services/{project.pk}/").content.decode()
    assert "¥12,345.00" in page and "12345.00" not in page
