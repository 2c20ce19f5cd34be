import pytest
from django.contrib.auth import get_user_model

from gonghui.assistance.demo import load_hardship
from gonghui.people.demo import load_staff, load_workers
from gonghui.services.demo import load_projects
from gonghui.socialwork import selectors
from gonghui.socialwork.demo import load_socialwork

pytestmark = pytest.mark.django_db


def test_demo_gives_cy_social_a_caseload(orgs):
    load_staff()
    load_workers(60)
    load_projects()
    load_hardship()
    assert load_socialwork() == 5  # two files, three sessions
    assert load_socialwork() == 0  # idempotent
    social = get_user_model().objects.get(username="cy_social")
    data = selectors.caseload(social)
    assert len(data["files"]) == 2
    assert [f.visit_overdue for f in data["files"]].count(True) == 1
    assert len(data["sessions"]) == 3
    leader = get_user_model().objects.get(username="leader")
    rows = {r.user.username: r.counts for r in selectors.workload(leader, orgs["BJ"])["workers"]}
    assert rows["cy_social"]["files"] == 2 and rows["cy_social"]["visits"] == 1
