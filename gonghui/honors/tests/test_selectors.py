"""The honours list selectors called directly: ``GET /programs`` and ``GET /nominations``
filter through them, and the console's nomination form offers ``nominating_orgs``."""

import pytest

from gonghui.honors import selectors
from gonghui.honors.models import State

from .factories import make_admin, make_nomination, make_nominator, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(orgs):
    city = make_program(orgs["BJ"], title="首都劳动奖章", year=2025)
    cy = make_program(orgs["BJ-CY"], title="朝阳巾帼标兵", year=2026)
    hd = make_program(orgs["BJ-HD"], title="海淀巾帼标兵", year=2026)
    return {
        "city": city, "cy": cy, "hd": hd,
        "cy_submitted": make_nomination(city, orgs["BJ-CY"]),
        "cy_draft": make_nomination(city, orgs["BJ-CY-WJ"], state=State.DRAFT),
        "cy_publicity": make_nomination(cy, orgs["BJ-CY-WJ"], state=State.PUBLICITY),
        "hd_submitted": make_nomination(city, orgs["BJ-HD"]),
    }  # fmt: skip


def test_programs_by_year_inside_the_scope_and_above_it(orgs, world):
    cy = make_nominator(orgs["BJ-CY"])
    assert {p.title for p in selectors.search_programs(cy)} == {"首都劳动奖章", "朝阳巾帼标兵"}
    assert [p.title for p in selectors.search_programs(cy, year=2026)] == ["朝阳巾帼标兵"]
    assert not selectors.search_programs(cy, year=2024).exists()


def test_nominations_by_queue_program_and_state_never_another_district(orgs, world):
    cy = make_nominator(orgs["BJ-CY"])
    assert set(selectors.search_nominations(cy)) == {
        world["cy_submitted"], world["cy_draft"], world["cy_publicity"],
    }  # fmt: skip
    assert list(selectors.search_nominations(cy, state=State.DRAFT)) == [world["cy_draft"]]
    assert list(selectors.search_nominations(cy, program=world["cy"].pk)) == [world["cy_publicity"]]
    assert list(selectors.search_nominations(cy, queue="publicity")) == [world["cy_publicity"]]
    # the city's admin reviews what the districts sent up; 朝阳's nominator reviews nothing
    city_admin = make_admin(orgs["BJ"])
    assert set(selectors.search_nominations(city_admin, queue="review")) == {
        world["cy_submitted"], world["hd_submitted"],
    }  # fmt: skip
    assert not selectors.search_nominations(cy, queue="review").exists()
    assert set(selectors.search_nominations(cy, queue="no-such-queue")) == set(
        selectors.search_nominations(cy)
    )


def test_nominating_orgs_lie_strictly_below_the_organiser_inside_the_scope(orgs, world):
    cy = make_nominator(orgs["BJ-CY"])
    codes = [o.code for o in selectors.nominating_orgs(cy, world["city"])]
    assert codes[0] == "BJ-CY" and all(c.startswith("BJ-CY") for c in codes)
    assert codes == sorted(codes, key=lambda c: orgs[c].path)
    below = [o.code for o in selectors.nominating_orgs(cy, world["cy"])]
    assert "BJ-CY" not in below and "BJ-CY-WJ" in below
    assert not selectors.nominating_orgs(cy, world["hd"]).exists()
