"""``search_audit_log`` called directly: the console's audit search filters through it, and
only federation admins (and superusers) get any row at all."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.people import selectors

from .factories import make_staff, superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(orgs):
    def row(label, action, obj_type="people.worker", obj_id="1"):
        return AuditLog.objects.create(
            actor_label=label, action=action, object_type=obj_type, object_id=obj_id
        )

    return {
        "reveal": row("cy_handler", "test_reveal", obj_id="7"),
        "export": row("hd_handler", "test_export", obj_type="assistance.file", obj_id="7"),
        "login": row("cy_admin", "test_login", obj_type="auth.user", obj_id="3"),
    }


def test_audit_rows_by_actor_action_object_and_day(orgs, rows):
    admin = make_staff("city_admin", orgs["BJ"], "admin")
    mine = selectors.search_audit_log(admin).filter(action__startswith="test_")
    assert list(mine) == [rows["login"], rows["export"], rows["reveal"]]  # newest first

    def found(**filters) -> set[str]:
        qs = selectors.search_audit_log(admin, **filters).filter(action__startswith="test_")
        return {r.action for r in qs}

    assert found(actor="CY_") == {"test_reveal", "test_login"}  # part of the name, any case
    assert found(action="test_export") == {"test_export"}
    assert found(object_type="people.worker", object_id="7") == {"test_reveal"}
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    assert found(date_from=today, date_to=today) == {"test_reveal", "test_export", "test_login"}
    assert found(date_from=today + day) == set()
    assert found(date_to=today - day) == set()


def test_only_federation_admins_get_audit_rows(orgs, rows):
    assert selectors.search_audit_log(superuser()).filter(action="test_login").exists()
    for user in (
        make_staff("cy_admin", orgs["BJ-CY"], "admin"),  # a district's admin
        make_staff("city_handler", orgs["BJ"], "case_handler"),  # not an admin
    ):
        assert not selectors.can_search_audit(user)
        assert not selectors.search_audit_log(user).exists()
