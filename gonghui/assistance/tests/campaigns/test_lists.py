"""Campaign lists: generation from the target rules over a known registry, de-duplication
across the federation (refused + reported), cross-campaign report, approval one level up."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.assistance.campaigns import selectors as sel
from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import BeneficiaryStatus, ListConflict
from gonghui.assistance.services import Conflict
from gonghui.partners.tests.factories import bad_check_digit, credit_code
from gonghui.people.demo import fake_id_number
from gonghui.people.tests.factories import make_worker

from ..campaign_factories import approve, make_campaign, officer, opened, registered
from ..factories import aid_officer, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(orgs):
    """HD: a deep file, a relative file, an applying file, a worker without a file;
    CY: a deep file."""
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    hd = [make_worker(orgs["BJ-HD-ZGC-001"], name=f"海淀{i}") for i in range(4)]
    cy = make_worker(orgs["BJ-CY-WJ-001"], name="朝阳甲")
    deep = registered(hd[0], hd_aid, income="10000")
    relative = registered(hd[1], hd_aid, income="24000")
    apply(hd[2], hd_aid, income="10000")
    cy_file = registered(cy, cy_aid, income="10000")
    assert (deep.category, relative.category, cy_file.category) == ("deep", "relative", "deep")
    return {"hd_aid": hd_aid, "cy_aid": cy_aid, "hd": hd, "cy": cy}


def test_generate_from_rules_on_a_known_registry(orgs, people):
    city = officer(orgs["BJ"], "bj_aid")
    c = make_campaign(city, orgs["BJ"], rules={"categories": ["deep"]})
    opened(c, city)
    r = campaigns.generate_list(user=people["hd_aid"], campaign_id=c.pk, org_code="BJ-HD")
    assert r == {"added": 1, "already_listed": 0, "other_list": 0, "without_standard": 0}
    b = c.beneficiaries.get()
    assert (b.name, b.org.code, b.standard.key, b.amount) == ("海淀0", "BJ-HD", "deep", 3000)
    assert b.person_hash == people["hd"][0].id_number_hash
    # running it again adds nothing
    r = campaigns.generate_list(user=people["hd_aid"], campaign_id=c.pk, org_code="BJ-HD")
    assert r["added"] == 0 and r["already_listed"] == 1
    # all categories, both districts: HD deep + relative, CY deep; never the applying file
    c2 = make_campaign(city, orgs["BJ"])
    opened(c2, city)
    campaigns.generate_list(user=people["hd_aid"], campaign_id=c2.pk, org_code="BJ-HD")
    campaigns.generate_list(user=people["cy_aid"], campaign_id=c2.pk, org_code="BJ-CY")
    got = sorted((b.name, b.standard.key, b.amount) for b in c2.beneficiaries.all())
    assert got == [
        ("朝阳甲", "deep", Decimal("3000.00")),
        ("海淀0", "deep", Decimal("3000.00")),
        ("海淀1", "relative", Decimal("2000.00")),
    ]
    # an officer cannot generate another district's list
    with pytest.raises(ValidationError):
        campaigns.generate_list(user=people["cy_aid"], campaign_id=c2.pk, org_code="BJ-HD")


def test_employment_form_and_enterprise_rules_over_workers(orgs):
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    code = credit_code()
    w1 = make_worker(orgs["BJ-HD-ZGC-001"], employment_form="food_delivery")
    make_worker(orgs["BJ-HD-ZGC-001"], employment_form="courier")
    w3 = make_worker(
        orgs["BJ-HD-ZGC-001"],
        employment_form="standard",
        employer_credit_code=code,
        employer_name="某科技公司",
    )
    c = make_campaign(
        hd_aid,
        orgs["BJ-HD"],
        kind="cooling",
        rules={"population": "workers", "employment_forms": ["food_delivery"]},
        standards=[{"key": "default", "label": "清凉包", "amount": "100"}],
    )
    opened(c, hd_aid)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    assert [b.worker_id for b in c.beneficiaries.all()] == [w1.pk]
    c = make_campaign(
        hd_aid,
        orgs["BJ-HD"],
        kind="cooling",
        rules={"population": "workers", "enterprises": [code]},
        standards=[{"key": "default", "label": "清凉包", "amount": "100"}],
    )
    opened(c, hd_aid)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    assert [b.worker_id for b in c.beneficiaries.all()] == [w3.pk]
    with pytest.raises(ValidationError) as exc:
        make_campaign(hd_aid, orgs["BJ-HD"], rules={"enterprises": [bad_check_digit(code)]})
    assert "target_rules" in exc.value.message_dict


def test_schooling_children_get_a_suggested_level_and_need_proof(orgs):
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    w = make_worker(orgs["BJ-HD-ZGC-001"])

    def child(name, birth, n):
        return {
            "name": name,
            "relation": "child",
            "id_number": fake_id_number("110108", birth, n, "F"),
        }

    kids = [
        child("大学生", datetime.date(2003, 3, 1), 11),  # 18 on 2021-09-01
        child("高中生", datetime.date(2005, 3, 1), 12),  # 16
        child("小学生", datetime.date(2012, 3, 1), 13),  # 9, no spouse in file: single parent
    ]
    registered(w, hd_aid, income="10000", members=kids)
    city = officer(orgs["BJ"], "bj_aid")
    c = make_campaign(
        city,
        orgs["BJ"],
        kind="schooling",
        year=2021,
        rules={"population": "children"},
        requires_publicity=True,
    )
    opened(c, city)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    got = {b.name: (b.standard.key, b.amount) for b in c.beneficiaries.all()}
    assert got == {
        "大学生": ("college", Decimal("12450.00")),
        "高中生": ("high_school", Decimal("4000.00")),
        "小学生": ("single_parent_preschool_to_lower_secondary", Decimal("3000.00")),
    }
    approver = officer(orgs["BJ"], "bj_approver")
    with pytest.raises(ValidationError, match="证明材料"):
        approve(c, approver)
    for b in c.beneficiaries.all():
        campaigns.update_beneficiary(
            user=hd_aid, beneficiary_id=b.pk, data={"proof_received": True}
        )
    c = approve(c, approver)
    assert c.status == "approved" and c.publicity_end > c.publicity_start
    assert set(c.beneficiaries.values_list("status", flat=True)) == {"approved"}


def test_same_person_is_refused_anywhere_in_the_federation_and_reported(orgs, people):
    city = officer(orgs["BJ"], "bj_aid")
    c = make_campaign(city, orgs["BJ"])
    opened(c, city)
    target = people["hd"][0]
    b = campaigns.add_beneficiary(
        user=people["hd_aid"],
        campaign_id=c.pk,
        data={"org": "BJ-HD", "worker_id": target.pk, "standard": "deep"},
    )
    # the same person, typed in by ID number on the 朝阳 list: refused and reported, but 朝阳
    # (outside 海淀) learns nothing about the 海淀 list: no union, status or name
    with pytest.raises(campaigns.DuplicateBeneficiary) as exc:
        campaigns.add_beneficiary(
            user=people["cy_aid"],
            campaign_id=c.pk,
            data={"org": "BJ-CY", "name": target.name, "id_number": target.id_number},
        )
    assert exc.value.where() == {} and "其他工会" in str(exc.value)
    assert orgs["BJ-HD"].name not in str(exc.value)
    conflict = ListConflict.objects.get()
    assert (conflict.existing_id, conflict.attempted_org.code) == (b.pk, "BJ-CY")
    assert [(x, x.existing_visible) for x in sel.list_conflicts(people["cy_aid"], c)] == [
        (conflict, False)
    ]
    assert [(x, x.existing_visible) for x in sel.list_conflicts(people["hd_aid"], c)] == [
        (conflict, True)
    ]
    # the federation's officer, who sees every list, is told where
    with pytest.raises(campaigns.DuplicateBeneficiary) as exc:
        campaigns.add_beneficiary(
            user=city,
            campaign_id=c.pk,
            data={"org": "BJ-CY", "name": target.name, "id_number": target.id_number},
        )
    assert exc.value.where()["org"] == "BJ-HD"
    ListConflict.objects.exclude(pk=conflict.pk).delete()
    # generating the 朝阳 list never takes them either (they are not in 朝阳's registry anyway)
    # and the same list twice is refused without a cross-list report
    with pytest.raises(campaigns.DuplicateBeneficiary):
        campaigns.add_beneficiary(
            user=people["hd_aid"], campaign_id=c.pk, data={"org": "BJ-HD", "worker_id": target.pk}
        )
    assert ListConflict.objects.count() == 1
    # a removed listing frees the person for another list
    campaigns.update_beneficiary(
        user=people["hd_aid"], beneficiary_id=b.pk, data={"remove": True, "reason": "已调离"}
    )
    again = campaigns.add_beneficiary(
        user=people["cy_aid"],
        campaign_id=c.pk,
        data={"org": "BJ-CY", "name": target.name, "id_number": target.id_number},
    )
    assert again.status == BeneficiaryStatus.PROPOSED
    assert c.beneficiaries.exclude(status="removed").count() == 1


def test_person_in_two_campaigns_of_the_same_kind_and_year_is_reported(orgs, people):
    city = officer(orgs["BJ"], "bj_aid")
    a = make_campaign(city, orgs["BJ"], title="市总送温暖")
    b = make_campaign(people["hd_aid"], orgs["BJ-HD"], title="海淀送温暖")
    other_year = make_campaign(people["hd_aid"], orgs["BJ-HD"], year=2025)
    for c, who in ((a, city), (b, people["hd_aid"]), (other_year, people["hd_aid"])):
        opened(c, who)
        campaigns.generate_list(user=people["hd_aid"], campaign_id=c.pk, org_code="BJ-HD")
    report = sel.cross_campaign_duplicates(people["hd_aid"], kind="warmth", year=2026)
    assert len(report) == 2  # 海淀0 and 海淀1, each in both 2026 campaigns
    assert {x["campaign"] for x in report[0]["listings"]} == {"市总送温暖", "海淀送温暖"}
    assert report[0]["name"].endswith("*")
    assert sel.cross_campaign_duplicates(people["cy_aid"], kind="warmth", year=2026) == []


def test_approval_only_by_the_organisers_superior(orgs, people):
    hd_aid = people["hd_aid"]
    c = make_campaign(hd_aid, orgs["BJ-HD"])
    with pytest.raises(Conflict):
        approve(c, hd_aid)  # not open yet
    c = opened(c, hd_aid)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    other_hd = aid_officer(orgs["BJ-HD"], "hd_aid2")
    for user in (hd_aid, other_hd):
        with pytest.raises(PermissionDenied):
            approve(c, user)
    with pytest.raises(Http404):  # 朝阳 does not even see 海淀's campaign
        approve(c, people["cy_aid"])
    assert campaigns.allowed_actions(hd_aid, c) == []
    city = officer(orgs["BJ"], "bj_aid")
    assert campaigns.allowed_actions(city, c) == ["approve"]
    c = approve(c, city)
    assert (c.status, c.approved_by) == ("approved", city)
    # lists are frozen after approval
    b = c.beneficiaries.first()
    with pytest.raises(Conflict):
        campaigns.update_beneficiary(
            user=hd_aid, beneficiary_id=b.pk, data={"standard": "relative"}
        )
    # the city's own campaign: approved at the city, never by its creator
    cc = make_campaign(city, orgs["BJ"])
    opened(cc, city)
    campaigns.generate_list(user=hd_aid, campaign_id=cc.pk, org_code="BJ-HD")
    with pytest.raises(PermissionDenied):
        approve(cc, city)
    assert approve(cc, officer(orgs["BJ"], "bj_aid2")).status == "approved"
    with pytest.raises(ValidationError):
        empty = make_campaign(city, orgs["BJ"])
        approve(opened(empty, city), officer(orgs["BJ"], "bj_aid3"))
