"""Console pages for 普惠服务项目 through Django's test client: the scoped list, the project
form, review by the organiser's superior, sessions, check-in (tick-boxes, scanned worker
codes, walk-ins), the masked roster export and the statistics."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.people.tests.factories import make_staff
from gonghui.services import enrollment
from gonghui.services.models import (
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Project,
    ProjectStatus,
    Session,
    WalkIn,
)
from gonghui.services.tests.factories import (
    make_project,
    make_session,
    make_social_worker,
    project_data,
)

pytestmark = pytest.mark.django_db

URL = "/console/services/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def cy_sw(orgs):
    return make_social_worker(orgs["BJ-CY"], "cy_sw")


@pytest.fixture
def hd_sw(orgs):
    return make_social_worker(orgs["BJ-HD"], "hd_sw")


@pytest.fixture
def bj_sw(orgs):
    return make_social_worker(orgs["BJ"], "bj_sw")


@pytest.fixture
def projects(orgs):
    cy = make_project(organiser=orgs["BJ-CY"], title="朝阳心理关爱讲座", category="psych")
    hd = make_project(organiser=orgs["BJ-HD"], title="海淀法律咨询", category="legal")
    return {"cy": cy, "hd": hd, "cy_s": make_session(cy), "hd_s": make_session(hd)}


def sheet_cells(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [
        cell
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]


def local_input(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


# --- list and scope ---------------------------------------------------------------------------


def test_list_is_scoped_and_other_districts_pages_are_404(client, cy_sw, projects):
    client.force_login(cy_sw)
    html = client.get(URL).content.decode()
    assert "朝阳心理关爱讲座" in html and "海淀法律咨询" not in html
    hd, hd_s = projects["hd"], projects["hd_s"]
    for path in (
        f"{hd.pk}/",
        f"{hd.pk}/edit/",
        f"{hd.pk}/sessions/new/",
        f"sessions/{hd_s.pk}/",
        f"sessions/{hd_s.pk}/edit/",
        f"sessions/{hd_s.pk}/qr.svg",
        f"sessions/{hd_s.pk}/roster.xlsx",
    ):
        assert client.get(f"{URL}{path}").status_code == 404, path
    assert client.post(f"{URL}{hd.pk}/action/", {"action": "unpublish"}).status_code == 404
    assert client.post(f"{URL}{hd.pk}/edit/", project_data("BJ-HD")).status_code == 404
    assert client.post(f"{URL}{hd.pk}/images/", {"file": PNG}).status_code == 404
    for data in (
        {"action": "walkin", "count": "5", "note": "现场"},
        {"action": "mark", "worker_ids": ["1"]},
        {"action": "scan", "code": "x"},
    ):
        assert client.post(f"{URL}sessions/{hd_s.pk}/", data).status_code == 404
    hd.refresh_from_db()
    assert hd.status == ProjectStatus.PUBLISHED and not WalkIn.objects.exists()
    # and the other way round
    client.force_login(make_social_worker(hd.organiser, "hd_sw2"))
    assert client.get(f"{URL}{projects['cy'].pk}/").status_code == 404
    assert "朝阳心理关爱讲座" not in client.get(URL).content.decode()


def test_filters_and_htmx_rows(client, orgs, cy_sw, projects):
    make_project(organiser=orgs["BJ-CY"], title="夏送清凉进工地", category="summer_cooling",
                 campaign="summer_cooling", status=ProjectStatus.DRAFT)  # fmt: skip
    client.force_login(cy_sw)
    html = client.get(URL, {"q": "清凉"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "夏送清凉进工地" in html and "朝阳心理关爱讲座" not in html
    html = client.get(URL, {"status": "draft"}).content.decode()
    assert "夏送清凉进工地" in html and "朝阳心理关爱讲座" not in html
    html = client.get(URL, {"category": "psych"}).content.decode()
    assert "朝阳心理关爱讲座" in html and "夏送清凉进工地" not in html
    html = client.get(URL, {"campaign": "summer_cooling"}).content.decode()
    assert "夏送清凉进工地" in html and "朝阳心理关爱讲座" not in html
    assert client.get(URL, {"status": "nonsense", "page": "x"}).status_code == 200


def test_read_only_roles_see_but_cannot_act(client, orgs, projects):
    leader = make_staff("cy_leader", orgs["BJ-CY"], "leader")
    client.force_login(leader)
    cy, cy_s = projects["cy"], projects["cy_s"]
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{cy.pk}/").status_code == 200
    assert client.get(f"{URL}sessions/{cy_s.pk}/").status_code == 200
    assert client.get(f"{URL}new/").status_code == 403
    assert client.get(f"{URL}{cy.pk}/edit/").status_code == 403
    assert client.get(f"{URL}{cy.pk}/sessions/new/").status_code == 403
    assert client.get(f"{URL}sessions/{cy_s.pk}/edit/").status_code == 403
    r = client.post(f"{URL}sessions/{cy_s.pk}/", {"action": "walkin", "count": "3", "note": "x"})
    assert r.status_code == 403 and not WalkIn.objects.exists()
    handler = make_staff("cy_handler2", orgs["BJ-CY"], "case_handler")  # no services.view
    client.force_login(handler)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{cy.pk}/").status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302


# --- create / edit ----------------------------------------------------------------------------


def test_create_form_shows_service_errors_and_saves_nothing(client, cy_sw):
    client.force_login(cy_sw)
    assert client.get(f"{URL}new/").status_code == 200
    # the organiser is resolved first (by name, pinyin or code, within the scope)
    r = client.post(f"{URL}new/", project_data("海淀区总工会", title="x"))
    assert r.status_code == 400
    assert "找不到“海淀区总工会”对应的工会组织，或它不在您的管辖范围内" in r.content.decode()
    r = client.post(
        f"{URL}new/",
        {"title": "", "organiser": "BJ-CY", "category": "", "starts_on": "2026-13-01",
         "ends_on": "", "budget": "abc", "employer_codes": "123"},
    )  # fmt: skip
    assert r.status_code == 400
    html = r.content.decode()
    for message in (
        "此字段为必填项",
        "类别无效",
        "日期格式应为 YYYY-MM-DD",
        "预算应为不小于0的金额",
        "统一社会信用代码应为18位",
    ):
        assert message in html, message
    assert not Project.objects.exists()


def test_organiser_is_chosen_by_name_and_shown_by_name(client, orgs, cy_sw):
    client.force_login(cy_sw)
    page = client.get(f"{URL}new/").content.decode()
    assert 'name="organiser"' in page and ">\u3000望京街道工会</option>" in page
    r = client.post(f"{URL}new/", project_data("望京街道", title="按名称选择主办工会"))
    assert r.status_code == 302, r.content.decode()
    project = Project.objects.get()
    assert project.organiser == orgs["BJ-CY-WJ"]
    html = client.get(f"{URL}{project.pk}/").content.decode()
    assert "望京街道工会" in html and "BJ-CY-WJ" not in html


def test_stats_org_is_taken_by_name_or_pinyin(client, cy_sw, stats_data):
    client.force_login(cy_sw)
    for text in ("朝阳区总工会", "chaoyang", "BJ-CY"):
        r = client.get(f"{URL}stats/", {**STATS, "org": text})
        assert r.status_code == 200 and r.context["s"]["org"] == "BJ-CY", text
    r = client.get(f"{URL}stats/", {**STATS, "org": "朝外"})  # 街道 and its grassroots unions
    assert r.status_code == 400 and "对应多个工会组织" in r.content.decode()
    page = client.get(f"{URL}stats/", STATS).content.decode()
    assert "组织代码" not in page and "data-org-picker" in page


def test_create_and_edit_a_project(client, orgs, cy_sw):
    client.force_login(cy_sw)
    data = project_data(
        "BJ-CY-WJ",
        title="新就业形态劳动者关爱",
        campaign="winter_warmth",
        budget="12000.5",
        members_only="on",
        employment_forms=["courier", "food_delivery"],
        sexes=["F"],
        districts=["BJ-CY"],
        partners="朝阳医院\n某律师事务所",
        description="介绍",
    )
    r = client.post(f"{URL}new/", data)
    assert r.status_code == 302
    project = Project.objects.get()
    assert r["Location"] == f"{URL}{project.pk}/"
    assert project.organiser == orgs["BJ-CY-WJ"] and project.status == ProjectStatus.DRAFT
    assert project.employment_forms == ["courier", "food_delivery"] and project.sexes == ["F"]
    assert project.other_partners == ["朝阳医院", "某律师事务所"] and project.members_only
    assert list(project.districts.values_list("code", flat=True)) == ["BJ-CY"]
    assert str(project.budget) == "12000.50" and project.created_by == cy_sw
    html = client.get(f"{URL}{project.pk}/").content.decode()
    assert "快递员" in html and "冬送温暖" in html and "朝阳医院" in html
    # edit: clear the restrictions
    r = client.post(f"{URL}{project.pk}/edit/", project_data("BJ-CY-WJ", title="改名"))
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.title == "改名" and project.employment_forms == [] and not project.members_only
    assert not project.districts.exists()
    # the edit page lists the sessions
    make_session(project, title="第一场")
    assert "第一场" in client.get(f"{URL}{project.pk}/edit/").content.decode()


def test_pending_project_cannot_be_edited(client, orgs, cy_sw):
    project = make_project(organiser=orgs["BJ-CY"], status=ProjectStatus.PENDING)
    client.force_login(cy_sw)
    r = client.post(f"{URL}{project.pk}/edit/", project_data("BJ-CY", title="改名"))
    assert r.status_code == 409
    assert "撤回后才能修改" in r.content.decode()
    project.refresh_from_db()
    assert project.title != "改名"


# --- review -----------------------------------------------------------------------------------


def test_review_by_the_organisers_superior(client, orgs, cy_sw, bj_sw):
    client.force_login(cy_sw)
    client.post(f"{URL}new/", project_data("BJ-CY"))
    project = Project.objects.get()
    action = f"{URL}{project.pk}/action/"
    r = client.post(action, {"action": "submit"})
    assert r.status_code == 400 and "请先添加至少一个活动场次" in r.content.decode()
    make_session(project)
    assert client.post(action, {"action": "submit"}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.PENDING
    # the organiser's own district cannot approve it
    assert client.get(f"{URL}reviews/").status_code == 200  # social workers hold review
    r = client.post(action, {"action": "approve"})
    assert r.status_code == 403 and "需由主办工会的上级工会审核" in r.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.PENDING
    # the city federation reviews
    client.force_login(bj_sw)
    html = client.get(f"{URL}reviews/").content.decode()
    assert "职工心理健康讲座" in html
    r = client.post(action, {"action": "reject", "note": " ", "next": "reviews"})
    assert r.status_code == 400 and "驳回时请填写理由" in r.content.decode()
    r = client.post(action, {"action": "approve", "next": "reviews"})
    assert r.status_code == 302 and r["Location"] == f"{URL}reviews/"
    project.refresh_from_db()
    assert project.status == ProjectStatus.PUBLISHED and project.reviewed_by == bj_sw
    assert "职工心理健康讲座" not in client.get(f"{URL}reviews/").content.decode()
    r = client.post(action, {"action": "approve"})
    assert r.status_code == 409 and "不能执行该操作" in r.content.decode()
    # unpublish (either side), resubmit, reject with a reason, withdraw
    client.force_login(cy_sw)
    assert client.post(action, {"action": "unpublish"}).status_code == 302
    assert client.post(action, {"action": "submit"}).status_code == 302
    client.force_login(bj_sw)
    assert client.post(action, {"action": "reject", "note": "预算不清"}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT and project.review_note == "预算不清"
    client.force_login(cy_sw)
    assert "预算不清" in client.get(f"{URL}{project.pk}/").content.decode()
    client.post(action, {"action": "submit"})
    assert client.post(action, {"action": "withdraw"}).status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert client.post(action, {"action": "explode"}).status_code == 404


def test_other_district_cannot_review_and_own_submission_is_marked(client, orgs, hd_sw, bj_sw):
    project = make_project(organiser=orgs["BJ-CY"], status=ProjectStatus.PENDING,
                           created_by=bj_sw)  # fmt: skip
    client.force_login(hd_sw)
    assert client.post(f"{URL}{project.pk}/action/", {"action": "approve"}).status_code == 404
    assert "测试项目" not in client.get(f"{URL}reviews/").content.decode()
    client.force_login(bj_sw)  # listed, but one cannot approve one's own submission
    assert "本人提交，须由他人审核" in client.get(f"{URL}reviews/").content.decode()
    assert client.post(f"{URL}{project.pk}/action/", {"action": "approve"}).status_code == 403


# --- sessions ---------------------------------------------------------------------------------


def test_session_form_errors_and_create(client, orgs, cy_sw):
    project = make_project(organiser=orgs["BJ-CY"], status=ProjectStatus.DRAFT)
    client.force_login(cy_sw)
    url = f"{URL}{project.pk}/sessions/new/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"starts_at": "tomorrow", "ends_at": "", "capacity": "-3"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "时间格式应为 YYYY-MM-DDTHH:MM" in html and "名额应为正整数" in html
    assert "线下活动请填写地点或选择驿站" in html
    r = client.post(url, {"station": "999999", "capacity": "5"})  # not an offered choice
    assert r.status_code == 400
    start = timezone.now() + datetime.timedelta(days=3)
    r = client.post(
        url,
        {"title": "第一场", "starts_at": local_input(start),
         "ends_at": local_input(start + datetime.timedelta(hours=2)),
         "place": "朝阳区职工之家", "capacity": "30", "cancel_cutoff_hours": "12"},
    )  # fmt: skip
    assert r.status_code == 302
    session = Session.objects.get()
    assert r["Location"] == f"{URL}sessions/{session.pk}/"
    assert session.capacity == 30 and session.cancel_cutoff_hours == 12
    assert session.signup_closes_at == session.starts_at


def test_raising_capacity_promotes_the_waitlist(client, orgs, cy_sw, cy_worker, hd_worker):
    project = make_project(organiser=orgs["BJ-CY"])
    session = make_session(project, capacity=1)
    enrollment.enroll(worker=cy_worker, session_id=session.pk)
    waiting = enrollment.enroll(worker=hd_worker, session_id=session.pk)
    assert waiting.status == EnrollmentStatus.WAITLISTED
    client.force_login(cy_sw)
    url = f"{URL}sessions/{session.pk}/edit/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"capacity": "0", "place": session.place})
    assert r.status_code == 400 and "名额应为正整数" in r.content.decode()
    assert client.post(url, {"capacity": "2", "place": session.place}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.ENROLLED


def test_session_page_shows_qr_and_masked_roster(client, orgs, cy_sw, cy_worker, projects):
    session = projects["cy_s"]
    enrollment.enroll(worker=cy_worker, session_id=session.pk)
    client.force_login(cy_sw)
    html = client.get(f"{URL}sessions/{session.pk}/").content.decode()
    assert f"http://testserver/services/checkin/{session.qr_token}/" in html
    assert "<svg" in html
    assert "王**" in html and "138****5678" in html
    assert "王朝阳" not in html and "13812345678" not in html
    r = client.get(f"{URL}sessions/{session.pk}/qr.svg")
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    assert r.content.startswith(b"<svg") or b"<svg" in r.content[:200]


# --- check-in ---------------------------------------------------------------------------------


@pytest.fixture
def live_session(orgs):
    """A published 朝阳 session starting in 30 minutes (check-in open)."""
    project = make_project(organiser=orgs["BJ-CY"], title="正在进行的活动")
    return make_session(project, starts_in=datetime.timedelta(minutes=30))


def test_mark_attendance_with_tick_boxes(client, cy_sw, cy_worker, hd_worker, live_session):
    e1 = enrollment.enroll(worker=cy_worker, session_id=live_session.pk)
    enrollment.enroll(worker=hd_worker, session_id=live_session.pk)
    client.force_login(cy_sw)
    url = f"{URL}sessions/{live_session.pk}/"
    html = client.get(url).content.decode()
    assert f'name="worker_ids" value="{cy_worker.pk}"' in html
    r = client.post(url, {"action": "mark"})
    assert r.status_code == 400 and "请勾选要登记签到的职工" in r.content.decode()
    for bad in ("abc", "-1", str(10**30)):
        r = client.post(url, {"action": "mark", "worker_ids": [bad]})
        assert r.status_code == 400 and "勾选的职工无效" in r.content.decode()
    r = client.post(url, {"action": "cancel", "enrollment_id": str(10**30)})
    assert r.status_code == 404
    r = client.post(url, {"action": "mark", "worker_ids": [str(cy_worker.pk + hd_worker.pk)]})
    assert r.status_code == 400 and "未报名本场次" in r.content.decode()
    r = client.post(url, {"action": "mark", "worker_ids": [str(cy_worker.pk)]})
    assert r.status_code == 302 and r["Location"].endswith("#roster")
    attendance = Attendance.objects.get()
    assert attendance.worker == cy_worker and attendance.method == "staff_mark"
    html = client.get(url).content.decode()
    assert "已登记签到 1 人" in html
    assert f'name="worker_ids" value="{cy_worker.pk}"' not in html  # ticked already
    assert f'name="worker_ids" value="{hd_worker.pk}"' in html
    # cancelling a place from the roster
    e2 = Enrollment.objects.get(worker=hd_worker)
    assert client.post(url, {"action": "cancel", "enrollment_id": str(e2.pk)}).status_code == 302
    e2.refresh_from_db()
    assert e2.status == EnrollmentStatus.CANCELLED
    assert client.post(url, {"action": "cancel", "enrollment_id": "0"}).status_code == 404
    e1.refresh_from_db()
    assert e1.status == EnrollmentStatus.ENROLLED


def test_scanning_a_worker_code_twice(client, cy_sw, cy_worker, live_session, projects):
    e = enrollment.enroll(worker=cy_worker, session_id=live_session.pk)
    client.force_login(cy_sw)
    url = f"{URL}sessions/{live_session.pk}/"
    r = client.post(url, {"action": "scan", "code": ""})
    assert r.status_code == 400 and "请扫描或输入职工签到码" in r.content.decode()
    r = client.post(url, {"action": "scan", "code": "garbage"})
    assert r.status_code == 400 and "无法识别的签到码" in r.content.decode()
    # a code for another session
    other = enrollment.enroll(worker=cy_worker, session_id=projects["cy_s"].pk)
    r = client.post(url, {"action": "scan", "code": enrollment.worker_code(other)})
    assert r.status_code == 400 and "该签到码不属于本场次" in r.content.decode()
    code = enrollment.worker_code(e)
    r = client.post(url, {"action": "scan", "code": f" {code}\n"}, follow=True)
    assert r.status_code == 200 and "签到成功：王**（138****5678）" in r.content.decode()
    assert Attendance.objects.get().method == "staff_scan"
    r = client.post(url, {"action": "scan", "code": code})
    assert r.status_code == 409
    assert "已签到" in r.content.decode() and "无需重复签到" in r.content.decode()
    assert Attendance.objects.count() == 1


def test_walk_in_validation_and_record(client, cy_sw, live_session):
    client.force_login(cy_sw)
    url = f"{URL}sessions/{live_session.pk}/"
    for data, message in (
        ({"count": "", "note": "发放清凉用品"}, "人次应为1至100000之间的整数"),
        ({"count": "abc", "note": "发放清凉用品"}, "人次应为1至100000之间的整数"),
        ({"count": "0", "note": "发放清凉用品"}, "人次应为1至100000之间的整数"),
        ({"count": "2.5", "note": "发放清凉用品"}, "人次应为1至100000之间的整数"),
        ({"count": "300", "note": "  "}, "请说明服务内容和地点"),
    ):
        r = client.post(url, {"action": "walkin", **data})
        assert r.status_code == 400, data
        assert message in r.content.decode(), data
    assert not WalkIn.objects.exists()
    r = client.post(url, {"action": "walkin", "count": "300", "note": "工地发放清凉用品"})
    assert r.status_code == 302
    walk_in = WalkIn.objects.get()
    assert walk_in.count == 300 and walk_in.recorded_by == cy_sw
    html = client.get(url).content.decode()
    assert "工地发放清凉用品" in html and 'id="n-person-times">300<' in html
    assert client.post(url, {"action": "nonsense"}).status_code == 404


def test_staff_enrol_a_worker_by_phone(client, cy_sw, cy_worker, hd_worker, live_session):
    client.force_login(cy_sw)
    url = f"{URL}sessions/{live_session.pk}/"
    r = client.post(url, {"action": "enroll", "lookup": "王朝阳"})
    assert r.status_code == 400 and "请填写完整的11位手机号或18位身份证号" in r.content.decode()
    r = client.post(url, {"action": "enroll", "lookup": "13987654321"})  # a 海淀 worker
    assert r.status_code == 400 and "未找到该职工" in r.content.decode()
    r = client.post(url, {"action": "enroll", "lookup": "138 1234 5678"})
    assert r.status_code == 302
    assert Enrollment.objects.get().worker == cy_worker
    r = client.post(url, {"action": "enroll", "lookup": "13812345678"})
    assert r.status_code == 409 and "已报名" in r.content.decode()


# --- roster export ----------------------------------------------------------------------------


def test_roster_export_is_masked(client, cy_sw, cy_worker, hd_worker, live_session):
    enrollment.enroll(worker=cy_worker, session_id=live_session.pk)
    enrollment.enroll(worker=hd_worker, session_id=live_session.pk)
    enrollment.mark_attendance(actor=cy_sw, session_id=live_session.pk, worker_ids=[cy_worker.pk])
    enrollment.record_walk_in(actor=cy_sw, session_id=live_session.pk, count=5, note="现场咨询")
    client.force_login(cy_sw)
    r = client.get(f"{URL}sessions/{live_session.pk}/roster.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    cells = [str(c) for c in sheet_cells(r.content)]
    text = " ".join(cells)
    assert "13812345678" not in text and "13987654321" not in text
    assert "王朝阳" not in text and "李海淀" not in text
    assert cy_worker.id_number not in text
    assert "138****5678" in cells and "王**" in cells and "139****4321" in cells
    assert "现场咨询" in cells


# --- statistics -------------------------------------------------------------------------------


@pytest.fixture
def stats_data(orgs, cy_worker, hd_worker):
    """朝阳: a psych project (2 sessions: 2 + 1 check-ins, 10 walk-ins) and a legal project
    (1 session, 1 check-in); 海淀: one session with 1 check-in; plus a 朝阳 session outside
    the period."""
    now = timezone.now()
    at = timezone.make_aware(datetime.datetime(2025, 6, 10, 9, 0))
    psych = make_project(organiser=orgs["BJ-CY"], title="心理关爱", category="psych",
                         campaign="summer_cooling")  # fmt: skip
    legal = make_project(organiser=orgs["BJ-CY-WJ"], title="法律服务进社区", category="legal")
    hd = make_project(organiser=orgs["BJ-HD"], title="海淀项目", category="psych")
    s1 = make_session(psych, starts_at=at)
    s2 = make_session(psych, starts_at=at + datetime.timedelta(days=5))
    s3 = make_session(legal, starts_at=at + datetime.timedelta(days=1))
    s4 = make_session(hd, starts_at=at)
    s_out = make_session(psych, starts_at=at + datetime.timedelta(days=60))
    for session, worker in (
        (s1, cy_worker), (s1, hd_worker), (s2, cy_worker), (s3, cy_worker), (s4, hd_worker),
        (s_out, hd_worker),
    ):  # fmt: skip
        Attendance.objects.create(session=session, worker=worker, method="staff_mark", at=now)
    WalkIn.objects.create(session=s2, count=10, note="现场")
    return {"psych": psych, "legal": legal}


STATS = {"from": "2025-06-01", "to": "2025-06-30"}


def test_stats_numbers_on_a_known_data_set(client, orgs, cy_sw, bj_sw, stats_data):
    client.force_login(cy_sw)
    r = client.get(f"{URL}stats/", STATS)  # org defaults to 朝阳
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="s-person-times">14<' in html  # 4 check-ins + 10 walk-ins
    s = r.context["s"]
    assert s["org"] == "BJ-CY"
    assert (s["person_times"], s["persons"], s["walk_ins"], s["sessions"], s["projects"]) == (
        14, 2, 10, 3, 2,
    )  # fmt: skip
    by_category = {row.key: row for row in s["by_category"]}
    assert (by_category["psych"].person_times, by_category["psych"].persons) == (13, 2)
    assert (by_category["legal"].person_times, by_category["legal"].persons) == (1, 1)
    assert by_category["psych"].name == "心理关爱" and by_category["psych"].walk_ins == 10
    by_campaign = {row.key: row for row in s["by_campaign"]}
    assert by_campaign["summer_cooling"].name == "夏送清凉"
    assert by_campaign[""].person_times == 1
    assert r.context["chart"][0] == {"name": "心理关爱", "person_times": 13, "persons": 2}
    assert [row.key for row in s["by_child"]] == ["BJ-CY-WJ"]
    assert "echarts" in html and 'id="category-chart"' in html
    # the city sees 海淀 too
    client.force_login(bj_sw)
    s = client.get(f"{URL}stats/", {**STATS, "org": "BJ"}).context["s"]
    assert (s["person_times"], s["persons"], s["sessions"]) == (15, 2, 4)
    assert {row.key for row in s["by_child"]} == {"BJ-CY", "BJ-HD"}


def test_stats_export(client, cy_sw, stats_data):
    client.force_login(cy_sw)
    r = client.get(f"{URL}stats/export.xlsx", {**STATS, "org": "bj-cy"})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(values_only=True) if row}
    assert summary["服务人次"] == 14 and summary["服务人数"] == 2 and summary["活动场次"] == 3
    rows = list(wb["按类别"].iter_rows(values_only=True))
    assert rows[0] == ("类别", "人次", "人数", "其中现场人次", "场次")
    assert rows[1] == ("心理关爱", 13, 2, 10, 2)
    assert [r[0] for r in wb["按项目"].iter_rows(values_only=True)][1:] == [
        "心理关爱", "法律服务进社区",
    ]  # fmt: skip


def test_stats_refuses_orgs_outside_scope_and_bad_input(client, cy_sw, stats_data):
    client.force_login(cy_sw)
    for org in ("BJ-HD", "BJ", "NOPE"):
        r = client.get(f"{URL}stats/", {**STATS, "org": org})
        assert r.status_code == 403, org
        assert "不在您的管辖范围内" in r.content.decode()
        assert client.get(f"{URL}stats/export.xlsx", {"org": org}).status_code == 403
    r = client.get(f"{URL}stats/", {"from": "2025-02-30"})
    assert r.status_code == 400 and "开始日期格式应为 YYYY-MM-DD" in r.content.decode()
    r = client.get(f"{URL}stats/", {"from": "2025-06-30", "to": "2025-06-01"})
    assert r.status_code == 400 and "开始日期不能晚于结束日期" in r.content.decode()
    r = client.get(f"{URL}stats/", {"from": "2020-01-01", "to": "2025-06-01"})
    assert r.status_code == 400 and "统计区间最长3年" in r.content.decode()  # as the API
    assert client.get(f"{URL}stats/").status_code == 200  # defaults: this year to today


# --- images -----------------------------------------------------------------------------------


def test_project_images_are_checked_by_content(client, orgs, cy_sw, hd_sw, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(organiser=orgs["BJ-CY"])
    client.force_login(cy_sw)
    url = f"{URL}{project.pk}/images/"
    r = client.post(url, {"file": SimpleUploadedFile("a.png", b"not an image")})
    assert r.status_code == 400 and "只接受 JPEG、PNG 图片" in r.content.decode()
    assert client.post(url, {}).status_code == 400
    r = client.post(url, {"file": SimpleUploadedFile("a.png", PNG), "caption": "现场"})
    assert r.status_code == 302
    image = project.images.get()
    r = client.get(f"{URL}{project.pk}/images/{image.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    client.force_login(hd_sw)
    assert client.get(f"{URL}{project.pk}/images/{image.pk}/").status_code == 404
    assert client.post(f"{url}{image.pk}/delete/").status_code == 404
    client.force_login(cy_sw)
    assert client.post(f"{url}{image.pk}/delete/").status_code == 302
    assert not project.images.exists()
