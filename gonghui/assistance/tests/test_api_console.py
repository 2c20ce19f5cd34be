"""API and console: duplicate 409 with where, scope isolation (list/open/change), masking in
the API and the XLSX export, audited reveal, the import with its category mapping, the tick
and the purge command."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from gonghui.assistance.demo import load_reference
from gonghui.assistance.models import Application, FileEvent, FileStatus, HardshipFile
from gonghui.core import sms
from gonghui.core.models import AuditLog
from gonghui.people.tests.factories import bearer, make_worker

from .factories import API, aid_officer, apply, member, register, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def hd_aid(orgs):
    load_reference()
    return aid_officer(orgs["BJ-HD"], "hd_aid")


@pytest.fixture
def cy_aid(orgs):
    return aid_officer(orgs["BJ-CY"], "cy_aid")


def post(client, path, user, body):
    return client.post(
        f"{API}{path}", data=json.dumps(body), content_type="application/json", **bearer(user)
    )


def test_api_entry_flow_and_cross_district_duplicate(client, orgs, hd_aid, cy_aid, hd_worker):
    spouse = member("赵配偶")
    r = post(
        client,
        "/applications",
        hd_aid,
        {
            "worker_id": hd_worker.pk,
            "annual_income": "16740",
            "members": [spouse],
            "causes": ["illness"],
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["application"]["proposed_category"] == "deep"  # 16740/12/2 = 697.50
    assert body["application"]["annual_income"] == "***"
    assert body["file"]["members"][1]["name"] == "赵**"
    assert "*" in body["file"]["members"][1]["id_number"]
    app_id = body["application"]["id"]
    r = post(client, f"/applications/{app_id}/actions", hd_aid, {"action": "approve"})
    assert r.status_code == 409 and set(r.json()) == {"detail", "errors"}
    r = post(client, f"/applications/{app_id}/actions", hd_aid, {"action": "verify"})
    assert r.status_code == 400 and "visit_notes" in r.json()["errors"]
    r = post(
        client,
        f"/applications/{app_id}/actions",
        hd_aid,
        {"action": "verify", "visit_notes": "属实"},
    )
    assert r.json()["state"] == "verified"
    cy = make_worker(orgs["BJ-CY-WJ-001"])
    r = post(
        client,
        "/applications",
        cy_aid,
        {"worker_id": cy.pk, "annual_income": "1000", "members": [spouse]},
    )
    assert r.status_code == 409  # 朝阳 may not see the 海淀 file: no where (issue 12, defect 3)
    assert r.json()["errors"] == {} and "中关村" not in r.json()["detail"]
    assert "已在其他工会的困难职工档案中" in r.json()["detail"]


def test_scope_isolation_api_and_console(client, orgs, hd_aid, cy_aid, hd_worker):
    app = apply(hd_worker, hd_aid, income="12000")
    file_id = app.file_id
    r = client.get(f"{API}/files", **bearer(cy_aid))
    assert r.json()["count"] == 0
    assert client.get(f"{API}/files/{file_id}", **bearer(cy_aid)).status_code == 404
    r = post(
        client, f"/applications/{app.pk}/actions", cy_aid, {"action": "verify", "visit_notes": "x"}
    )
    assert r.status_code == 404
    assert (
        post(
            client, f"/files/{file_id}/visits", cy_aid, {"date": "2025-01-01", "notes": "x"}
        ).status_code
        == 404
    )
    r = post(client, "/applications", cy_aid, {"worker_id": hd_worker.pk, "annual_income": "1"})
    assert r.status_code == 400 and "worker_id" in r.json()["errors"]
    assert client.get(f"{API}/files", **bearer(hd_aid)).json()["count"] == 1
    client.force_login(cy_aid)
    assert client.get(f"/console/assistance/{file_id}/").status_code == 404
    assert (
        client.post(
            f"/console/assistance/{file_id}/act/",
            {"what": "visit", "date": "2025-01-01", "notes": "x"},
        ).status_code
        == 404
    )
    page = client.get("/console/assistance/")
    assert page.status_code == 200 and app.file.number not in page.content.decode()
    client.force_login(hd_aid)
    assert app.file.number in client.get("/console/assistance/").content.decode()
    Application.objects.get(pk=app.pk)  # untouched
    assert app.state == "submitted"


def test_console_flow_and_masked_export(client, orgs, hd_aid, hd_worker):
    app = apply(hd_worker, hd_aid, income="12000", members=[member("钱家属")])
    client.force_login(hd_aid)
    url = f"/console/assistance/{app.file_id}/act/"
    r = client.post(url, {"what": "transition", "application": app.pk, "action": "approve"})
    assert r.status_code == 409 and "当前状态" in r.content.decode()
    client.post(
        url,
        {
            "what": "transition",
            "application": app.pk,
            "action": "verify",
            "visit_notes": "入户看过",
        },
    )
    client.post(url, {"what": "transition", "application": app.pk, "action": "approve"})
    page = client.get(f"/console/assistance/{app.file_id}/").content.decode()
    assert "公示中" in page and hd_worker.id_number not in page and "钱**" in page
    r = client.get("/console/assistance/export.xlsx")
    assert r.streaming  # a write-only workbook streamed from a temporary file
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.values)
    assert rows[1][0] == app.file.number
    assert rows[1][1] == hd_worker.name[0] + "*" * (len(hd_worker.name) - 1)
    assert rows[1][2] == hd_worker.id_number[:6] + "********" + hd_worker.id_number[-4:]
    assert hd_worker.id_number not in str(rows) and hd_worker.name not in str(rows)


def test_reveal_is_audited_and_needs_permission(client, orgs, hd_aid, hd_worker):
    file = apply(hd_worker, hd_aid, income="12000").file
    viewer = aid_officer(orgs["BJ-HD"], "hd_leader")
    viewer.role_assignments.update(role="leader")
    viewer._gonghui_assignments = None
    url = f"{API}/files/{file.pk}?reveal_full=true&reason=核实身份"
    assert client.get(url, **bearer(viewer)).status_code == 403
    assert (
        client.get(f"{API}/files/{file.pk}?reveal_full=true", **bearer(hd_aid)).status_code == 400
    )
    before = AuditLog.objects.data_access().count()
    r = client.get(url, **bearer(hd_aid))
    assert r.status_code == 200
    assert r.json()["members"][0]["id_number"] == hd_worker.id_number
    assert r.json()["applications"][0]["annual_income"] == "12000.00"
    assert AuditLog.objects.data_access().count() == before + 1
    log = AuditLog.objects.data_access().latest("id")
    assert (log.action, log.reason, log.object_id) == ("reveal", "核实身份", str(file.pk))


def _sheet(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["原档案编号", "职工身份证号", "原类别", "家庭年收入", "医疗支出", "家庭成员", "建档日期"]
    )
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("old.xlsx", buf.getvalue())


def test_import_maps_old_categories_all_or_nothing(client, orgs, hd_aid):
    a, b, c = (make_worker(orgs["BJ-HD-ZGC-001"]) for _ in range(3))
    kid = member("孙子女", "child")
    client.force_login(hd_aid)
    bad = _sheet(
        [
            [
                "HD-001",
                a.id_number,
                "低保户",
                10000,
                2000,
                f"孙子女:子女:{kid['id_number']}",
                "2021-03-01",
            ],
            ["HD-002", b.id_number, "特困户", 20000, None, None, None],
        ]
    )
    r = client.post("/console/assistance/import/", {"file": bad})
    assert r.status_code == 400 and HardshipFile.objects.count() == 0
    assert "原类别无法对应：特困户" in r.content.decode()
    good = _sheet(
        [
            [
                "HD-001",
                a.id_number,
                "低保户",
                10000,
                2000,
                f"孙子女:子女:{kid['id_number']}",
                "2021-03-01",
            ],
            ["HD-002", b.id_number, "低保边缘户", 30000, None, None, None],
            ["HD-003", c.id_number, "意外致困", 60000, 30000, None, None],
        ]
    )
    r = client.post("/console/assistance/import/", {"file": good})
    assert r.status_code == 200, r.content.decode()
    files = {f.legacy_number: f for f in HardshipFile.objects.all()}
    assert {k: (f.legacy_category, f.category, f.status) for k, f in files.items()} == {
        "HD-001": ("低保户", "deep", "registered"),
        "HD-002": ("低保边缘户", "relative", "registered"),
        "HD-003": ("意外致困", "accident", "registered"),
    }
    assert files["HD-001"].members.count() == 2
    assert "低保户 → 深度困难" in FileEvent.objects.get(file=files["HD-001"]).note
    # importing again: every household is already live
    r = client.post("/console/assistance/import/", {"file": good})
    assert r.status_code == 400 and HardshipFile.objects.count() == 3


def test_tick_flags_once_and_can_sms(orgs, hd_aid, hd_worker, settings):
    file = register(hd_worker, hd_aid, income="12000").file
    today = timezone.localdate()
    HardshipFile.objects.filter(pk=file.pk).update(
        visit_due_on=today - datetime.timedelta(days=1), review_due_on=today
    )
    out = io.StringIO()
    call_command("assistance_tick", "--now", stdout=out)
    assert "visits overdue 1, reviews due 1" in out.getvalue()
    call_command("assistance_tick", "--now", stdout=io.StringIO())
    assert FileEvent.objects.filter(file=file, action="visit_overdue").count() == 1
    assert FileEvent.objects.filter(file=file, action="review_due").count() == 1
    assert sms.outbox == []  # staff accounts carry no phone: flag only


def test_purge_closed_files_after_retention(orgs, hd_aid, hd_worker):
    app = apply(hd_worker, hd_aid, income="12000")
    step(app, hd_aid, "reject", note="不符合")
    kept = register(make_worker(orgs["BJ-HD-ZGC-001"]), hd_aid, income="12000").file
    file = HardshipFile.objects.get(pk=app.file_id)
    assert file.status == FileStatus.REJECTED
    assert file.purge_after == today_plus_years(10)
    out = io.StringIO()
    call_command("purge_closed_files", "--dry-run", stdout=out)
    assert "would delete 0" in out.getvalue()
    HardshipFile.objects.filter(pk=file.pk).update(purge_after=timezone.localdate())
    call_command("purge_closed_files", "--dry-run", stdout=out)
    assert f"would delete 1 files: {file.number}" in out.getvalue()
    assert HardshipFile.objects.filter(pk=file.pk).exists()
    call_command("purge_closed_files", stdout=out)
    assert not HardshipFile.objects.filter(pk=file.pk).exists()
    assert HardshipFile.objects.filter(pk=kept.pk).exists()


def today_plus_years(n):
    from gonghui.assistance.dates import add_years

    return add_years(timezone.localdate(), n)


def test_import_refuses_id_numbers_excel_turned_into_numbers(client, orgs, hd_aid):
    """An 18-digit number keeps only 15 significant digits in Excel: refused, row named."""
    a, b = (make_worker(orgs["BJ-HD-ZGC-001"]) for _ in range(2))
    client.force_login(hd_aid)
    sheet = _sheet(
        [
            ["HD-001", float(f"{int(a.id_number):.15g}"), "低保户", 10000, None, None, None],
            ["HD-002", b.id_number, "低保户", 10000, None, 1.10108198001011e17, None],
        ]
    )
    r = client.post("/console/assistance/import/", {"file": sheet})
    html = r.content.decode()
    assert r.status_code == 400 and HardshipFile.objects.count() == 0
    assert "第2行 职工身份证号：单元格是数字格式，Excel 只保留15位有效数字" in html
    assert "第3行 家庭成员" in html and "请把该列设为文本格式后重新填写" in html


def test_file_without_a_decided_category_reads_pending_not_ineligible(client, orgs, hd_aid):
    """The list showed 不符合 (the label of the empty choice) for files still applied for,
    while the file page showed the proposal: an undecided file reads 待认定 everywhere."""
    worker = make_worker(orgs["BJ-HD-ZGC-001"], name="钱待定")
    app = apply(worker, hd_aid, income="12000")
    assert app.file.category == "" and app.file.category_label == ""
    client.force_login(hd_aid)
    page = client.get("/console/assistance/").content.decode()
    table = page[page.index('<table id="files"') :]
    row = table[table.index(app.file.number) :]
    row = row[: row.index("</tr>")]
    assert "待认定" in row and "不符合" not in row
    body = client.get(f"{API}/files/{app.file_id}", **bearer(hd_aid)).json()
    assert body["category_label"] == ""


def test_a_queue_keeps_the_other_filters_and_the_export_lists_what_the_list_shows(
    client, orgs, hd_aid
):
    """One rule for the list and its export: 待走访 narrowed by the text search."""
    from gonghui.assistance import selectors

    files = [register(make_worker(orgs["BJ-HD-ZGC-001"]), hd_aid).file for _ in range(2)]
    HardshipFile.objects.filter(pk__in=[f.pk for f in files]).update(
        visit_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    wanted = files[1].number
    found = selectors.search_files(hd_aid, queue="visits", q=wanted)
    assert [f.number for f in found] == [wanted]
    assert selectors.search_files(hd_aid, queue="visits", status="exited").count() == 0
    client.force_login(hd_aid)
    page = client.get("/console/assistance/", {"queue": "visits", "q": wanted}).content.decode()
    assert wanted in page and files[0].number not in page
    r = client.get("/console/assistance/export.xlsx", {"queue": "visits", "q": wanted})
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    numbers = [row[0] for row in list(sheet.values)[1:]]
    assert numbers == [wanted]
