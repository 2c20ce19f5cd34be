"""``search_plans`` called directly: the console list and ``GET /api/v1/plans`` filter by year
through it, latest year first, never showing another district's plan."""

import pytest

from gonghui.plans import selectors

from .factories import make_plan, planner

pytestmark = pytest.mark.django_db


def test_plans_by_year_latest_first_inside_the_scope(orgs):
    cy = planner(orgs["BJ-CY"])
    hd = planner(orgs["BJ-HD"])
    cy_2024 = make_plan(cy, orgs["BJ-CY"], year=2024)
    cy_2025 = make_plan(cy, orgs["BJ-CY"], year=2025)
    street_2025 = make_plan(cy, orgs["BJ-CY-WJ"], year=2025)
    make_plan(hd, orgs["BJ-HD"], year=2025)
    assert list(selectors.search_plans(cy)) == [cy_2025, street_2025, cy_2024]
    assert list(selectors.search_plans(cy, year=2025)) == [cy_2025, street_2025]
    assert list(selectors.search_plans(cy, year=2023)) == []
    assert list(selectors.search_plans(cy, year=0)) == []  # a year given is a filter
