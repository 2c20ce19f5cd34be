"""Quotas and duplicates under concurrent nominations, with real transactions on PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.testing import postgres_only, run_together
from gonghui.honors import services
from gonghui.honors.models import Nomination

from .factories import make_nominator, make_program, make_woman

N = 8


def _try(user, data):
    try:
        services.create_nomination(user=user, data=data)
        return "ok"
    except ValidationError as exc:
        return next(iter(exc.message_dict))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_nominations_never_exceed_the_quota(orgs):
    program = make_program(orgs["BJ"], quotas={orgs["BJ-CY"]: 3})
    user = make_nominator(orgs["BJ-CY"])
    women = [make_woman(orgs["BJ-CY-WJ-001"]) for _ in range(N)]
    streets = ["BJ-CY", "BJ-CY-WJ", "BJ-CY-WJ-001"]

    def nominate(i):
        data = {"program": program.pk, "nominating_org": streets[i % 3], "deeds": "事迹"}
        return _try(user, {**data, "worker": women[i].pk})

    results = run_together(N, nominate)
    assert sorted(results) == ["nominating_org"] * (N - 3) + ["ok"] * 3
    assert Nomination.objects.filter(program=program).count() == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_without_quota_give_one_row_and_clear_errors(orgs):
    program = make_program(orgs["BJ"])
    user = make_nominator(orgs["BJ-CY"])
    woman = make_woman(orgs["BJ-CY-WJ-001"])
    data = {"program": program.pk, "nominating_org": "BJ-CY", "worker": woman.pk, "deeds": "x"}
    results = run_together(N, lambda i: _try(user, data))
    assert sorted(results) == ["ok"] + ["worker"] * (N - 1)
    assert Nomination.objects.filter(program=program, worker=woman).count() == 1
