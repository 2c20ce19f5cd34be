import io

import pytest
from openpyxl import Workbook, load_workbook

from gonghui.core.models import AuditLog
from gonghui.people.models import Worker

from .factories import make_staff, worker_data

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号", "用工形式", "所属工会代码", "用人单位", "统一社会信用代码"]


def xlsx(rows, header=HEADER) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "workers.xlsx"
    return buf


def row(org, **kw):
    d = worker_data(org, **kw)
    return [d["name"], d["id_number"], d["phone"], "外卖配送员", d["union_org"], "", ""]


def test_list_shows_only_own_subtree_masked(client, cy_handler, cy_worker, hd_worker):
    client.force_login(cy_handler)
    page = client.get("/console/workers/").content.decode()
    assert "王朝阳" in page and "李海淀" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert cy_worker.id_number not in page


def test_htmx_search_returns_rows_only(client, cy_handler, cy_worker):
    client.force_login(cy_handler)
    r = client.get("/console/workers/", {"q": "wcy"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "王朝阳" in html and "<html" not in html


def test_guessing_another_districts_worker_id_is_404(client, cy_handler, hd_worker):
    client.force_login(cy_handler)
    assert client.get(f"/console/workers/{hd_worker.pk}/").status_code == 404
    r = client.post(f"/console/workers/{hd_worker.pk}/", {"fields": ["phone"], "reason": "x"})
    assert r.status_code == 404
    assert not AuditLog.objects.data_access().exists()


def test_console_reveal_is_audited(client, cy_handler, cy_worker):
    client.force_login(cy_handler)
    page = client.get(f"/console/workers/{cy_worker.pk}/").content.decode()
    assert "13812345678" not in page
    r = client.post(
        f"/console/workers/{cy_worker.pk}/", {"fields": ["phone", "id_number"], "reason": "回访"}
    )
    html = r.content.decode()
    assert "13812345678" in html and cy_worker.id_number in html
    log = AuditLog.objects.data_access().get()
    assert log.actor == cy_handler and log.source.startswith("POST /console/workers/")


def test_console_reveal_needs_a_reason(client, cy_handler, cy_worker):
    client.force_login(cy_handler)
    r = client.post(f"/console/workers/{cy_worker.pk}/", {"fields": ["phone"], "reason": ""})
    assert "13812345678" not in r.content.decode()
    assert not AuditLog.objects.data_access().exists()


def test_station_manager_sees_no_reveal_form(client, orgs, cy_worker):
    user = make_staff("station", orgs["BJ-CY"], "station_manager")
    client.force_login(user)
    page = client.get(f"/console/workers/{cy_worker.pk}/").content.decode()
    assert "查看完整个人信息" not in page
    client.post(f"/console/workers/{cy_worker.pk}/", {"fields": ["phone"], "reason": "x"})
    assert not AuditLog.objects.data_access().exists()


def test_create_form_shows_chinese_field_errors_and_keeps_input(client, orgs, cy_handler):
    client.force_login(cy_handler)
    data = worker_data(orgs["BJ-CY"], name="赵六", id_number="110105194912310021")
    r = client.post("/console/workers/new/", data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "身份证号校验位不正确" in html
    assert 'value="赵六"' in html
    assert not Worker.objects.exists()


def test_create_form_saves_and_redirects(client, orgs, cy_handler):
    client.force_login(cy_handler)
    r = client.post("/console/workers/new/", worker_data(orgs["BJ-CY-WJ"], name="赵六"))
    assert r.status_code == 302
    assert Worker.objects.get().name == "赵六"


def test_excel_import_all_rows_ok(client, orgs):
    user = make_staff("social", orgs["BJ-CY"], "social_worker")
    client.force_login(user)
    f = xlsx([row(orgs["BJ-CY-WJ"]), row(orgs["BJ-CY-JW"])])
    r = client.post("/console/workers/import/", {"file": f})
    assert r.status_code == 200, r.content.decode()
    assert Worker.objects.count() == 2
    assert set(Worker.objects.values_list("employment_form", flat=True)) == {"food_delivery"}


def test_excel_import_is_all_or_nothing_with_row_errors(client, orgs):
    user = make_staff("social", orgs["BJ-CY"], "social_worker")
    client.force_login(user)
    good = row(orgs["BJ-CY-WJ"])
    bad_id = row(orgs["BJ-CY-WJ"])
    bad_id[1] = "110105194912310021"
    other_district = row(orgs["BJ-HD"])
    duplicate = list(good)
    f = xlsx([good, bad_id, other_district, duplicate])
    r = client.post("/console/workers/import/", {"file": f})
    assert r.status_code == 400
    html = r.content.decode()
    assert "未导入任何数据" in html
    assert "身份证号校验位不正确" in html  # row 3
    assert "不在您的管辖范围内" in html  # row 4
    assert "与第2行身份证号重复" in html  # row 5
    assert Worker.objects.count() == 0


def test_excel_import_rejects_non_excel_and_missing_columns(client, orgs):
    user = make_staff("social", orgs["BJ-CY"], "social_worker")
    client.force_login(user)
    junk = io.BytesIO(b"not a spreadsheet")
    junk.name = "x.xlsx"
    r = client.post("/console/workers/import/", {"file": junk})
    assert r.status_code == 400 and "无法读取文件" in r.content.decode()
    r = client.post("/console/workers/import/", {"file": xlsx([["a"]], header=["姓名"])})
    assert r.status_code == 400 and "缺少列" in r.content.decode()


def test_import_requires_the_import_permission(client, cy_handler):
    client.force_login(cy_handler)  # case handlers may create but not bulk-import
    assert client.get("/console/workers/import/").status_code == 403


def test_import_template_roundtrips(client, orgs):
    user = make_staff("social", orgs["BJ-CY"], "social_worker")
    client.force_login(user)
    r = client.get("/console/workers/import/template.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb.active[1]][:5] == HEADER[:5]


def test_excel_import_refuses_an_id_number_excel_turned_into_a_number(client, orgs):
    """1.10105196002280E+17 used to become 110105196002280000, which passes the check digit:
    the wrong person. Now the row is named and the sheet refused, nothing saved."""
    user = make_staff("social", orgs["BJ-CY"], "social_worker")
    client.force_login(user)
    good = row(orgs["BJ-CY-WJ"])
    typed = row(orgs["BJ-CY-WJ"], id_number="110105196002280094")
    typed[1] = float(f"{int(typed[1]):.15g}")  # what Excel keeps of the typed number
    code = row(orgs["BJ-CY-WJ"])
    code[6] = 911101080000000000  # a credit code as a number
    r = client.post("/console/workers/import/", {"file": xlsx([good, typed, code])})
    assert r.status_code == 400
    html = r.content.decode()
    assert "第3行 身份证号：单元格是数字格式，Excel 只保留15位有效数字，已丢失末尾数字" in html
    assert "第4行 统一社会信用代码" in html and "请把该列设为文本格式后重新填写" in html
    assert Worker.objects.count() == 0
    # typed as text, the same person is imported; a phone as a number still is fine
    typed[1], code[6] = "110105196002280094", ""
    good[2] = int(good[2])
    r = client.post("/console/workers/import/", {"file": xlsx([good, typed, code])})
    assert r.status_code == 200, r.content.decode()
    assert Worker.objects.filter(id_number_hash__isnull=False).count() == 3


def test_create_form_takes_orgs_by_name(client, orgs, cy_handler):
    client.force_login(cy_handler)
    page = client.get("/console/workers/new/").content.decode()
    assert "data-org-picker" in page and ">\u3000望京街道工会</option>" in page
    data = worker_data(orgs["BJ-CY-WJ"], name="赵六")
    data.update(union_org="望京街道工会", work_district="海淀")
    r = client.post("/console/workers/new/", data)
    assert r.status_code == 302, r.content.decode()
    worker = Worker.objects.get()
    assert (worker.union_org.code, worker.work_district.code) == ("BJ-CY-WJ", "BJ-HD")
    detail = client.get(r["Location"]).content.decode()
    assert "望京街道工会" in detail and "BJ-CY-WJ" not in detail


def test_create_form_refuses_an_org_outside_the_scope_by_name(client, orgs, cy_handler):
    client.force_login(cy_handler)
    data = worker_data(orgs["BJ-CY-WJ"], name="赵六")
    data["union_org"] = "中关村街道工会"
    r = client.post("/console/workers/new/", data)
    assert r.status_code == 200 and not Worker.objects.exists()
    assert "找不到“中关村街道工会”对应的工会组织" in r.content.decode()
