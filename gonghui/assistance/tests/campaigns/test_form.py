"""新建/编辑帮扶活动 in the console (and PATCH in the API): the same service rules, field
errors in Chinese, scope, what each status still lets change."""

from decimal import Decimal

import pytest

from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import Campaign, CampaignStatus
from gonghui.core.models import AuditLog
from gonghui.partners.tests.factories import make_partner
from gonghui.people.tests.factories import bearer, make_staff, make_worker

from ..campaign_factories import CAPI, approve, make_campaign, officer, opened, registered

pytestmark = pytest.mark.django_db

NEW = "/console/assistance/campaigns/new/"


def form_data(org_code="BJ-HD", **overrides) -> dict:
    data = {
        "kind": "warmth",
        "year": "2026",
        "title": "2026年海淀送温暖",
        "organiser": org_code,
        "requires_publicity": "on",
        "publicity_days": "5",
        "description": "春节前慰问",
        "population": "files",
        "categories": ["deep", "relative"],
        "enterprises": "",
        "std-count": "3",
        "std-0-key": "deep",
        "std-0-label": "深度困难",
        "std-0-amount": "3,000",
        "std-1-key": "relative",
        "std-1-label": "相对困难",
        "std-1-amount": "2000",
        "std-1-needs_proof": "1",
        "std-1-proof_label": "收入证明",
        "bud-count": "3",
        "bud-0-source": "union_funds",
        "bud-0-amount": "100000",
        "bud-1-source": "union_funds",
        "bud-1-amount": "",
    }
    data.update(overrides)
    return data


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_an_aid_officer_creates_a_campaign_from_the_console(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd")
    partner = make_partner(orgs["BJ-HD"], name="京东物流")
    client.force_login(hd)
    page = client.get("/console/assistance/campaigns/")
    assert NEW in page.content.decode()
    assert client.get(NEW).status_code == 200
    data = form_data(
        **{
            "bud-1-source": "partner_donation",
            "bud-1-amount": "50000",
            "bud-1-partner": "京东物流",
            "bud-1-note": "年货",
        }
    )
    response = client.post(NEW, data, follow=True)
    c = Campaign.objects.get(title="2026年海淀送温暖")
    assert response.redirect_chain[-1][0] == f"/console/assistance/campaigns/{c.pk}/"
    assert messages_on(response) == ["已创建帮扶活动“2026年海淀送温暖”（草稿）"]
    assert c.status == CampaignStatus.DRAFT and c.organiser == orgs["BJ-HD"]
    assert c.requires_publicity and c.publicity_days == 5 and c.created_by == hd
    assert c.target_rules["categories"] == ["deep", "relative"]
    std = {s.key: s for s in c.standards.all()}
    assert std["deep"].amount == Decimal("3000.00") and not std["deep"].needs_proof
    assert std["relative"].needs_proof and std["relative"].proof_label == "收入证明"
    lines = list(c.budget_lines.order_by("id"))
    assert [(b.source, b.amount, b.partner_id) for b in lines] == [
        ("union_funds", Decimal("100000.00"), None),
        ("partner_donation", Decimal("50000.00"), partner.pk),
    ]
    assert "编辑活动" in response.content.decode()


def test_an_aid_officer_cannot_organise_above_their_scope(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_scope")
    client.force_login(hd)
    response = client.post(NEW, form_data("BJ"))
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Campaign.objects.exists()
    # nor through the service behind the API
    api = client.post(
        CAPI,
        {"kind": "warmth", "year": 2026, "title": "越级", "organiser": "BJ"},
        content_type="application/json",
        **bearer(hd),
    )
    assert api.status_code == 400
    assert api.json()["errors"]["organiser"] == ["主办工会不存在或不在您的管辖范围内"]


def test_bad_input_gives_field_errors_and_saves_nothing(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_bad")
    client.force_login(hd)
    data = form_data(
        year="20x6",
        title="",
        enterprises="91110000ABCDEFGHIJ",
        **{
            "std-1-key": "deep",
            "std-0-amount": "三千",
            "bud-1-source": "partner_donation",
            "bud-1-amount": "-5",
            "bud-1-partner": "没有这个单位",
        },
    )
    response = client.post(NEW, data)
    assert response.status_code == 400
    text = response.content.decode()
    for message in (
        "请修改以下错误",
        "年度无效",
        "请填写活动名称",
        "第1行：金额格式不正确",
        "第2行：标准代码为空或重复",
        "金额不能为负数",
        "第2行：伙伴计划名录中没有“没有这个单位”",
        "统一社会信用代码",
    ):
        assert message in text, message
    assert not Campaign.objects.exists()
    # what was typed stays on the page
    assert 'value="没有这个单位"' in text


@pytest.mark.parametrize(
    "garbage",
    [
        {"std-count": "abc", "bud-count": "-1"},
        {"std-count": "999999999999999999999"},
        {"kind": "nonsense", "population": "aliens", "categories": ["x"]},
        {"publicity_days": "99"},
        {"organiser": "x" * 200},
    ],
)
def test_garbage_never_breaks_the_form(client, orgs, garbage):
    hd = officer(orgs["BJ-HD"], "form_hd_garbage")
    client.force_login(hd)
    response = client.post(NEW, form_data(**garbage))
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "请修改以下错误" in response.content.decode()


def test_a_second_row_can_be_added_without_saving(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_more")
    client.force_login(hd)
    response = client.post(NEW, form_data(more="1"))
    assert response.status_code == 200 and not Campaign.objects.exists()
    text = response.content.decode()
    assert 'name="std-3-key"' in text and 'value="深度困难"' in text


def test_editing_a_draft_changes_everything(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_edit")
    c = make_campaign(hd, orgs["BJ-HD"])
    client.force_login(hd)
    url = f"/console/assistance/campaigns/{c.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and 'value="3000.00"' in page.content.decode()
    data = form_data(
        title="改过的名称",
        kind="cooling",
        organiser="BJ-HD-ZGC",
        **{"std-2-key": "", "std-1-needs_proof": ""},
    )
    response = client.post(url, data, follow=True)
    assert messages_on(response) == ["帮扶活动已保存"]
    c.refresh_from_db()
    assert (c.title, c.kind, c.organiser.code) == ("改过的名称", "cooling", "BJ-HD-ZGC")
    assert sorted(c.standards.values_list("key", flat=True)) == ["deep", "relative"]
    row = AuditLog.objects.filter(action="campaign_edit", object_id=str(c.pk)).get()
    assert "standards" in row.fields and "title" in row.fields and row.actor == hd
    again = client.post(url, data, follow=True)
    assert messages_on(again) == ["没有修改任何内容"]


def test_while_lists_are_open_a_used_standard_keeps_its_amount(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_open")
    registered(make_worker(orgs["BJ-HD-ZGC-001"]), hd, income="10000")  # 深度困难
    c = opened(make_campaign(hd, orgs["BJ-HD"]), hd)
    campaigns.generate_list(user=hd, campaign_id=c.pk, org_code="BJ-HD")
    client.force_login(hd)
    url = f"/console/assistance/campaigns/{c.pk}/edit/"
    page = client.get(url).content.decode()
    assert "名单编制中" in page
    assert 'name="kind"' in page and "disabled" in page
    rows = {
        "std-count": "3",
        "std-0-key": "deep",
        "std-0-label": "深度困难户",
        "std-0-amount": "3500",
        "std-1-key": "accident",
        "std-1-label": "意外致困",
        "std-1-amount": "2000",
    }
    response = client.post(url, form_data(**rows))
    assert response.status_code == 400
    text = response.content.decode()
    assert "第1行：已有对象按此标准列入名单，金额和是否需证明不能修改" in text
    assert Campaign.objects.get(pk=c.pk).standards.get(key="deep").amount == Decimal("3000.00")
    rows["std-0-amount"] = "3000"
    response = client.post(url, form_data(title="新名称", kind="cooling", **rows), follow=True)
    assert messages_on(response) == ["帮扶活动已保存"]
    c.refresh_from_db()
    assert c.title == "新名称" and c.kind == "warmth"  # the kind is fixed once lists are open
    assert c.standards.get(key="deep").label == "深度困难户"
    assert sorted(c.standards.values_list("key", flat=True)) == ["accident", "deep"]


def test_a_used_standard_cannot_be_removed(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_rm")
    registered(make_worker(orgs["BJ-HD-ZGC-001"]), hd, income="10000")
    c = opened(make_campaign(hd, orgs["BJ-HD"]), hd)
    campaigns.generate_list(user=hd, campaign_id=c.pk, org_code="BJ-HD")
    client.force_login(hd)
    response = client.post(
        f"/console/assistance/campaigns/{c.pk}/edit/",
        form_data(**{"std-count": "1", "std-0-key": "relative", "std-0-amount": "2000"}),
    )
    assert response.status_code == 400
    assert "标准“深度困难”已有对象列入名单，不能删除" in response.content.decode()


def test_after_approval_only_title_description_and_budget_change(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_appr")
    registered(make_worker(orgs["BJ-HD-ZGC-001"]), hd, income="10000")
    c = opened(make_campaign(hd, orgs["BJ-HD"]), hd)
    campaigns.generate_list(user=hd, campaign_id=c.pk, org_code="BJ-HD")
    approve(c, officer(orgs["BJ"], "form_city_appr"))
    url = f"{CAPI}/{c.pk}"
    response = client.patch(
        url,
        {"budget": [{"source": "union_funds", "amount": "120000"}], "title": "追加预算"},
        content_type="application/json",
        **bearer(hd),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "追加预算" and body["editable"] == ["budget", "description", "title"]
    assert body["budget"] == [
        {"source": "union_funds", "partner": "", "amount": "120000.00", "note": ""}
    ]
    refused = client.patch(
        url,
        {"kind": "cooling", "standards": []},
        content_type="application/json",
        **bearer(hd),
    )
    assert refused.status_code == 400
    errors = refused.json()["errors"]
    assert errors["kind"] == ["活动已审批，此项不能再修改"] and "standards" in errors
    unchanged = client.patch(url, {"kind": "warmth"}, content_type="application/json", **bearer(hd))
    assert unchanged.status_code == 200  # the same value is no change


def test_a_closed_campaign_cannot_be_edited(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_closed")
    c = make_campaign(hd, orgs["BJ-HD"])
    Campaign.objects.filter(pk=c.pk).update(status=CampaignStatus.CLOSED)
    client.force_login(hd)
    url = f"/console/assistance/campaigns/{c.pk}/edit/"
    assert "活动已结束，不能再修改" in client.get(url).content.decode()
    response = client.post(url, form_data(title="x"))
    assert response.status_code == 409 and "活动已结束，不能修改" in response.content.decode()
    api = client.patch(
        f"{CAPI}/{c.pk}", {"title": "x"}, content_type="application/json", **bearer(hd)
    )
    assert api.status_code == 409


def test_scope_of_the_edit_page(client, orgs):
    hd = officer(orgs["BJ-HD"], "form_hd_owner")
    c = make_campaign(hd, orgs["BJ-HD"])
    cy = officer(orgs["BJ-CY"], "form_cy_other")
    client.force_login(cy)
    assert client.get(f"/console/assistance/campaigns/{c.pk}/edit/").status_code == 404
    assert (
        client.patch(
            f"{CAPI}/{c.pk}", {"title": "x"}, content_type="application/json", **bearer(cy)
        ).status_code
        == 404
    )
    street = officer(orgs["BJ-HD-ZGC"], "form_street")  # sees the district's campaign
    client.force_login(street)
    assert client.get(f"/console/assistance/campaigns/{c.pk}/edit/").status_code == 403
    leader = make_staff("form_leader", orgs["BJ"], "leader")
    client.force_login(leader)
    assert client.get(NEW).status_code == 403
    assert "编辑活动" not in client.get(f"/console/assistance/campaigns/{c.pk}/").content.decode()
    assert Campaign.objects.get(pk=c.pk).title == c.title
