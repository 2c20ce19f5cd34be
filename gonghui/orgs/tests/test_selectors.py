"""The tree reads behind ``GET /api/v1/orgs`` and the console's tree browser, called
directly: only orgs in the caller's ``orgs.view`` scope, whatever code is asked for."""

import pytest

from gonghui.orgs import selectors
from gonghui.people.tests.factories import make_staff, superuser

pytestmark = pytest.mark.django_db


def test_visible_orgs_under_a_code_stay_inside_the_scope(orgs):
    cy = make_staff("cy_viewer", orgs["BJ-CY"], "case_handler")
    codes = [o.code for o in selectors.visible_orgs(cy)]
    assert codes[0] == "BJ-CY" and all(c.startswith("BJ-CY") for c in codes)
    assert codes == sorted(codes, key=lambda c: orgs[c].path)
    under = [o.code for o in selectors.visible_orgs(cy, under="bj-cy-wj")]
    assert under[0] == "BJ-CY-WJ" and all(
        orgs[c].path.startswith(orgs["BJ-CY-WJ"].path) for c in under
    )
    assert not selectors.visible_orgs(cy, under="BJ-HD").exists()
    assert not selectors.visible_orgs(cy, under="BJ").exists()  # above the scope
    assert selectors.get_visible_org(cy, "BJ-CY-WJ") == orgs["BJ-CY-WJ"]
    assert selectors.get_visible_org(cy, "BJ-HD") is None


def test_scope_roots_and_visible_ancestors(orgs):
    cy = make_staff("cy_viewer", orgs["BJ-CY"], "case_handler")
    assert list(selectors.scope_roots(cy)) == [orgs["BJ-CY"]]
    assert list(selectors.scope_roots(superuser())) == [orgs["BJ"]]
    street = orgs["BJ-CY-WJ"]
    assert selectors.visible_ancestors(cy, street) == [orgs["BJ-CY"], street]  # not the city
    assert selectors.visible_ancestors(superuser(), street) == [orgs["BJ"], orgs["BJ-CY"], street]
