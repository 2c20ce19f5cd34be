"""Plan rules: items bound to indicators, shares that add up, the lock and revisions, and
manual figures with evidence and an approver."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.people.tests.factories import make_staff
from gonghui.plans import selectors, services
from gonghui.plans.models import FigureStatus, PlanStatus

from .factories import make_item, make_plan, planner
from .world import Y, build

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def png(name="evidence.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def city(orgs):
    return planner(orgs["BJ"], "city_planner")


def test_a_plan_is_one_per_org_and_year(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    assert "2025" in plan.title and plan.status == PlanStatus.DRAFT
    with pytest.raises(ValidationError) as exc:
        make_plan(city, orgs["BJ"])
    assert "year" in exc.value.message_dict


def test_an_item_needs_a_known_indicator_or_a_named_manual_one(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    with pytest.raises(ValidationError) as exc:
        make_item(city, plan, indicator="no_such", target="-1", theme="x")
    assert {"indicator", "target", "theme"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        make_item(city, plan, indicator="", manual_name="")
    assert {"manual_name", "manual_unit"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        make_item(city, plan, indicator="appeals_satisfaction_rate", target="95")
    assert "0.95" in exc.value.message_dict["target"][0]
    assert make_item(city, plan, indicator="", manual_name="培训社工", manual_unit="人").is_manual


def test_shares_must_add_up_to_the_parent_target(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, target="10")
    with pytest.raises(ValidationError) as exc:
        services.split_item(user=city, item=item, shares={"BJ-CY": "6", "BJ-HD": "3"})
    message = exc.value.message_dict["shares"][0]
    assert "9" in message and "10" in message
    assert not item.shares.exists()  # nothing half-saved
    shares = services.split_item(user=city, item=item, shares={"BJ-CY": "6", "BJ-HD": "4"})
    assert sorted(s.target for s in shares) == [4, 6]
    # changing the parent's target later must keep the shares consistent
    with pytest.raises(ValidationError):
        services.update_item(user=city, item=item, data={"target": "12"})
    item.refresh_from_db()
    assert item.target == 10


def test_shares_only_go_down_the_tree(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, org="BJ-CY", target="2")
    with pytest.raises(ValidationError) as exc:
        services.split_item(user=city, item=item, shares={"BJ-HD": "2"})
    assert "shares.BJ-HD" in exc.value.message_dict


def test_rate_targets_are_per_org_not_summed(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, indicator="appeals_closure_rate", target="0.98")
    shares = services.split_item(user=city, item=item, shares={"BJ-CY": "0.98", "BJ-HD": "0.99"})
    assert len(shares) == 2


def test_a_published_plan_is_locked_and_changes_through_revisions(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, target="10")
    plan = services.transition(user=city, plan=plan, action="publish")
    assert plan.status == PlanStatus.PUBLISHED
    with pytest.raises(ValidationError) as exc:
        services.update_item(user=city, item=item, data={"target": "11"})
    assert "修订" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        make_item(city, plan)
    with pytest.raises(ValidationError) as exc:
        services.transition(user=city, plan=plan, action="revise", reason="")
    assert "reason" in exc.value.message_dict
    plan = services.transition(user=city, plan=plan, action="revise", reason="区级任务调整")
    services.update_item(user=city, item=item, data={"target": "12"})
    plan = services.transition(user=city, plan=plan, action="publish")
    history = list(plan.revisions.order_by("number"))
    assert [(r.number, r.reason) for r in history] == [(0, "首次发布"), (1, "区级任务调整")]
    assert history[0].items[0]["target"] == "10" and history[1].items[0]["target"] == "12"


def test_only_the_plans_union_may_change_it(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    cy_admin = planner(orgs["BJ-CY"], "cy_planner")
    leader = make_staff("bj_leader", orgs["BJ"], "leader")
    for user in (cy_admin, leader):
        with pytest.raises(PermissionDenied):
            make_item(user, plan)
        with pytest.raises(PermissionDenied):
            services.transition(user=user, plan=plan, action="publish")
    with pytest.raises(ValidationError) as exc:
        make_plan(leader, orgs["BJ"], year=2026)
    assert "org" in exc.value.message_dict


def test_manual_figures_need_evidence_and_count_once_approved(orgs, city):
    plan = make_plan(city, orgs["BJ"])
    item = make_item(
        city, plan, indicator="", manual_name="培训社工", manual_unit="人", target="100"
    )
    services.split_item(user=city, item=item, shares={"BJ-CY": "60", "BJ-HD": "40"})
    share = item.shares.get(org__code="BJ-CY")
    reporter = make_staff("cy_reporter", orgs["BJ-CY"], "social_worker")
    data = {"value": "25", "achieved_on": "2025-03-02"}
    with pytest.raises(ValidationError) as exc:
        services.submit_figure(user=reporter, item=share, data=data, evidence=None)
    assert "evidence" in exc.value.message_dict
    bad = SimpleUploadedFile("x.png", b"not an image")
    with pytest.raises(ValidationError) as exc:
        services.submit_figure(user=reporter, item=share, data=data, evidence=bad)
    assert "evidence" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.submit_figure(
            user=reporter, item=item.shares.get(org__code="BJ-HD"), data=data, evidence=png()
        )
    figure = services.submit_figure(user=reporter, item=share, data=data, evidence=png())
    assert selectors.actual(item) == 0  # not approved yet
    with pytest.raises(PermissionDenied):
        services.decide_figure(user=reporter, figure=figure, approve=True)
    with pytest.raises(ValidationError):
        services.decide_figure(user=city, figure=figure, approve=False)  # no reason
    figure = services.decide_figure(user=city, figure=figure, approve=True)
    assert figure.status == FigureStatus.APPROVED
    assert selectors.actual(item) == 25 and selectors.actual(share) == 25
    assert selectors.monthly(item)[2] == 25
    with pytest.raises(ValidationError):
        services.decide_figure(user=city, figure=figure, approve=False, note="重复")


def test_live_items_read_the_indicator_and_flag_lagging_shares(orgs, city):
    build(orgs)
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, target="4")
    services.split_item(user=city, item=item, shares={"BJ-CY": "2", "BJ-HD": "2"})
    p = selectors.progress(item, with_months=True, today=datetime.date(Y + 1, 1, 1))
    assert p.actual == 3 and p.ratio == 0.75 and p.lagging
    assert p.months[2] == 2  # CY and HD each opened one in March
    lagging = {s.item.org.code: s.lagging for s in p.shares}
    assert lagging == {"BJ-CY": False, "BJ-HD": True}
    services.transition(user=city, plan=plan, action="publish")
    rows = selectors.plan_progress(orgs["BJ"], Y, today=datetime.date(Y + 1, 1, 1))
    assert rows[0]["lagging_orgs"] == ["海淀区总工会"] and rows[0]["actual"] == 3
    assert rows[0]["target"] == Decimal("4")


def test_pace_makes_an_early_count_not_lagging():
    assert not selectors.is_lagging("count", 5, Decimal(10), 0.4)
    assert selectors.is_lagging("count", 3, Decimal(10), 0.4)
    assert selectors.is_lagging("rate", 0.9, Decimal("0.95"), 0.1)
    assert selectors.elapsed_share(2025, datetime.date(2025, 1, 1)) == 0
    assert selectors.elapsed_share(2025, datetime.date(2026, 2, 1)) == 1
