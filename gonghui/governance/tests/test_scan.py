"""欠薪预警 scan: thresholds at and around their limits, grouping by employer and district,
the window, levels that only rise, and warnings after a close."""

import pytest
from stdnum.cn import uscc

from gonghui.governance import services
from gonghui.governance.models import ArrearsWarning, Level, WarningStatus
from gonghui.hotline.models import Appeal, Status

from .factories import caller, operator, rule, wage_appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def op(orgs):
    return operator(orgs)


def scan():
    return services.scan_arrears()


def test_repeated_appeals_reach_the_threshold_at_exactly_min_appeals(op):
    rule(min_appeals=3, min_workers=9)
    phone = caller()
    wage_appeal(op, phone=phone)
    wage_appeal(op, phone=phone)
    assert scan()["created"] == 0 and not ArrearsWarning.objects.exists()
    third = wage_appeal(op, phone=phone)  # the same worker calling a third time
    assert scan() == {"created": 1, "updated": 0, "escalated": 0}
    w = ArrearsWarning.objects.get()
    assert (w.level, w.status, w.appeal_count, w.worker_count) == (Level.YELLOW, "open", 3, 1)
    assert third in w.appeals.all() and w.district.code == "BJ-CY"
    assert w.employer_name == "朝阳某物流配送站"


def test_several_workers_reach_the_threshold_at_exactly_min_workers(op):
    rule(min_appeals=9, min_workers=3)
    wage_appeal(op)
    wage_appeal(op)
    assert scan()["created"] == 0
    wage_appeal(op)
    assert scan()["created"] == 1
    assert ArrearsWarning.objects.get().worker_count == 3


@pytest.mark.parametrize(("appeals", "level"), [(5, Level.YELLOW), (6, Level.ORANGE),
                                                (9, Level.ORANGE), (10, Level.RED)])  # fmt: skip
def test_levels_by_appeal_count_around_their_limits(op, appeals, level):
    rule(min_appeals=3, min_workers=99, orange_appeals=6, orange_workers=99, red_appeals=10,
         red_workers=99)  # fmt: skip
    phone = caller()
    for _ in range(appeals):
        wage_appeal(op, phone=phone)
    scan()
    assert ArrearsWarning.objects.get().level == level


def test_ten_workers_make_it_red_and_the_level_never_drops(op):
    r = rule(min_workers=2, orange_workers=5, red_workers=10, red_appeals=99, orange_appeals=99)
    for _ in range(9):
        wage_appeal(op)
    scan()
    assert ArrearsWarning.objects.get().level == Level.ORANGE
    wage_appeal(op)
    assert scan() == {"created": 0, "updated": 1, "escalated": 1}
    w = ArrearsWarning.objects.get()
    assert (w.level, w.worker_count, w.appeal_count) == (Level.RED, 10, 10)
    assert w.escalated_at is not None
    r.red_workers = r.orange_workers = 50
    r.save()
    wage_appeal(op)
    assert scan() == {"created": 0, "updated": 1, "escalated": 0}
    assert ArrearsWarning.objects.get().level == Level.RED  # stricter numbers later: no drop


def test_a_second_scan_without_new_appeals_changes_nothing(op):
    rule(min_appeals=2)
    wage_appeal(op)
    wage_appeal(op)
    scan()
    version = ArrearsWarning.objects.get().version
    assert scan() == {"created": 0, "updated": 0, "escalated": 0}
    assert ArrearsWarning.objects.get().version == version


def test_only_the_window_counts(op):
    rule(window_days=30, min_appeals=2, min_workers=9)
    phone = caller()
    wage_appeal(op, phone=phone, days_ago=31)
    wage_appeal(op, phone=phone)
    assert scan()["created"] == 0
    wage_appeal(op, phone=phone, days_ago=29)
    assert scan()["created"] == 1
    assert ArrearsWarning.objects.get().appeal_count == 2


def test_names_are_compared_normalised_and_a_known_code_joins_them(op):
    rule(min_appeals=3, min_workers=9)
    code = "91110105MA01ABCD1" + uscc.calc_check_digit("91110105MA01ABCD1")
    phone = caller()
    wage_appeal(op, phone=phone, employer_name="某某物流（北京）有限公司")
    wage_appeal(op, phone=phone, employer_name=" 某某物流(北京)有限公司")
    wage_appeal(
        op, phone=phone, employer_name="某某物流(北京)有限公司",
        employer_credit_code=code,
    )  # fmt: skip
    scan()
    w = ArrearsWarning.objects.get()
    assert w.employer_key == f"code:{code}" and w.appeal_count == 3
    assert w.employer_credit_code == code


def test_districts_employers_and_categories_are_kept_apart(op):
    rule(min_appeals=2, min_workers=9)
    phone = caller()
    wage_appeal(op, phone=phone, district="BJ-CY")
    wage_appeal(op, phone=phone, district="BJ-HD")
    wage_appeal(op, phone=phone, employer_name="另一家单位")
    wage_appeal(op, phone=phone, category="LABOR-CONTRACT")
    wage_appeal(op, phone=phone, employer_name="")  # no employer: never grouped
    wage_appeal(op, phone=phone, employer_name="")
    assert scan()["created"] == 0


def test_merged_duplicates_do_not_count(op, orgs):
    rule(min_appeals=3, min_workers=9)
    phone = caller()
    appeals = [wage_appeal(op, phone=phone) for _ in range(3)]
    Appeal.objects.filter(pk=appeals[0].pk).update(status=Status.MERGED)
    assert scan()["created"] == 0


def test_after_a_close_only_later_appeals_count(op, cy_handler):
    rule(min_appeals=2, min_workers=9)
    phone = caller()
    wage_appeal(op, phone=phone)
    wage_appeal(op, phone=phone)
    scan()
    first = ArrearsWarning.objects.get()
    services.act(user=cy_handler, warning_id=first.pk, action="close", note="已协调支付")
    assert scan()["created"] == 0  # the closed warning's appeals are spent
    wage_appeal(op, phone=phone)
    assert scan()["created"] == 0  # one new appeal: below the threshold
    wage_appeal(op, phone=phone)
    assert scan()["created"] == 1
    second = ArrearsWarning.objects.get(status=WarningStatus.OPEN)
    assert second.appeal_count == 2 and second.pk != first.pk


def test_no_active_rule_raises_nothing(op):
    rule(min_appeals=1).delete()
    wage_appeal(op)
    assert scan() == {"created": 0, "updated": 0, "escalated": 0}


@pytest.mark.parametrize(
    ("a", "b"),
    [("某某物流（北京）有限公司", "某某物流(北京)有限公司"), ("ＡＢＣ 公司", "abc公司"),
     ("朝阳·配送站", "朝阳配送站")],
)  # fmt: skip
def test_normalise_name(a, b):
    assert services.normalise_name(a) == services.normalise_name(b) != ""
