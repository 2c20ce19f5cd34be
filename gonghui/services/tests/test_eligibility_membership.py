"""Membership stated at 实名登记 but not yet confirmed is named, not silently refused."""

import datetime

import pytest

from gonghui.people.models import MembershipStatus
from gonghui.people.tests.factories import make_worker
from gonghui.services import eligibility

from .factories import make_project

pytestmark = pytest.mark.django_db


def test_claimed_membership_says_pending(orgs):
    project = make_project(organiser=orgs["BJ-CY"], members_only=True)
    w = make_worker(orgs["BJ-CY-WJ-001"])
    assert eligibility.reasons(project, w) == ["仅限工会会员参加"]
    w.membership_status = MembershipStatus.CLAIMED
    w.save()
    assert eligibility.reasons(project, w) == ["仅限工会会员参加（会员身份待确认）"]
    w.membership_status = MembershipStatus.REJECTED
    w.save()
    assert eligibility.reasons(project, w) == ["仅限工会会员参加"]


def test_confirmed_membership_is_eligible(orgs):
    project = make_project(organiser=orgs["BJ-CY"], members_only=True)
    w = make_worker(orgs["BJ-CY-WJ-001"], member_since=datetime.date(2020, 1, 1))
    assert eligibility.is_eligible(project, w)
