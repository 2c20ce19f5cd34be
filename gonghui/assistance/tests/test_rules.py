"""The category proposal at and around the thresholds (strictly below: == 1× 低保 → 相对困难,
== 2× → not in hardship), dated rules, district standards, 意外致困 and exclusions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.assistance import rules
from gonghui.assistance.demo import load_reference
from gonghui.assistance.models import ExclusionRule, HardshipPolicy, PovertyLine

from .factories import aid_officer, apply

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


@pytest.fixture
def ref(orgs):
    load_reference()
    return orgs


def propose(
    org, income, size=1, expenses=None, causes=(), accident=False, exclusions=(), as_of=TODAY
):
    return rules.compute(
        org=org,
        as_of=as_of,
        household_size=size,
        annual_income=Decimal(income),
        expenses={k: Decimal(v) for k, v in (expenses or {}).items()},
        causes=list(causes),
        accident=accident,
        exclusions=list(exclusions),
    )


@pytest.mark.parametrize(
    ("per_capita", "category"),
    [
        ("1394.99", "deep"),  # just below 1×
        ("1395.00", "relative"),  # exactly 1×: not below it
        ("1395.01", "relative"),  # just above 1×
        ("2789.99", "relative"),  # just below 2×
        ("2790.00", ""),  # exactly 2×: not in hardship
        ("2790.01", ""),  # just above 2×
        ("0.00", "deep"),
    ],
)
def test_category_at_and_around_both_thresholds(ref, per_capita, category):
    income = Decimal(per_capita) * 12
    p = propose(ref["BJ-HD-ZGC-001"], income)
    assert p.per_capita_monthly == Decimal(per_capita)
    assert p.category == category
    # the same boundaries for a household of three with rigid expenses deducted
    p3 = propose(ref["BJ-HD-ZGC-001"], income * 3 + 5000, size=3, expenses={"medical": "5000"})
    assert (p3.per_capita_monthly, p3.category) == (Decimal(per_capita), category)


def test_rounding_to_the_fen_happens_before_comparing(ref):
    # 16739.95 / 12 = 1394.9958… → shown and compared as 1395.00 → 相对困难
    p = propose(ref["BJ-CY-WJ-001"], "16739.95")
    assert p.per_capita_monthly == Decimal("1395.00")
    assert p.category == "relative"


def test_explanation_names_the_rows_and_dates_used(ref):
    p = propose(ref["BJ-HD-ZGC-001"], "30000", size=2, expenses={"medical": "6000"})
    e = p.explanation
    assert e["per_capita_monthly"] == "1000.00"
    assert e["poverty_line"]["org"] == "BJ-HD"
    assert e["poverty_line"]["valid_from"] == "2024-01-01"
    assert e["poverty_line"]["monthly_amount"] == "1395.00"
    assert e["policy"]["valid_from"] == "2024-01-01"
    assert e["thresholds"] == {"deep": "1395.00", "relative": "2790.00"}
    assert e["category"] == "deep"
    assert any("(30000.00 − 6000.00) ÷ 12 ÷ 2 人 = 1000.00" in s for s in e["steps"])
    assert "深度困难" in e["steps"][-1]


def test_dated_rows_and_district_standard_over_the_city(ref):
    hd = ref["BJ-HD"]
    PovertyLine.objects.create(
        org=hd, monthly_amount=Decimal("1450"), valid_from=datetime.date(2025, 9, 1)
    )
    HardshipPolicy.objects.create(
        valid_from=datetime.date(2025, 9, 1), relative_multiplier=Decimal("1.5")
    )
    worker_org = ref["BJ-HD-ZGC-001"]
    before = propose(worker_org, Decimal("1420") * 12, as_of=datetime.date(2025, 8, 31))
    after = propose(worker_org, Decimal("1420") * 12, as_of=datetime.date(2025, 9, 1))
    assert (before.category, before.poverty_line.monthly_amount) == ("relative", Decimal("1395"))
    assert (after.category, after.poverty_line.monthly_amount) == ("deep", Decimal("1450"))
    assert after.explanation["thresholds"]["relative"] == "2175.00"  # 1450 × 1.5
    # 朝阳 has no row from 2025-09 on: still its own 2024 row
    assert (
        propose(ref["BJ-CY-WJ-001"], "0", as_of=datetime.date(2025, 9, 2)).poverty_line.org.code
        == "BJ-CY"
    )
    # a district without any row of its own falls back to the city's standard
    PovertyLine.objects.filter(org=ref["BJ-CY"]).delete()
    assert propose(ref["BJ-CY-WJ-001"], "0").poverty_line.org.code == "BJ"


def test_no_standard_for_the_date_is_a_validation_error(ref):
    with pytest.raises(ValidationError):
        propose(ref["BJ-HD-ZGC-001"], "1000", as_of=datetime.date(2023, 12, 31))


def test_accident_category_above_the_income_lines(ref):
    org = ref["BJ-HD-ZGC-001"]
    high = Decimal("3000") * 12
    assert propose(org, high, causes=["accident"], accident=True).category == "accident"
    assert propose(org, high, causes=["disaster"], accident=True).category == "accident"
    assert propose(org, high, causes=["illness"], accident=True).category == ""  # not sudden
    assert propose(org, high, causes=["accident"], accident=False).category == ""
    # below the lines the income category wins
    assert propose(org, "1000", causes=["accident"], accident=True).category == "deep"
    # a policy cap on 意外致困
    HardshipPolicy.objects.update(accident_multiplier=Decimal("2.5"))
    assert propose(org, high, causes=["accident"], accident=True).category == "accident"
    assert (
        propose(org, Decimal("3487.49") * 12, causes=["accident"], accident=True).category
        == "accident"
    )
    assert propose(org, Decimal("3487.50") * 12, causes=["accident"], accident=True).category == ""


def test_exclusions_block_or_warn(ref):
    org = ref["BJ-HD-ZGC-001"]
    blocked = propose(org, "1000", exclusions=["two_homes"])
    assert blocked.category == "" and blocked.blocked_by == ["家庭拥有两套及以上住房"]
    warned = propose(org, "1000", exclusions=["luxury_car"])
    assert warned.category == "deep"
    assert warned.explanation["exclusions"]["warn"] == ["家庭拥有非营运机动车（残疾人代步车除外）"]
    ExclusionRule.objects.filter(code="two_homes").update(active=False)
    assert propose(org, "1000", exclusions=["two_homes"]).category == "deep"


def test_the_application_stores_its_computation(ref, hd_worker):
    app = apply(
        hd_worker, aid_officer(ref["BJ-HD"]), income="16740", members=[], expenses={"medical": "0"}
    )
    assert app.per_capita_monthly == Decimal("1395.00")
    assert app.proposed_category == "relative"
    assert app.poverty_line.org.code == "BJ-HD"
    assert app.explanation["household_size"] == 1
