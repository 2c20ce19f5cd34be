"""``inbox`` called directly: ``GET /api/v1/me/messages?unread_only=true`` and the H5 inbox
read through it; never another account's messages."""

import pytest

from gonghui.notices import selectors, services

from .factories import account, message

pytestmark = pytest.mark.django_db


def test_inbox_newest_first_and_unread_only_of_the_own_account():
    mine, other = account(), account()
    first = message(mine)
    second = message(mine, "appeal_resolved", reply="已补发工资")
    message(other)
    assert list(selectors.inbox(mine)) == [second, first]
    services.mark_read(mine, second.pk)
    assert list(selectors.inbox(mine, unread_only=True)) == [first]
    assert selectors.unread_count(mine) == 1
    assert [m.pk for m in selectors.inbox(mine)] == [second.pk, first.pk]  # read ones stay
