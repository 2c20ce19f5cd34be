"""A worker's own data: JSON and Excel export, audited, never another worker's data."""

import io

import pytest
from openpyxl import load_workbook

from gonghui.core.models import AuditLog
from gonghui.people import auth, my_data, privacy
from gonghui.people.tests.factories import make_worker

pytestmark = pytest.mark.django_db


def headers(acc):
    return {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(worker_account=acc)}"}


def test_json_export_has_own_full_data_consents_and_is_audited(client, orgs):
    me = make_worker(orgs["BJ-CY-WJ"], phone="13811112222")
    other = make_worker(orgs["BJ-CY-WJ"], phone="13811113333")
    acc = auth.sign_in_worker("13811112222")
    privacy.grant_consent(acc, "health")
    r = client.get("/api/v1/me/export", **headers(acc))
    assert r.status_code == 200
    data = r.json()
    assert data["profile"]["id_number"] == me.id_number
    assert data["profile"]["phone"] == "13811112222"
    assert data["profile"]["union_org"] == orgs["BJ-CY-WJ"].name
    health = next(c for c in data["consents"] if c["purpose"] == "健康信息")
    assert health["granted"] and health["granted_at"]
    assert other.id_number not in r.content.decode() and "13811113333" not in r.content.decode()
    row = AuditLog.objects.get(action="worker.export")
    assert row.object_id == str(me.pk) and row.fields == "id_number,phone"


def test_registered_sections_are_included(client, orgs):
    me = make_worker(orgs["BJ-HD"], phone="13811114444")
    seen = []

    def rows(worker):
        seen.append(worker.pk)
        return [{"事项": "测试记录", "worker": worker.pk}]

    my_data.register_export("test_section", "测试", rows)
    try:
        data = client.get("/api/v1/me/export", **headers(auth.sign_in_worker("13811114444")))
        assert data.json()["test_section"] == [{"事项": "测试记录", "worker": me.pk}]
        assert seen == [me.pk]
    finally:
        my_data._EXPORTS.pop("test_section")


def test_xlsx_export_one_sheet_per_section(client, orgs):
    me = make_worker(orgs["BJ-CY"], phone="13811115555")
    acc = auth.sign_in_worker("13811115555")
    r = client.get("/api/v1/me/export.xlsx", **headers(acc))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["基本信息", "个人信息同意"]
    assert {"12351诉求", "免费体检", "帮扶申请", "帮扶款发放", "荣誉"} <= set(wb.sheetnames)
    profile = {row[0]: row[1] for row in wb["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert profile["身份证号"] == me.id_number and profile["手机号"] == "13811115555"
    assert wb["个人信息同意"].max_row == 4  # header + three purposes
    assert AuditLog.objects.filter(action="worker.export", object_id=str(me.pk)).count() == 1


def test_xlsx_headers_come_from_the_section_labels(client, orgs):
    make_worker(orgs["BJ-HD"], phone="13811117777")
    rows = lambda w: [{"when": my_data.iso_date(w.created_at)}]  # noqa: E731
    my_data.register_export("test_labels", "测试表", rows, {"when": "日期"})
    try:
        r = client.get("/api/v1/me/export.xlsx", **headers(auth.sign_in_worker("13811117777")))
        rows = list(load_workbook(io.BytesIO(r.content))["测试表"].iter_rows(values_only=True))
        assert rows[0] == ("日期",) and len(rows[1][0]) == 10 and rows[1][0][4] == "-"
    finally:
        my_data._EXPORTS.pop("test_labels")


def test_account_without_worker_gets_404_in_chinese(client):
    acc = auth.sign_in_worker("13811116666")
    for url in ("/api/v1/me/export", "/api/v1/me/export.xlsx"):
        r = client.get(url, **headers(acc))
        assert r.status_code == 404 and "实名登记" in r.json()["detail"]
    assert not AuditLog.objects.filter(action="worker.export").exists()
