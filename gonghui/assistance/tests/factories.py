"""Builders for hardship-registry tests: real services, real database."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from gonghui.assistance import services, services_flow
from gonghui.assistance.demo import load_reference
from gonghui.assistance.models import Application
from gonghui.people.demo import fake_id_number
from gonghui.people.tests.factories import make_staff

API = "/api/v1/assistance"
_seq = itertools.count(300)


def member(name="家属", relation="spouse", region="110108", sex="F") -> dict:
    n = next(_seq)
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=n)
    return {"name": name, "relation": relation, "id_number": fake_id_number(region, birth, n, sex)}


def aid_officer(org, username=None):
    return make_staff(username or f"aid_{org.code.lower()}", org, "aid_officer")


def figures(income="24000", **overrides) -> dict:
    return {
        "annual_income": income,
        "expenses": {},
        "causes": ["illness"],
        "members": [],
        **overrides,
    }


def apply(worker, user, **overrides) -> Application:
    load_reference()
    return services.submit_entry(worker=worker, user=user, data=figures(**overrides))


def step(app, user, action, **kw) -> Application:
    if action == "verify":
        kw.setdefault("visit_notes", "入户核实，情况属实")
    return services_flow.transition(user=user, application_id=app.pk, action=action, **kw)


def end_publicity(app) -> None:
    """Move the 公示 window into the past (as if its working days had run out)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Application.objects.filter(pk=app.pk).update(
        publicity_start=yesterday - datetime.timedelta(days=7), publicity_end=yesterday
    )


def register(worker, user, **overrides) -> Application:
    app = apply(worker, user, **overrides)
    step(app, user, "verify")
    step(app, user, "approve")
    end_publicity(app)
    return step(app, user, "conclude")


ONE_LINE = Decimal("1395.00")
