import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.orgs.demo import DISTRICTS, load_orgs
from gonghui.orgs.models import Org, OrgType
from gonghui.orgs.selectors import district_of, subtree

pytestmark = pytest.mark.django_db

EXPECTED_DISTRICT_CODES = {
    "东城": "BJ-DC",
    "西城": "BJ-XC",
    "朝阳": "BJ-CY",
    "海淀": "BJ-HD",
    "丰台": "BJ-FT",
    "石景山": "BJ-SJS",
    "门头沟": "BJ-MTG",
    "房山": "BJ-FS",
    "通州": "BJ-TZ",
    "顺义": "BJ-SY",
    "昌平": "BJ-CP",
    "大兴": "BJ-DX",
    "怀柔": "BJ-HR",
    "平谷": "BJ-PG",
    "密云": "BJ-MY",
    "延庆": "BJ-YQ",
    "北京经济技术开发": "BJ-JK",
}  # fmt: skip  (names minus the "区总工会" suffix)


def test_demo_tree_has_the_16_districts_and_the_zone_under_bj(orgs):
    bj = Org.objects.get(code="BJ")
    assert bj.type == OrgType.CITY and bj.parent is None and bj.region_code == "110000"
    under = {o.name: o.code for o in Org.objects.filter(parent=bj, type__in=["district", "zone"])}
    assert {n.removesuffix("区总工会").removesuffix("总工会"): c for n, c in under.items()} == (
        EXPECTED_DISTRICT_CODES
    )
    assert Org.objects.get(code="BJ-CY").region_code == "110105"
    assert Org.objects.filter(parent=bj, type=OrgType.INDUSTRY).count() >= 3
    for code, *_ in DISTRICTS:
        streets = Org.objects.filter(parent__code=code, type__in=["street", "township"])
        assert streets.count() >= 3
        assert Org.objects.filter(parent__in=streets, type=OrgType.GRASSROOTS).exists()


def test_subtree_is_one_query(orgs):
    cy = orgs["BJ-CY"]
    with CaptureQueriesContext(connection) as ctx:
        codes = set(subtree(cy).values_list("code", flat=True))
    assert len(ctx.captured_queries) == 1
    assert "BJ-CY-WJ-001" in codes and "BJ-CY" in codes
    assert not any(c.startswith("BJ-HD") for c in codes)


def test_subtree_query_uses_the_path_index(orgs):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN format checked on PostgreSQL")
    with connection.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        sql, params = subtree(orgs["BJ-CY"]).query.sql_with_params()
        cur.execute("EXPLAIN " + sql, params)
        plan = " ".join(r[0] for r in cur.fetchall())
        cur.execute("SET enable_seqscan = on")
    assert "Index" in plan, plan


def test_prefix_codes_do_not_leak_between_siblings(db):
    root = Org.objects.create(code="T", name="t", type=OrgType.CITY)
    a = Org.objects.create(code="T-A", name="a", type=OrgType.DISTRICT, parent=root)
    ab = Org.objects.create(code="T-AB", name="ab", type=OrgType.DISTRICT, parent=root)
    assert ab not in subtree(a)


def test_moving_an_org_reroots_its_whole_subtree(orgs):
    street = orgs["BJ-CY-WJ"]
    street.parent = orgs["BJ-HD"]
    street.save()
    grassroots = Org.objects.get(code="BJ-CY-WJ-001")
    assert grassroots.path == "/BJ/BJ-HD/BJ-CY-WJ/BJ-CY-WJ-001/"
    assert grassroots.depth == 3
    assert district_of(grassroots).code == "BJ-HD"


def test_an_org_cannot_move_under_its_own_descendant(orgs):
    cy = orgs["BJ-CY"]
    cy.parent = orgs["BJ-CY-WJ"]
    with pytest.raises(ValidationError):
        cy.full_clean()
    with pytest.raises(ValidationError):
        cy.save()


def test_district_of(orgs):
    assert district_of(orgs["BJ-CY-WJ-001"]).code == "BJ-CY"
    assert district_of(orgs["BJ-JK"]).code == "BJ-JK"
    assert district_of(orgs["BJ"]) is None


def test_load_orgs_twice_changes_nothing(orgs):
    before = list(Org.objects.values_list("code", "path", "depth", "parent_id"))
    load_orgs()
    assert list(Org.objects.values_list("code", "path", "depth", "parent_id")) == before
