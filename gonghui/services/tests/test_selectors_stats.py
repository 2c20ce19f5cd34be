"""Statistics selectors called directly: the one period rule the console and the API share, and
the per-child totals inside the viewer's scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.people.scope import scope_for
from gonghui.services import selectors
from gonghui.services.models import WalkIn
from gonghui.services.tests.factories import make_project, make_session, make_social_worker

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        (D(2025, 6, 30), D(2025, 6, 1), "开始日期不能晚于结束日期"),
        (D(2022, 1, 1), D(2025, 6, 1), "统计区间最长3年"),
        (D(2025, 6, 1), D(2025, 6, 1), None),
        (D(2022, 6, 1), D(2025, 6, 1), None),  # 3 years and a day: within 3 × 366 days
    ],
)
def test_stats_period_rule(date_from, date_to, message):
    if message is None:
        selectors.check_stats_period(date_from, date_to)
        return
    with pytest.raises(ValidationError) as exc:
        selectors.check_stats_period(date_from, date_to)
    assert exc.value.message_dict == {"from": [message]}


def test_by_child_counts_only_children_in_scope_that_held_sessions(orgs):
    at = timezone.make_aware(datetime.datetime(2025, 6, 10, 9, 0))
    for organiser, walk_ins in ((orgs["BJ-CY-WJ"], 7), (orgs["BJ-HD"], 3)):
        session = make_session(make_project(organiser=organiser), starts_at=at)
        WalkIn.objects.create(session=session, count=walk_ins)
    period = (D(2025, 6, 1), D(2025, 6, 30))
    city = scope_for(make_social_worker(orgs["BJ"], "bj_sw"), "services.view")
    rows = selectors.stats_by_child(orgs["BJ"], *period, city)
    assert [(r.key, r.person_times, r.sessions) for r in rows] == [
        ("BJ-CY", 7, 1),
        ("BJ-HD", 3, 1),
    ]
    chaoyang = scope_for(make_social_worker(orgs["BJ-CY"], "cy_sw"), "services.view")
    assert selectors.stats_by_child(orgs["BJ"], *period, chaoyang) == [
        r for r in rows if r.key == "BJ-CY"
    ]
    assert selectors.stats_by_child(orgs["BJ"], D(2025, 7, 1), D(2025, 7, 31), city) == []
