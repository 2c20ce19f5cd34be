"""普惠服务 events → messages: a freed waitlist place lands in the inbox, once."""

import pytest

from gonghui.core import sms
from gonghui.notices import selectors
from gonghui.notices.models import Message
from gonghui.people.tests.factories import make_worker
from gonghui.services import enrollment
from gonghui.services.tests.factories import make_project, make_session

from .factories import account

pytestmark = pytest.mark.django_db


def test_waitlist_promotion_is_one_inbox_message(orgs, django_capture_on_commit_callbacks):
    s = make_session(make_project(organiser=orgs["BJ-CY"]), capacity=1)
    first, second = (make_worker(orgs["BJ-CY-WJ-001"]) for _ in range(2))
    seat = enrollment.enroll(worker=first, session_id=s.pk)
    enrollment.enroll(worker=second, session_id=s.pk)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment.cancel(enrollment_id=seat.pk, worker=first)
    inbox = list(selectors.inbox(account(second.phone)))
    assert [m.event for m in inbox] == ["waitlist_promoted"]
    assert s.project.title in inbox[0].body and inbox[0].link == "/services/mine/"
    assert sms.outbox == [(second.phone, inbox[0].body)]
    assert not selectors.inbox(account(first.phone)).exists()
    assert Message.objects.count() == 1
