"""Console pages for stations through Django's test client: scoped list and export, the
create/edit form, Excel import, status review, the reports queue and build targets."""

import datetime
import io
import itertools

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook, load_workbook

from gonghui.hotline.models import Appeal
from gonghui.people.tests.factories import PASSWORD, make_staff
from gonghui.stations import geo, services
from gonghui.stations.excel import TEMPLATE_COLUMNS
from gonghui.stations.models import (
    BuildTarget,
    CheckIn,
    Report,
    Station,
    StationStatus,
    StationType,
    StatusRequest,
)

pytestmark = pytest.mark.django_db

URL = "/console/stations/"
_seq = itertools.count(1)


def make_station(org, *, district=None, status=StationStatus.PLANNED, amenities=(), **extra):
    n = next(_seq)
    amenities = sorted(amenities)
    return Station.objects.create(
        type=StationType.objects.get(code=extra.pop("type", "warm_station")),
        name=extra.pop("name", f"测试驿站{n}"),
        address=extra.pop("address", f"测试路{n}号"),
        org=org,
        district=district or org,
        lat=extra.pop("lat", 39.99),
        lng=extra.pop("lng", 116.47),
        amenities=amenities,
        amenity_bits=services.amenity_bits(amenities),
        hours=extra.pop("hours", "24h"),
        status=status,
        **extra,
    )


@pytest.fixture
def cy_manager(orgs):
    return make_staff("cy_sm", orgs["BJ-CY"], "station_manager")


@pytest.fixture
def stations(orgs):
    return {
        "cy_open": make_station(
            orgs["BJ-CY"], name="望京暖心驿站", status=StationStatus.OPEN,
            amenities=["drinking_water", "toilet"],
        ),
        "cy_planned": make_station(orgs["BJ-CY"], name="朝外职工之家", type="worker_home"),
        "hd": make_station(orgs["BJ-HD"], name="中关村暖心驿站", status=StationStatus.OPEN),
    }  # fmt: skip


def verified_login(client, user):
    """Admins must pass TOTP before any console page."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    r = client.post(
        "/console/login/", {"username": user.username, "password": PASSWORD, "otp": code}
    )
    assert r.status_code == 302
    return client


def xlsx(rows, header=None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header or [h for h, _f in TEMPLATE_COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "stations.xlsx"
    return buf


def sheet_rows(response) -> list[tuple]:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    wb = load_workbook(io.BytesIO(data))
    return list(wb.active.iter_rows(values_only=True))


# --- list, scope, export ----------------------------------------------------------------------


def test_list_is_scoped_and_other_districts_pages_are_404(client, cy_manager, stations):
    client.force_login(cy_manager)
    html = client.get(URL).content.decode()
    assert "望京暖心驿站" in html and "朝外职工之家" in html
    assert "中关村暖心驿站" not in html
    assert 'href="/console/stations/"' in client.get("/console/").content.decode()  # nav link
    hd = stations["hd"]
    assert client.get(f"{URL}{hd.pk}/").status_code == 404
    assert client.get(f"{URL}{hd.pk}/edit/").status_code == 404
    r = client.post(f"{URL}{hd.pk}/edit/", {"name": "改名", "coord_system": "wgs84"})
    assert r.status_code == 404
    r = client.post(f"{URL}{hd.pk}/", {"to_status": "closed"})
    assert r.status_code == 404
    hd.refresh_from_db()
    assert hd.name == "中关村暖心驿站" and not StatusRequest.objects.exists()


def test_htmx_filters_return_rows_only(client, cy_manager, stations):
    client.force_login(cy_manager)
    r = client.get(URL, {"q": "望京"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "<html" not in html and "望京暖心驿站" in html and "朝外职工之家" not in html
    html = client.get(URL, {"type": "worker_home"}, HTTP_HX_REQUEST="true").content.decode()
    assert "朝外职工之家" in html and "望京暖心驿站" not in html
    html = client.get(URL, {"amenity": "toilet"}, HTTP_HX_REQUEST="true").content.decode()
    assert "望京暖心驿站" in html and "朝外职工之家" not in html
    html = client.get(URL, {"status": "open", "district": "BJ-CY"}).content.decode()
    assert "望京暖心驿站" in html and "朝外职工之家" not in html


def test_a_district_sees_stations_located_in_it_but_cannot_edit_them(client, orgs, cy_manager):
    # run by 海淀, located in 朝阳: visible to 朝阳, editable only by 海淀
    s = make_station(orgs["BJ-HD"], district=orgs["BJ-CY"], name="跨区驿站")
    client.force_login(cy_manager)
    assert "跨区驿站" in client.get(URL).content.decode()
    assert client.get(f"{URL}{s.pk}/").status_code == 200
    assert client.get(f"{URL}{s.pk}/edit/").status_code == 403


def test_export_is_the_filtered_list(client, cy_manager, stations):
    client.force_login(cy_manager)
    r = client.get(f"{URL}export.xlsx")
    assert r.status_code == 200
    assert r.streaming  # a write-only workbook streamed from a temporary file
    assert r["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = sheet_rows(r)
    assert rows[0][:3] == ("名称", "类型", "负责工会代码")
    assert {row[0] for row in rows[1:]} == {"望京暖心驿站", "朝外职工之家"}
    rows = sheet_rows(client.get(f"{URL}export.xlsx", {"status": "open"}))
    assert [row[0] for row in rows[1:]] == ["望京暖心驿站"]
    assert rows[1][8] == "饮用水,卫生间" and rows[1][10] == "运营中"


def test_pages_need_the_right_role(client, orgs, stations):
    leader = make_staff("cy_leader", orgs["BJ-CY"], "leader")
    client.force_login(leader)
    assert client.get(URL).status_code == 200  # every role may look
    assert client.get(f"{URL}{stations['cy_open'].pk}/").status_code == 200
    for path in ("new/", "import/", "import/template.xlsx", "reports/", "reviews/"):
        assert client.get(f"{URL}{path}").status_code == 403, path
    assert client.get(f"{URL}{stations['cy_open'].pk}/edit/").status_code == 403
    assert (
        client.post(f"{URL}{stations['cy_open'].pk}/", {"to_status": "closed"}).status_code == 403
    )
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


# --- create / edit ----------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "name": "望京SOHO暖心驿站",
        "type": "warm_station",
        "status": "planned",
        "org": "BJ-CY",
        "district": "BJ-CY",
        "address": "朝阳区望京街10号",
        "coord_system": "wgs84",
        "lat": "39.9967",
        "lng": "116.4807",
        "amenities": ["drinking_water", "phone_charging"],
        "hours": "24h",
        "host_kind": "bank",
        "host_name": "某银行望京支行",
        "contact_phone": "010-64000000",
        "capacity": "",
        "built_year": "",
    }
    data.update(overrides)
    return data


def test_create_form_shows_every_service_error_and_saves_nothing(client, cy_manager):
    client.force_login(cy_manager)
    assert client.get(f"{URL}new/").status_code == 200
    # the responsible union is resolved first (name, pinyin or code, within the scope)
    r = client.post(f"{URL}new/", form_data(org="海淀区总工会"))
    assert r.status_code == 400 and set(r.context["form"].errors) == {"org"}
    assert "找不到“海淀区总工会”对应的工会组织，或它不在您的管辖范围内" in r.content.decode()
    r = client.post(
        f"{URL}new/",
        form_data(name="", lat="116.4807", lng="39.9967", hours='{"mon": 8-20}'),
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "此字段为必填项" in html
    assert "坐标不在中国境内" in html
    assert "开放时间格式有误" in html
    assert "未保存任何内容" in html
    form = r.context["form"]
    assert {"name", "lat", "hours"} <= set(form.errors)
    r = client.post(f"{URL}new/", form_data(status="open", hours='{"someday": []}'))
    assert r.status_code == 400
    assert set(r.context["form"].errors) == {"status", "hours"}
    assert "启用或关闭站点须提交审核" in r.content.decode()
    assert not Station.objects.exists()


def test_responsible_union_is_chosen_and_shown_by_name(client, orgs, cy_manager):
    client.force_login(cy_manager)
    page = client.get(f"{URL}new/").content.decode()
    assert ">\u3000望京街道工会</option>" in page and "负责工会代码" not in page
    r = client.post(f"{URL}new/", form_data(org="wjjdgh"))  # 望京街道工会's initials
    assert r.status_code == 302, r.content.decode()
    station = Station.objects.get()
    assert station.org == orgs["BJ-CY-WJ"]
    detail = client.get(r["Location"]).content.decode()
    assert "望京街道工会" in detail and "BJ-CY-WJ" not in detail


def test_create_converts_map_coordinates_and_saves(client, cy_manager):
    client.force_login(cy_manager)
    r = client.post(
        f"{URL}new/",
        form_data(coord_system="gcj02", hours='{"mon": [["08:00", "20:00"]]}', built_year="2024"),
    )
    assert r.status_code == 302
    s = Station.objects.get()
    assert r["Location"] == f"{URL}{s.pk}/"
    wlat, wlng = geo.to_wgs84(39.9967, 116.4807, "gcj02")
    assert (s.lat, s.lng) == (round(wlat, 7), round(wlng, 7))
    assert s.lat != 39.9967
    assert s.amenities == ["drinking_water", "phone_charging"] and s.amenity_bits
    assert s.hours == {"mon": [["08:00", "20:00"]]}
    assert (s.host_kind, s.built_year, s.status) == ("bank", 2024, "planned")
    page = client.get(r["Location"]).content.decode()
    assert "周一 08:00–20:00" in page and "饮用水、手机充电" in page


def test_edit_form_updates_and_keeps_the_row_on_error(client, cy_manager, stations):
    s = stations["cy_planned"]
    client.force_login(cy_manager)
    page = client.get(f"{URL}{s.pk}/edit/")
    assert page.status_code == 200 and "朝外职工之家" in page.content.decode()
    base = {**page.context["form"].initial, "amenities": ["wifi"], "hours": "24h"}
    bad = client.post(f"{URL}{s.pk}/edit/", {**base, "name": "新名字", "built_year": "1800"})
    assert bad.status_code == 400 and "建成年份无效" in bad.content.decode()
    s.refresh_from_db()
    assert s.name == "朝外职工之家" and s.amenities == []
    ok = client.post(f"{URL}{s.pk}/edit/", {**base, "name": "新名字"})
    assert ok.status_code == 302
    s.refresh_from_db()
    assert s.name == "新名字" and s.amenities == ["wifi"] and s.hours == "24h"


# --- Excel import -----------------------------------------------------------------------------


def import_row(name, **kw):
    values = {
        "名称": name, "类型": "户外劳动者暖心驿站", "负责工会代码": "BJ-CY",
        "所在区代码": "BJ-CY", "地址": f"{name}路1号", "纬度": 39.99, "经度": 116.47,
        "坐标系": "wgs84", "服务设施": "饮用水，热水", "开放时间": "24h", "状态": "规划中",
        "依托单位": "", "联系电话": "", "建成年份": None,
    }  # fmt: skip
    values.update(kw)
    return [values[h] for h, _f in TEMPLATE_COLUMNS]


def test_import_creates_then_updates_with_a_row_report(client, cy_manager):
    client.force_login(cy_manager)
    page = client.get(f"{URL}import/")
    assert page.status_code == 200 and "下载模板" in page.content.decode()
    template = client.get(f"{URL}import/template.xlsx")
    assert sheet_rows(template)[0] == tuple(h for h, _f in TEMPLATE_COLUMNS)

    rows = [
        import_row("甲驿站"),
        import_row(
            "乙之家", 类型="worker_home", 服务设施="toilet,wifi", 坐标系="bd09",
            开放时间='{"mon": [["09:00", "18:00"]]}', 联系电话=1064000000, 建成年份=2023,
        ),
    ]  # fmt: skip
    r = client.post(f"{URL}import/", {"file": xlsx(rows)})
    assert r.status_code == 200, r.content.decode()
    html = r.content.decode()
    assert "导入完成：新建 2 个，更新 0 个" in html
    a, b = Station.objects.order_by("id")
    assert a.amenities == ["drinking_water", "hot_water"] and a.hours == "24h"
    assert b.type.code == "worker_home" and b.hours == {"mon": [["09:00", "18:00"]]}
    assert b.contact_phone == "1064000000" and b.built_year == 2023
    assert (b.lat, b.lng) != (39.99, 116.47)  # converted from BD-09
    assert f'href="{URL}{a.pk}/"' in html

    r = client.post(f"{URL}import/", {"file": xlsx([import_row("甲驿站", 联系电话="010-1")])})
    assert "新建 0 个，更新 1 个" in r.content.decode()
    a.refresh_from_db()
    assert a.contact_phone == "010-1" and Station.objects.count() == 2


def test_import_is_all_or_nothing_with_the_reasons_per_row(client, cy_manager):
    client.force_login(cy_manager)
    rows = [
        import_row("好驿站"),
        import_row("越权驿站", 负责工会代码="BJ-HD"),
        import_row("坏驿站", 服务设施="饮用水,按摩椅", 开放时间="早八晚八", 状态="运营中"),
    ]
    r = client.post(f"{URL}import/", {"file": xlsx(rows)})
    assert r.status_code == 400
    html = r.content.decode()
    assert "校验未通过，未导入任何数据" in html
    report = {row["row"]: row for row in r.context["report"]}
    assert report[2]["result"] != "rejected" and "无错误（未导入）" in html
    assert report[3]["problems"] == [("负责工会代码", "负责工会不存在或不在您的管辖范围内")]
    problems = dict(report[4]["problems"])
    assert problems["服务设施"] == "未知的服务设施：按摩椅"
    assert "开放时间" in problems and problems["状态"] == "启用或关闭站点须提交审核"
    assert not Station.objects.exists()


def test_import_rejects_a_sheet_without_the_columns(client, cy_manager):
    client.force_login(cy_manager)
    r = client.post(f"{URL}import/", {"file": xlsx([["x"]], header=["名称"])})
    assert r.status_code == 400 and "缺少列" in r.content.decode()
    bogus = io.BytesIO(b"not a spreadsheet")
    bogus.name = "x.xlsx"
    r = client.post(f"{URL}import/", {"file": bogus})
    assert r.status_code == 400 and "无法读取文件" in r.content.decode()


# --- status review ----------------------------------------------------------------------------


def test_open_request_is_reviewed_and_approved(client, orgs, cy_manager, stations):
    s = stations["cy_planned"]
    client.force_login(cy_manager)
    r = client.post(f"{URL}{s.pk}/", {"to_status": "open", "effective_on": "2025-06-01"})
    assert r.status_code == 302
    req = StatusRequest.objects.get()
    assert (req.station, req.to_status, req.state) == (s, "open", "pending")
    again = client.post(f"{URL}{s.pk}/", {"to_status": "closed"})
    assert again.status_code == 400 and "已有待审核的申请" in again.content.decode()
    assert StatusRequest.objects.count() == 1
    assert client.get(f"{URL}reviews/").status_code == 403  # managers don't review

    hd_admin = make_staff("hd_admin", orgs["BJ-HD"], "admin")
    verified_login(client, hd_admin)
    assert "朝外职工之家" not in client.get(f"{URL}reviews/").content.decode()
    r = client.post(f"{URL}reviews/", {"request_id": req.pk, "decision": "approve"})
    assert r.status_code == 404

    city_admin = make_staff("city_admin", orgs["BJ"], "admin")
    verified_login(client, city_admin)
    page = client.get(f"{URL}reviews/").content.decode()
    assert "朝外职工之家" in page and "批准" in page
    r = client.post(f"{URL}reviews/", {"request_id": req.pk, "decision": "approve"}, follow=True)
    assert "已批准：朝外职工之家" in r.content.decode()
    s.refresh_from_db()
    req.refresh_from_db()
    assert s.status == "open" and s.opened_on == datetime.date(2025, 6, 1)
    assert req.state == "approved" and req.reviewed_by == city_admin
    r = client.post(f"{URL}reviews/", {"request_id": req.pk, "decision": "reject"}, follow=True)
    assert "该申请已处理" in r.content.decode()


# --- reports ----------------------------------------------------------------------------------


def test_reports_queue_handle_and_escalate_to_12351(client, cy_manager, stations):
    cy, hd = stations["cy_open"], stations["hd"]
    broken = Report.objects.create(station=cy, kind="broken", text="饮水机坏了")
    rating = Report.objects.create(station=cy, kind="rating", rating=2, text="太冷")
    other = Report.objects.create(station=hd, kind="other", text="海淀的问题")
    client.force_login(cy_manager)
    html = client.get(f"{URL}reports/").content.decode()
    assert "饮水机坏了" in html and "海淀的问题" not in html
    assert 'name="contact_phone"' in html  # no worker phone on these reports

    r = client.post(f"{URL}reports/", {"report_id": other.pk, "action": "handle"})
    assert r.status_code == 404
    assert client.post(f"{URL}reports/", {"report_id": "x", "action": "handle"}).status_code == 404

    r = client.post(f"{URL}reports/", {"report_id": broken.pk, "action": "escalate"})
    assert r.status_code == 400 and "请填写手机号" in r.content.decode()
    assert not Appeal.objects.exists()

    r = client.post(
        f"{URL}reports/",
        {"report_id": broken.pk, "action": "escalate", "contact_phone": "13812345678"},
        follow=True,
    )
    appeal = Appeal.objects.get()
    assert f"已转为12351诉求 {appeal.number}" in r.content.decode()
    assert appeal.category.code == "STATION" and appeal.district.code == "BJ-CY"
    assert "饮水机坏了" in appeal.content and appeal.contact_phone == "13812345678"
    broken.refresh_from_db()
    assert broken.state == "escalated" and broken.appeal == appeal

    assert (
        client.post(f"{URL}reports/", {"report_id": rating.pk, "action": "handle"}).status_code
        == 302
    )
    rating.refresh_from_db()
    assert rating.state == "handled"
    html = client.get(f"{URL}reports/").content.decode()
    assert "没有反馈" in html
    html = client.get(f"{URL}reports/?state=all").content.decode()
    assert appeal.number in html


# --- targets ----------------------------------------------------------------------------------


def test_targets_page_with_chart_and_checkins(client, orgs, cy_manager, stations):
    warm = StationType.objects.get(code="warm_station")
    BuildTarget.objects.create(org=orgs["BJ-CY"], year=2025, type=warm, count=4)
    BuildTarget.objects.create(org=orgs["BJ-HD"], year=2025, type=warm, count=2)
    Station.objects.filter(pk=stations["cy_open"].pk).update(opened_on=datetime.date(2025, 3, 1))
    CheckIn.objects.create(station=stations["cy_open"])
    CheckIn.objects.create(station=stations["cy_open"])
    CheckIn.objects.create(station=stations["hd"])

    leader = make_staff("city_leader", orgs["BJ"], "leader")
    client.force_login(leader)
    r = client.get(f"{URL}targets/", {"year": 2025})
    assert r.status_code == 200
    html = r.content.decode()
    assert "2025年建设目标" in html and "北京市总工会" in html
    assert "朝阳区总工会" in html and ">25%<" in html and "25.0%" not in html  # core/numbers
    assert "vendor/echarts/echarts.min.js" in html and 'id="targets-data"' in html
    chart = {c["org"]: c for c in r.context["chart"]}
    assert chart["朝阳区总工会"] == {"org": "朝阳区总工会", "target": 4, "opened": 1}
    assert chart["海淀区总工会"]["opened"] == 0
    assert r.context["checkins_total"] == 3

    client.force_login(cy_manager)
    r = client.get(f"{URL}targets/", {"year": 2025})
    assert r.status_code == 200 and r.context["org"].code == "BJ-CY"
    assert r.context["checkins_total"] == 2
    assert client.get(f"{URL}targets/", {"org": "BJ-HD"}).status_code == 404


def test_station_page_photo_and_closure_dates(client, orgs, settings, tmp_path):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.people.tests.factories import make_staff
    from gonghui.stations.models import Station, StationType

    settings.MEDIA_ROOT = tmp_path
    manager = make_staff("cy_mgr_photo", orgs["BJ-CY"], "station_manager")
    station = Station.objects.create(
        type=StationType.objects.get(code="warm_station"), name="照片驿站", org=orgs["BJ-CY"],
        district=orgs["BJ-CY"], address="朝阳路1号", lat=39.92, lng=116.44, status="open",
        hours="24h",
    )  # fmt: skip
    client.force_login(manager)
    url = f"/console/stations/{station.pk}/"
    bad = SimpleUploadedFile("x.png", b"GIF89a....", content_type="image/png")
    assert client.post(url, {"action": "photo", "file": bad}).status_code == 400
    good = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    assert client.post(url, {"action": "photo", "file": good}).status_code == 302
    photo = station.photos.get()
    assert client.get(f"/stations/photos/{photo.pk}/").status_code == 200
    day = datetime.date.today() + datetime.timedelta(days=3)
    r = client.post(url, {"action": "exception", "date": day.isoformat(), "note": "春节闭站"})
    assert r.status_code == 302
    assert station.exceptions.get().ranges == []
    r = client.post(url, {"action": "exception", "date": "bad"})
    assert r.status_code == 400
    other = make_staff("hd_mgr_photo", orgs["BJ-HD"], "station_manager")
    client.force_login(other)
    assert client.post(url, {"action": "photo", "file": good}).status_code == 404


def test_import_refuses_a_number_excel_cut_to_15_digits(client, cy_manager):
    """Any cell holding a number of 16 digits or more has lost digits in Excel (core/excel)."""
    client.force_login(cy_manager)
    rows = [import_row("甲驿站", 联系电话=1.06400000012345e16)]
    r = client.post(f"{URL}import/", {"file": xlsx(rows)})
    html = r.content.decode()
    assert r.status_code == 400 and Station.objects.count() == 0
    assert "第2行 联系电话：单元格是数字格式，Excel 只保留15位有效数字，已丢失末尾数字" in html


def test_a_problem_at_a_station_without_a_manager_goes_to_12351(orgs):
    """Issue 13: a report must reach someone. No station manager covers 海淀 here, so a
    logged-in worker's problem report is filed as a 12351 appeal at once (the district union
    handles it); a rating, or a station with a manager, stays in the reports queue."""
    from gonghui.people import auth

    account = auth.sign_in_worker("13912340001")
    hd = make_station(orgs["BJ-HD"], status=StationStatus.OPEN)
    report = services.report_problem(
        station=hd, kind="broken", text="门锁坏了", worker_account=account
    )
    appeal = Appeal.objects.get()
    assert report.state == "escalated" and report.appeal == appeal
    assert appeal.district.code == "BJ-HD" and appeal.contact_phone == "13912340001"
    assert "门锁坏了" in appeal.content
    rating = services.report_problem(station=hd, kind="rating", rating=2, worker_account=account)
    assert rating.state == "open" and Appeal.objects.count() == 1
    anonymous = services.report_problem(station=hd, kind="broken", text="没人")
    assert anonymous.state == "open" and Appeal.objects.count() == 1
    # with a station manager for 海淀 the report waits in their queue
    make_staff("hd_sm", orgs["BJ-HD"], "station_manager")
    managed = services.report_problem(
        station=hd, kind="broken", text="灯坏了", worker_account=account
    )
    assert managed.state == "open" and Appeal.objects.count() == 1
