"""A scope is sent to the database as a list of org ids up to ``MAX_LISTED_ORGS``, above that
as a subquery on the orgs table (issue 14: at full Beijing scale a district's 2,536 orgs,
inlined twice into each staff-list query, cost ~100 ms of quoting and planning per request);
both select the same rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.orgs.models import Org
from gonghui.people import scope as scope_module
from gonghui.people.scope import Scope

pytestmark = pytest.mark.django_db


def _rows(scope: Scope) -> tuple[list[int], str]:
    with CaptureQueriesContext(connection) as ctx:
        rows = sorted(scope.filter(Org.objects.all(), "parent").values_list("pk", flat=True))
    return rows, ctx.captured_queries[-1]["sql"]


def test_a_large_scope_is_a_subquery_with_the_same_rows(orgs, monkeypatch):
    paths = (orgs["BJ-CY"].path,)
    listed, listed_sql = _rows(Scope(paths=paths))
    under = Org.objects.filter(path__startswith=paths[0]).count()
    assert under > 3 and listed
    monkeypatch.setattr(scope_module, "MAX_LISTED_ORGS", 3)
    queried, queried_sql = _rows(Scope(paths=paths))
    assert queried == listed
    assert "SELECT" not in listed_sql.split("WHERE", 1)[1]  # ids inlined
    assert "SELECT" in queried_sql.split("WHERE", 1)[1]  # the orgs' own query
