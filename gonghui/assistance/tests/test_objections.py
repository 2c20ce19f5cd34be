"""Objections during 公示: the public form (no login, phone required and encrypted, rate
limited, only inside the window) for hardship applications and for a campaign's list; staff
recording and resolution, with scope, audit and what an open objection holds."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from gonghui.assistance.campaigns import payments as campaign_payments
from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import (
    Application,
    Beneficiary,
    BeneficiaryStatus,
    Campaign,
    CampaignObjection,
    FileEvent,
    Objection,
    State,
)
from gonghui.core.models import AuditLog
from gonghui.people.tests.factories import bearer, make_worker

from .campaign_factories import CAPI, approve, make_campaign, officer, opened, registered
from .factories import aid_officer, apply, end_publicity, step

pytestmark = pytest.mark.django_db

_ip = itertools.count(1)
_phone = itertools.count(1)


def visitor() -> Client:
    """An anonymous phone on its own address (the rate-limit counters live in the cache)."""
    return Client(REMOTE_ADDR=f"198.51.100.{next(_ip) % 250 + 1}")


def phone() -> str:
    return f"1370000{next(_phone):04d}"


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.PUBLIC_RATE_LIMITS = {
        "assistance.objection": {"ip": (100, 3600), "target": (100, 3600)}
    }


@pytest.fixture
def in_publicity(orgs):
    """An approved 海淀 送温暖 whose list is in 公示, two people on the 中关村 list:
    (campaign, district officer, [beneficiaries])."""
    hd = officer(orgs["BJ-HD"], f"obj_hd_{next(_ip)}")
    for income in ("10000", "24000"):
        registered(make_worker(orgs["BJ-HD-ZGC-001"]), hd, income=income)
    c = opened(make_campaign(hd, orgs["BJ-HD"], requires_publicity=True), hd)
    campaigns.generate_list(user=hd, campaign_id=c.pk, org_code="BJ-HD-ZGC")
    approve(c, officer(orgs["BJ"], f"obj_city_{next(_ip)}"))
    c.refresh_from_db()
    assert c.publicity_start == timezone.localdate() and c.publicity_end > c.publicity_start
    return c, hd, list(c.beneficiaries.order_by("id"))


def end_campaign_publicity(c) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Campaign.objects.filter(pk=c.pk).update(
        publicity_start=yesterday - datetime.timedelta(days=7), publicity_end=yesterday
    )


def objection_url(b) -> str:
    return f"/assistance/notice/campaigns/people/{b.pk}/objection/"


def stored_phone_column(model, pk) -> str:
    """The column as stored, before the field decrypts it."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT contact_phone FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cur.fetchone()[0]


# --- campaigns: the public side ---------------------------------------------------------------


def test_the_public_notice_lists_the_campaign_and_takes_an_objection(in_publicity):
    c, _hd, (b, _other) = in_publicity
    client, number = visitor(), phone()
    notice = client.get("/assistance/notice/")
    assert notice.status_code == 200 and c.title in notice.content.decode()
    listing = client.get(f"/assistance/notice/campaigns/{c.pk}/").content.decode()
    assert b.masked_name in listing and b.name not in listing
    assert objection_url(b) in listing
    form = client.get(objection_url(b))
    assert form.status_code == 200 and b.name not in form.content.decode()
    response = client.post(
        objection_url(b),
        {"content": "此人家中开有商铺", "raised_by": "老邻居", "contact_phone": number},
    )
    assert response.status_code == 200 and "异议已提交" in response.content.decode()
    obj = CampaignObjection.objects.get()
    assert (obj.beneficiary, obj.public, obj.recorded_by) == (b, True, None)
    assert (
        obj.contact_phone == number
        and obj.masked_contact_phone == number[:3] + "****" + number[-4:]
    )
    assert number not in stored_phone_column(CampaignObjection, obj.pk)  # encrypted at rest
    assert obj.contact_phone_hash and obj.status == "open"


def test_the_public_form_requires_a_phone_and_the_text(in_publicity):
    _c, _hd, (b, _other) = in_publicity
    response = visitor().post(objection_url(b), {"content": "", "contact_phone": "12345"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "请填写异议内容" in text and "手机号应为以1开头的11位数字" in text
    missing = visitor().post(objection_url(b), {"content": "有车"})
    assert missing.status_code == 400 and "请填写手机号" in missing.content.decode()
    assert not CampaignObjection.objects.exists()


def test_outside_the_window_the_public_form_is_refused(in_publicity):
    c, hd, (b, _other) = in_publicity
    end_campaign_publicity(c)
    response = visitor().post(objection_url(b), {"content": "有车", "contact_phone": phone()})
    assert response.status_code == 409
    assert "该活动名单不在公示期内，不能提出异议" in response.content.decode()
    assert visitor().get(f"/assistance/notice/campaigns/{c.pk}/").status_code == 404
    # staff cannot record one after the window either
    with pytest.raises(campaigns.Conflict):
        from gonghui.assistance.campaigns import objections as campaign_objections

        campaign_objections.record_objection(beneficiary_id=b.pk, data={"content": "有车"}, user=hd)
    assert not CampaignObjection.objects.exists()


def test_people_never_on_a_public_list_are_absent(orgs):
    hd = officer(orgs["BJ-HD"], "obj_hd_nopub")
    registered(make_worker(orgs["BJ-HD-ZGC-001"]), hd, income="10000")
    c = opened(make_campaign(hd, orgs["BJ-HD"]), hd)  # no 公示 required
    campaigns.generate_list(user=hd, campaign_id=c.pk, org_code="BJ-HD")
    b = c.beneficiaries.get()
    assert visitor().get(objection_url(b)).status_code == 404
    assert visitor().post(objection_url(b), {"content": "x"}).status_code == 404


def test_the_public_form_is_rate_limited(in_publicity, settings):
    settings.PUBLIC_RATE_LIMITS = {"assistance.objection": {"ip": (100, 3600), "target": (2, 3600)}}
    _c, _hd, (b, other) = in_publicity
    number = phone()
    for target in (b, other):
        ok = visitor().post(objection_url(target), {"content": "有车", "contact_phone": number})
        assert ok.status_code == 200
    too_many = visitor().post(objection_url(b), {"content": "有车", "contact_phone": number})
    assert too_many.status_code == 429
    assert 0 < int(too_many["Retry-After"]) <= 3600
    assert "操作过于频繁" in too_many.content.decode()
    assert CampaignObjection.objects.count() == 2


# --- campaigns: staff -------------------------------------------------------------------------


def test_staff_record_and_the_organiser_resolves(client, in_publicity, orgs):
    c, hd, (b, other) = in_publicity
    street = officer(orgs["BJ-HD-ZGC"], "obj_street")
    client.force_login(street)
    act = f"/console/assistance/campaigns/{c.pk}/act/"
    response = client.post(
        act,
        {"what": "objection", "beneficiary": b.pk, "content": "来信：家中有商铺"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["异议已记录，处理前暂停向此人发放"]
    obj = CampaignObjection.objects.get()
    assert obj.recorded_by == street and not obj.public
    # the street union lists people but the organiser (the district) decides
    refused = client.post(
        act, {"what": "resolve_objection", "objection": obj.pk, "upheld": "1", "resolution": "x"}
    )
    assert refused.status_code == 403
    client.force_login(hd)
    page = client.get(f"/console/assistance/campaigns/{c.pk}/").content.decode()
    assert "来信：家中有商铺" in page and "处理异议" in page
    empty = client.post(act, {"what": "resolve_objection", "objection": obj.pk, "upheld": "1"})
    assert empty.status_code == 400 and "请填写核查情况" in empty.content.decode()
    done = client.post(
        act,
        {
            "what": "resolve_objection",
            "objection": obj.pk,
            "upheld": "1",
            "resolution": "经核实经营商铺",
        },
        follow=True,
    )
    assert [str(m) for m in done.context["messages"]] == ["异议成立，已将此人移出名单"]
    b.refresh_from_db()
    assert b.status == BeneficiaryStatus.REMOVED
    assert b.removed_reason == "公示异议成立：经核实经营商铺"
    audited = AuditLog.objects.filter(action="state_change")
    assert audited.filter(object_type="assistance.campaignobjection", reason="open→upheld").exists()
    assert audited.filter(object_type="assistance.beneficiary", reason="approved→removed").exists()
    again = client.post(
        act, {"what": "resolve_objection", "objection": obj.pk, "upheld": "0", "resolution": "x"}
    )
    assert again.status_code == 409
    # dismissed: recorded with the finding, the person stays
    second = visitor().post(objection_url(other), {"content": "有车", "contact_phone": phone()})
    assert second.status_code == 200
    obj2 = CampaignObjection.objects.get(beneficiary=other)
    response = client.post(
        f"{CAPI}/objections/{obj2.pk}/resolve",
        {"upheld": False, "resolution": "车辆为残疾人代步车"},
        content_type="application/json",
        **bearer(hd),
    )
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    other.refresh_from_db()
    assert other.status == BeneficiaryStatus.APPROVED
    listed = client.get(f"{CAPI}/{c.pk}/objections", **bearer(hd)).json()["results"]
    assert [o["status"] for o in listed] == ["upheld", "dismissed"]
    assert listed[1]["contact_phone"].count("*") == 4 and listed[1]["public"] is True


def test_objections_are_scoped(client, in_publicity, orgs):
    c, _hd, (b, _other) = in_publicity
    visitor().post(objection_url(b), {"content": "有车", "contact_phone": phone()})
    obj = CampaignObjection.objects.get()
    cy = officer(orgs["BJ-CY"], "obj_cy")
    assert client.get(f"{CAPI}/{c.pk}/objections", **bearer(cy)).status_code == 404
    resolve = client.post(
        f"{CAPI}/objections/{obj.pk}/resolve",
        {"upheld": True, "resolution": "x"},
        content_type="application/json",
        **bearer(cy),
    )
    assert resolve.status_code == 404
    record = client.post(
        f"{CAPI}/beneficiaries/{b.pk}/objections",
        {"content": "x"},
        content_type="application/json",
        **bearer(cy),
    )
    assert record.status_code == 404
    sibling = officer(orgs["BJ-HD-SD"], "obj_sd")  # sees the campaign, not 中关村's list
    assert client.get(f"{CAPI}/{c.pk}/objections", **bearer(sibling)).json()["results"] == []
    Beneficiary.objects.get(pk=b.pk)  # unchanged
    assert CampaignObjection.objects.get().status == "open"


def test_an_open_objection_holds_the_money(in_publicity):
    c, hd, (b, other) = in_publicity
    visitor().post(objection_url(b), {"content": "有车", "contact_phone": phone()})
    for person in (b, other):
        campaigns.update_beneficiary(
            user=hd, beneficiary_id=person.pk, data={"account": "6222021234567890123"}
        )
    end_campaign_publicity(c)
    out = campaign_payments.issue_payments(user=hd, campaign_id=c.pk)
    assert (out["issued"], out["objected"]) == (1, 1)
    assert not b.payments.exists() and other.payments.exists()
    with pytest.raises(campaigns.Conflict, match="未处理的公示异议"):
        campaigns.record_delivery(
            user=hd,
            beneficiary_id=b.pk,
            data={
                "items": [{"name": "米", "quantity": 1, "value": 50}],
                "delivered_on": "2026-01-05",
            },
        )


# --- hardship files: the public form feeds the same service -----------------------------------


@pytest.fixture
def file_in_publicity(orgs):
    hd_aid = aid_officer(orgs["BJ-HD"], f"obj_file_aid_{next(_ip)}")
    app = apply(make_worker(orgs["BJ-HD-ZGC-001"]), hd_aid, income="12000")
    step(app, hd_aid, "verify")
    step(app, hd_aid, "approve")
    return Application.objects.get(pk=app.pk), hd_aid


def test_a_hardship_objection_from_the_public_page(client, file_in_publicity):
    app, hd_aid = file_in_publicity
    url = f"/assistance/notice/applications/{app.pk}/objection/"
    assert url in visitor().get("/assistance/notice/").content.decode()
    number = phone()
    response = visitor().post(url, {"content": "家里有两套房", "contact_phone": number})
    assert response.status_code == 200 and "异议已提交" in response.content.decode()
    obj = Objection.objects.get(application=app)
    assert obj.public and obj.recorded_by is None and obj.contact_phone == number
    assert number not in stored_phone_column(Objection, obj.pk)
    assert FileEvent.objects.filter(file=app.file, action="objection").exists()
    client.force_login(hd_aid)
    page = client.get(f"/console/assistance/{app.file_id}/").content.decode()
    assert "家里有两套房" in page and obj.masked_contact_phone in page and number not in page
    # resolved by the same flow as a staff-typed one
    done = client.post(
        f"/console/assistance/{app.file_id}/act/",
        {"what": "resolve", "objection": obj.pk, "upheld": "1", "resolution": "经核实属实"},
        follow=True,
    )
    assert [str(m) for m in done.context["messages"]] == ["异议成立，申请已驳回"]
    app.refresh_from_db()
    assert app.state == State.REJECTED


def test_a_hardship_objection_outside_the_window_is_refused(file_in_publicity):
    app, _hd_aid = file_in_publicity
    end_publicity(app)
    url = f"/assistance/notice/applications/{app.pk}/objection/"
    response = visitor().post(url, {"content": "有车", "contact_phone": phone()})
    assert response.status_code == 409 and "公示期已结束" in response.content.decode()
    Application.objects.filter(pk=app.pk).update(state=State.DONE)
    assert visitor().get(url).status_code == 404
    assert not Objection.objects.exists()


def test_hardship_public_objections_are_rate_limited(file_in_publicity, settings):
    settings.PUBLIC_RATE_LIMITS = {"assistance.objection": {"ip": (2, 3600), "target": (100, 3600)}}
    app, _hd_aid = file_in_publicity
    url = f"/assistance/notice/applications/{app.pk}/objection/"
    client = visitor()
    for _ in range(2):
        assert client.post(url, {"content": "有车", "contact_phone": phone()}).status_code == 200
    assert client.post(url, {"content": "有车", "contact_phone": phone()}).status_code == 429
    assert Objection.objects.count() == 2


def test_deleting_a_worker_clears_their_decided_objections_contact(in_publicity, orgs):
    from gonghui.assistance.campaigns import objections as campaign_objections
    from gonghui.people import auth, deletion
    from gonghui.people.tests.factories import make_staff

    _c, hd, (b, other) = in_publicity
    me = make_worker(orgs["BJ-HD-HD-001"], name="周异议")
    for target in (b, other):
        visitor().post(
            objection_url(target),
            {"content": "有车", "raised_by": "周异议", "contact_phone": me.phone},
        )
    decided, still_open = CampaignObjection.objects.order_by("id")
    campaign_objections.resolve_objection(
        user=hd, objection_id=decided.pk, upheld=False, resolution="车辆为代步车"
    )
    req = deletion.request_deletion(auth.sign_in_worker(me.phone), "")
    deletion.review(
        user=make_staff("obj_del", orgs["BJ-HD"], "social_worker"),
        request_id=req.pk,
        action="anonymise",
    )
    decided.refresh_from_db()
    still_open.refresh_from_db()
    assert (decided.contact_phone, decided.contact_phone_hash, decided.raised_by) == ("", "", "")
    assert decided.content == "有车" and decided.resolution == "车辆为代步车"
    assert still_open.raised_by == "周异议" and still_open.contact_phone_hash  # still to answer
