"""Orgs are chosen by name in the hotline: the intake's 发生地, the 承办单位 of a dispatch and the
三率 page's unit take a name, pinyin or initials (codes still work, for the API above all);
ambiguous or unknown text is a Chinese field error; a district user is offered only its own
district's orgs."""

import re

import pytest

from gonghui.hotline.models import Appeal, Status
from gonghui.orgs.selectors import subtree
from gonghui.people.tests.factories import bearer, make_staff

from .factories import act, appeal_data, make_appeal, make_operator, post_appeal

pytestmark = pytest.mark.django_db

INTAKE = {
    "type": "help",
    "category": "LABOR-WAGE",
    "urgency": "normal",
    "channel": "phone",
    "contact_phone": "13812345678",
    "content": "拖欠工资",
}


def options(html: str, name: str) -> list[str]:
    """The names a <select name=…> offers (its options' text, the blank one left out)."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    texts = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    return [text.strip("\u3000") for value, text in texts if value]


# --- intake: 发生地 --------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["朝阳区", "朝阳区总工会", "chaoyang", "cyq", "BJ-CY"])
def test_intake_takes_the_district_by_name_pinyin_initials_or_code(client, operator, typed):
    client.force_login(operator)
    r = client.post("/console/hotline/new/", {**INTAKE, "district": typed})
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    assert Appeal.objects.get().district.code == "BJ-CY"


def test_intake_form_offers_the_districts_by_name(client, operator):
    client.force_login(operator)
    html = client.get("/console/hotline/new/").content.decode()
    names = options(html, "district")
    assert len(names) == 17 and {"东城区总工会", "北京经济技术开发区总工会"} < set(names)
    assert not [n for n in names if not n.endswith("区总工会")]  # district unions only
    assert "发生地（区总工会代码）" not in html


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("城", "“城”对应多个工会组织：东城区总工会、西城区总工会"),
        ("火星区", "找不到“火星区”对应的工会组织"),
        ("望京街道工会", "找不到“望京街道工会”对应的工会组织"),  # not a district union
    ],
)
def test_an_ambiguous_or_unknown_district_is_a_field_error(client, operator, typed, error):
    client.force_login(operator)
    r = client.post("/console/hotline/new/", {**INTAKE, "district": typed})
    assert r.status_code == 400
    (message,) = r.context["form"].errors["district"]
    assert message.startswith(error), message
    assert error in r.content.decode()
    assert not Appeal.objects.exists()


def test_a_district_operator_files_appeals_in_its_own_district_only(client, orgs):
    cy_operator = make_operator(orgs["BJ-CY"])
    client.force_login(cy_operator)
    html = client.get("/console/hotline/new/").content.decode()
    assert options(html, "district") == ["朝阳区总工会"]
    r = client.post("/console/hotline/new/", {**INTAKE, "district": "海淀区总工会"})
    assert r.status_code == 400
    assert r.context["form"].errors["district"] == [
        "找不到“海淀区总工会”对应的工会组织，或它不在您的管辖范围内"
    ]
    r = client.post("/console/hotline/new/", {**INTAKE, "district": "朝阳"})
    assert r.status_code == 302
    assert Appeal.objects.get().district.code == "BJ-CY"


def test_the_api_and_the_phone_page_take_codes_and_names(client, operator, op_headers):
    by_code = post_appeal(client, appeal_data(district="BJ-CY"), op_headers)
    assert by_code.status_code == 201 and by_code.json()["district"] == "BJ-CY"
    street = post_appeal(client, appeal_data(district="BJ-CY-WJ"), op_headers)  # a street's code
    assert street.status_code == 201 and street.json()["district"] == "BJ-CY"
    by_name = post_appeal(client, appeal_data(district="海淀区总工会"), op_headers)
    assert by_name.status_code == 201 and by_name.json()["district"] == "BJ-HD"
    for typed, error in (
        ("城", "“城”对应多个工会组织：东城区总工会、西城区总工会"),
        ("XX", "找不到“XX”对应的区总工会，请填写名称，如 朝阳区总工会"),
        ("BJ", "找不到“BJ”对应的区总工会"),  # the city's code: it lies in no district
        ("", "请填写诉求发生地所在区（区总工会名称，如 朝阳区总工会）"),
    ):
        r = post_appeal(client, appeal_data(district=typed), op_headers)
        assert r.status_code == 400, typed
        (message,) = r.json()["errors"]["district"]
        assert message.startswith(error), message
    h5 = {**INTAKE, "district": "tongzhou", "contact_phone": "13600001111"}
    assert client.post("/h5/appeals/new/", h5).status_code == 200
    assert Appeal.objects.get(channel="web").district.code == "BJ-TZ"


# --- dispatch: 承办单位 ------------------------------------------------------------------------


def test_dispatch_by_name(client, operator):
    appeal = make_appeal(operator)
    client.force_login(operator)
    page = client.get(f"/console/hotline/{appeal.pk}/").content.decode()
    assert "承办单位（留空按派单规则）" in page and "承办单位代码" not in page
    picker = re.search(r'<input[^>]*\bname="org"[^>]*>', page).group()
    assert "data-org-picker" in picker and 'data-permission="hotline.dispatch"' in picker
    r = client.post(
        f"/console/hotline/{appeal.pk}/", {"action": "dispatch", "org": "海淀区"}, follow=True
    )
    assert [str(m) for m in r.context["messages"]] == ["已派单至 海淀区总工会"]
    appeal.refresh_from_db()
    assert appeal.status == Status.DISPATCHED and appeal.responsible_org.code == "BJ-HD"


def test_redispatch_by_pinyin_and_a_code_still_works(client, operator, cy_handler):
    appeal = act(operator, make_appeal(operator), "dispatch", org="BJ-CY")
    appeal = act(cy_handler, appeal, "return", reason="不属于本单位")
    client.force_login(operator)
    r = client.post(
        f"/console/hotline/{appeal.pk}/", {"action": "dispatch", "org": "wangjingjiedao"}
    )
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.responsible_org.name == "望京街道工会"
    other = make_appeal(operator)
    r = client.post(f"/console/hotline/{other.pk}/", {"action": "dispatch", "org": "BJ-HD"})
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.responsible_org.code == "BJ-HD"


def test_an_ambiguous_or_unknown_dispatch_target_is_a_field_error(client, operator):
    appeal = make_appeal(operator)
    client.force_login(operator)
    r = client.post(f"/console/hotline/{appeal.pk}/", {"action": "dispatch", "org": "街道"})
    assert r.status_code == 400
    assert [str(m) for m in r.context["messages"]] == ["请检查填写内容"]
    (error,) = r.context["field_errors"]
    assert error.startswith("承办单位：“街道”对应多个工会组织：")
    picker = re.search(r'<input[^>]*\bname="org"[^>]*>', r.content.decode()).group()
    assert 'value="街道"' in picker  # what was typed, to be corrected
    r = client.post(f"/console/hotline/{appeal.pk}/", {"action": "dispatch", "org": "月球"})
    assert r.context["field_errors"] == [
        "承办单位：找不到“月球”对应的工会组织，或它不在您的管辖范围内"
    ]
    appeal.refresh_from_db()
    assert appeal.status == Status.RECEIVED


def test_a_district_dispatcher_is_offered_its_own_district_only(client, orgs):
    cy_operator = make_operator(orgs["BJ-CY"])
    appeal = make_appeal(cy_operator)
    client.force_login(cy_operator)
    page = client.get(f"/console/hotline/{appeal.pk}/").content.decode()
    offered = options(page, "org")
    assert offered[0] == "朝阳区总工会" and "望京街道工会" in offered
    assert set(offered) <= set(subtree(orgs["BJ-CY"]).values_list("name", flat=True))
    r = client.post(f"/console/hotline/{appeal.pk}/", {"action": "dispatch", "org": "海淀区"})
    assert r.status_code == 400
    appeal.refresh_from_db()
    assert appeal.responsible_org is None


# --- 三率: 统计单位 ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["海淀区总工会", "海淀区", "haidianqu", "BJ-HD"])
def test_metrics_by_name(client, operator, typed):
    client.force_login(operator)
    r = client.get("/console/hotline/metrics/", {"org": typed})
    assert r.status_code == 200, r.context["form"].errors
    assert r.context["window"].org.code == "BJ-HD"
    assert "接诉即办 三率统计 · 海淀区总工会" in r.content.decode()


def test_metrics_for_an_ambiguous_name_is_a_field_error(client, operator):
    client.force_login(operator)
    r = client.get("/console/hotline/metrics/", {"org": "haidian"})
    assert r.status_code == 400
    (error,) = r.context["form"].errors["org"]
    assert error.startswith("“haidian”对应多个工会组织：海淀区总工会、海淀街道工会")
    assert r.context["m"] is None


def test_a_district_users_metrics_picker_offers_its_own_district_only(client, cy_handler):
    client.force_login(cy_handler)
    r = client.get("/console/hotline/metrics/")
    assert r.context["window"].org.code == "BJ-CY"
    offered = options(r.content.decode(), "org")
    assert offered[0] == "朝阳区总工会" and "望京街道工会" in offered
    assert not [n for n in offered if "海淀" in n or "东城" in n]
    for q in ("haidian", "海淀", "BJ-HD", ""):
        hits = client.get("/api/v1/orgs/search", {"q": q, "permission": "hotline.metrics"})
        assert hits.status_code == 200
        assert all(h["code"].startswith("BJ-CY") for h in hits.json()), q
    r = client.get("/console/hotline/metrics/", {"org": "海淀区总工会"})
    assert r.status_code == 400
    assert r.context["form"].errors["org"] == [
        "找不到“海淀区总工会”对应的工会组织，或它不在您的管辖范围内"
    ]
    assert r.context["window"] is None


def test_metrics_needs_the_role(client, orgs):
    keeper = make_staff("cy_keeper", orgs["BJ-CY"], "station_manager")
    client.force_login(keeper)
    assert client.get("/console/hotline/metrics/", {"org": "朝阳"}).status_code == 403
    assert client.get("/api/v1/hotline/metrics", **bearer(keeper)).status_code == 403
