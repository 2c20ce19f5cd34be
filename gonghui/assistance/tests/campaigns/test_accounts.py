"""Beneficiaries' accounts imported from Excel: matched by 身份证号 within the user's scope,
all or nothing with a row report in Chinese, digits lost by Excel refused, accounts masked."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import Beneficiary, Campaign, CampaignStatus
from gonghui.core.models import AuditLog
from gonghui.people.tests.factories import bearer, make_worker

from ..campaign_factories import CAPI, make_campaign, officer, opened, registered

pytestmark = pytest.mark.django_db

ACCOUNT_19 = "6222021234567890123"


def sheet(rows, header=("身份证号", "姓名", "账号")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("accounts.xlsx", buf.getvalue())


@pytest.fixture
def listed(orgs):
    """An open 海淀 送温暖 with one person on each of two streets' lists: (campaign, the
    district's officer, [workers])."""
    hd = officer(orgs["BJ-HD"], "acct_hd")
    workers = [
        make_worker(orgs["BJ-HD-ZGC-001"], name="王小明"),
        make_worker(orgs["BJ-HD-SD-001"], name="赵丽"),
    ]
    for w in workers:
        registered(w, hd, income="10000")
    c = opened(make_campaign(hd, orgs["BJ-HD"]), hd)
    for street in ("BJ-HD-ZGC", "BJ-HD-SD"):
        campaigns.generate_list(user=hd, campaign_id=c.pk, org_code=street)
    assert c.beneficiaries.count() == 2
    return c, hd, workers


def url(c) -> str:
    return f"/console/assistance/campaigns/{c.pk}/accounts/"


def account_of(worker) -> str:
    return Beneficiary.objects.get(person_hash=worker.id_number_hash).account


def test_accounts_are_set_from_the_sheet_and_shown_masked(client, listed):
    c, hd, (a, b) = listed
    client.force_login(hd)
    detail = client.get(f"/console/assistance/campaigns/{c.pk}/").content.decode()
    assert url(c) in detail
    upload = sheet(
        [(a.id_number, "王小明", ACCOUNT_19), (b.id_number.lower(), "", "6222 0000 1111")]
    )
    response = client.post(url(c), {"file": upload}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已更新2人的账号，0人账号未变" in text
    assert "6222***********0123" in text and ACCOUNT_19 not in text
    assert a.id_number not in text and "王**" in text
    assert account_of(a) == ACCOUNT_19 and account_of(b) == "622200001111"
    row = AuditLog.objects.get(action="import_accounts", object_id=str(c.pk))
    assert row.actor == hd and row.fields == "beneficiary.account"
    # the same sheet again: nothing to change
    again = client.post(url(c), {"file": sheet([(a.id_number, "", ACCOUNT_19)])})
    assert "已更新0人的账号，1人账号未变" in again.content.decode()


def test_a_19_digit_account_typed_as_a_number_is_refused_with_the_reason(client, listed):
    c, hd, (a, _b) = listed
    client.force_login(hd)
    # what Excel keeps of 6222021234567890123 typed into a number cell
    upload = sheet([(a.id_number, "王小明", float(ACCOUNT_19))])
    response = client.post(url(c), {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "未导入任何数据" in text
    assert "第2行 账号：单元格是数字格式，Excel 只保留15位有效数字，已丢失末尾数字" in text
    assert "请把该列设为文本格式后重新填写" in text
    assert account_of(a) == ""


def test_any_row_in_error_applies_nothing_and_every_row_is_reported(client, listed, orgs):
    c, hd, (a, b) = listed
    outsider = make_worker(orgs["BJ-CY-WJ-001"])
    client.force_login(hd)
    upload = sheet(
        [
            (a.id_number, "王小明", ACCOUNT_19),  # row 2: fine
            (b.id_number, "张三", "12345"),  # row 3: wrong name, short account
            ("110101199001011234", "", ACCOUNT_19),  # row 4: bad check digit
            (outsider.id_number, "", ACCOUNT_19),  # row 5: not on the lists
            (a.id_number, "", "6222021234567890000"),  # row 6: twice
            (b.id_number, "", ""),  # row 7: no account
        ]
    )
    response = client.post(url(c), {"file": upload})
    assert response.status_code == 400
    report = response.context["report"]
    assert report["detail"] == "文件中有5行错误，本次未作任何变更"
    by_row = {r["row"]: r for r in report["rows"]}
    assert by_row[2]["status"] == "update"
    assert "姓名与名单不符（名单为 赵*）" in by_row[3]["message"]
    assert "账号：账号应为8到30位数字" in by_row[3]["message"]
    assert by_row[4]["message"].startswith("身份证号：")
    assert by_row[5]["message"] == "此人不在本活动您管辖范围内的名单中"
    assert by_row[6]["message"] == "身份证号与第2行重复"
    assert by_row[7]["message"] == "账号：请填写账号；身份证号与第3行重复"
    assert account_of(a) == "" and account_of(b) == ""
    assert "第5行" not in report["detail"] and ">5<" in response.content.decode()


def test_a_street_officer_sets_only_their_own_street_s_people(client, listed, orgs):
    c, _hd, (a, b) = listed
    street = officer(orgs["BJ-HD-ZGC"], "acct_street")
    client.force_login(street)
    response = client.post(url(c), {"file": sheet([(b.id_number, "", ACCOUNT_19)])})
    assert response.status_code == 400
    assert response.context["report"]["rows"][0]["message"] == "此人不在本活动您管辖范围内的名单中"
    ok = client.post(url(c), {"file": sheet([(a.id_number, "", ACCOUNT_19)])})
    assert ok.status_code == 200 and account_of(a) == ACCOUNT_19 and account_of(b) == ""


def test_other_districts_and_viewers_cannot_import(client, listed, orgs):
    c, _hd, (a, _b) = listed
    cy = officer(orgs["BJ-CY"], "acct_cy")
    client.force_login(cy)
    assert client.post(url(c), {"file": sheet([(a.id_number, "", ACCOUNT_19)])}).status_code == 404
    from gonghui.people.tests.factories import make_staff

    leader = make_staff("acct_leader", orgs["BJ"], "leader")
    client.force_login(leader)
    response = client.post(url(c), {"file": sheet([(a.id_number, "", ACCOUNT_19)])})
    assert response.status_code == 403 and account_of(a) == ""


def test_closed_campaigns_and_missing_files_are_refused(client, listed):
    c, hd, (a, _b) = listed
    client.force_login(hd)
    assert client.post(url(c), {}).status_code == 400
    bad = client.post(url(c), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert bad.status_code == 400 and "无法读取文件" in bad.content.decode()
    Campaign.objects.filter(pk=c.pk).update(status=CampaignStatus.CLOSED)
    closed = client.post(url(c), {"file": sheet([(a.id_number, "", ACCOUNT_19)])})
    assert closed.status_code == 409 and account_of(a) == ""


def test_the_template_has_text_columns(client, listed):
    c, hd, _workers = listed
    client.force_login(hd)
    response = client.get(f"{url(c)}template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [cell.value for cell in ws[1]] == ["身份证号", "姓名", "账号"]
    assert ws.column_dimensions["A"].number_format == "@"
    assert ws.column_dimensions["C"].number_format == "@"


def test_the_api_imports_the_same_way(client, listed):
    c, hd, (a, _b) = listed
    response = client.post(
        f"{CAPI}/{c.pk}/accounts",
        {"file": sheet([(a.id_number, "", ACCOUNT_19)])},
        **bearer(hd),
    )
    assert response.status_code == 200, response.content
    assert response.json()["rows"][0]["account"] == "6222***********0123"
    refused = client.post(
        f"{CAPI}/{c.pk}/accounts",
        {"file": sheet([(a.id_number, "", float(ACCOUNT_19))])},
        **bearer(hd),
    )
    assert refused.status_code == 400 and "已丢失末尾数字" in refused.json()["detail"]
