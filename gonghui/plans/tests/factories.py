"""Plan test data through the real services."""

import datetime

from gonghui.people.tests.factories import make_staff
from gonghui.plans import services


def planner(org, username=""):
    return make_staff(username or f"planner_{org.code.lower()}", org, "admin")


def make_plan(user, org, year=2025, **data):
    return services.create_plan(user=user, data={"org": org.code, "year": year, **data})


def item_data(**overrides) -> dict:
    data = {
        "title": "新建户外劳动者暖心驿站",
        "theme": "positions",
        "deadline": datetime.date(2025, 12, 31).isoformat(),
        "indicator": "stations_opened_warm",
        "target": "3",
    }
    data.update(overrides)
    return data


def make_item(user, plan, **overrides):
    return services.add_item(user=user, plan=plan, data=item_data(**overrides))
