"""Console pages for 评选表彰: program create, detail with quotas, the nomination form with the
scoped worker picker, actions answered with messages, queues, the Excel 表彰名单 without
personal numbers, the 奖状 PDF, and 404 for every page of another district's rows."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.honors.models import AwardProgram, Nomination, NominationAttachment, Objection, State
from gonghui.people.tests.factories import console_login

from .factories import (
    make_admin,
    make_nomination,
    make_nominator,
    make_program,
    make_woman,
)
from .pdftext import cid_text

pytestmark = pytest.mark.django_db
URL = "/console/honors/"


def msgs(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def program(orgs):
    return make_program(
        orgs["BJ"], title="巾帼标兵", women_only=True, quotas={orgs["BJ-CY"]: 2, orgs["BJ-HD"]: 1}
    )


def test_program_create_form_errors_then_saves(client, orgs):
    console_login(client, make_admin(orgs["BJ"]))
    assert client.get(f"{URL}new/").status_code == 200
    data = {
        "title": "最美家庭",
        "kind": "person",
        "year": timezone.localdate().year,
        "organiser": "BJ",
        "publicity_working_days": 99,
        "nomination_opens": "2026-01-01",
        "nomination_closes": "2026-02-01",
        "status": "open",
    }
    r = client.post(f"{URL}new/", data)
    assert r.status_code == 400 and "公示期应为1至30个工作日" in r.content.decode()
    r = client.post(f"{URL}new/", {**data, "publicity_working_days": 7})
    program = AwardProgram.objects.get(title="最美家庭")
    assert r.status_code == 302 and msgs(r)[-1] == "评选项目已设立"
    assert program.publicity_working_days == 7 and program.organiser == orgs["BJ"]


def test_organiser_and_quotas_are_chosen_by_name(client, orgs, program):
    console_login(client, make_admin(orgs["BJ"]))
    page = client.get(f"{URL}new/").content.decode()
    assert 'name="organiser"' in page and "data-org-picker" in page
    page = client.get(f"{URL}{program.pk}/").content.decode()
    assert "单位代码" not in page and 'data-under="BJ"' in page
    r = client.post(f"{URL}{program.pk}/quota/", {"org": "海淀区总工会", "quota": 4})
    assert msgs(r)[-1] == "名额已保存"
    assert program.quotas.get(org=orgs["BJ-HD"]).quota == 4
    r = client.post(f"{URL}{program.pk}/quota/", {"org": "北京市总工会", "quota": 4})
    assert "找不到“北京市总工会”对应的工会组织" in msgs(r)[-1]  # the organiser itself
    page = client.get(f"{URL}{program.pk}/").content.decode()
    assert "海淀区总工会" in page


def test_nominate_with_the_picker_and_act_with_messages(client, orgs, program):
    sw = make_nominator(orgs["BJ-CY"])
    console_login(client, sw)
    woman = make_woman(orgs["BJ-CY-WJ-001"], name="张巾帼")
    make_woman(orgs["BJ-HD-ZGC-001"], name="张海淀")
    picker = client.get(f"{URL}workers/", {"q": "张"}).content.decode()
    assert "张巾帼" in picker and "张海淀" not in picker and woman.phone not in picker
    page = client.get(f"{URL}{program.pk}/nominate/").content.decode()
    assert 'hx-post="/console/honors/workers/"' in page  # a phone typed there stays out of URLs
    picker = client.post(f"{URL}workers/", {"q": woman.phone}).content.decode()
    assert "张巾帼" in picker and woman.phone not in picker
    pdf = SimpleUploadedFile("事迹材料.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    r = client.post(
        f"{URL}{program.pk}/nominate/",
        {"nominating_org": "BJ-CY", "worker": woman.pk, "deeds": "十年如一日", "file": pdf},
    )
    nom = Nomination.objects.get(worker=woman)
    assert r.status_code == 302 and msgs(r)[-1] == "提名已保存"
    assert NominationAttachment.objects.get(nomination=nom).content_type == "application/pdf"
    r = client.post(
        f"{URL}{program.pk}/nominate/",
        {"nominating_org": "BJ-CY", "worker": woman.pk, "deeds": "再提名"},
    )
    assert r.status_code == 400 and "已在本评选中被提名" in r.content.decode()
    r = client.post(f"{URL}nominations/{nom.pk}/act/", {"action": "submit"})
    assert msgs(r)[-1] == "已提交审核"
    console_login(client, make_admin(orgs["BJ"]))
    assert "张巾帼" in client.get(f"{URL}review/").content.decode()
    r = client.post(f"{URL}nominations/{nom.pk}/act/", {"action": "reject"})
    assert msgs(r)[-1] == "不予通过须填写理由"
    r = client.post(f"{URL}nominations/{nom.pk}/act/", {"action": "approve"})
    assert msgs(r)[-1] == "审核通过，已进入公示"
    assert "张巾帼" in client.get(f"{URL}publicity/").content.decode()
    r = client.post(f"{URL}nominations/{nom.pk}/act/", {"action": "award"})
    assert "期满后才能表彰" in msgs(r)[-1]
    r = client.post(f"{URL}nominations/{nom.pk}/objection/", {"content": "有异议", "raised_by": ""})
    assert msgs(r)[-1] == "异议已登记"
    obj = Objection.objects.get(nomination=nom)
    r = client.post(f"{URL}objections/{obj.pk}/resolve/", {"upheld": "0", "resolution": "不属实"})
    assert msgs(r)[-1] == "异议不成立"


def test_ineligible_and_outside_window_show_form_errors(client, orgs, program):
    console_login(client, make_nominator(orgs["BJ-CY"]))
    from .factories import make_man

    man = make_man(orgs["BJ-CY"])
    r = client.post(
        f"{URL}{program.pk}/nominate/", {"nominating_org": "BJ-CY", "worker": man.pk, "deeds": "x"}
    )
    assert r.status_code == 400 and "该评选仅限女职工" in r.content.decode()
    AwardProgram.objects.filter(pk=program.pk).update(
        nomination_opens=datetime.date(2020, 1, 1), nomination_closes=datetime.date(2020, 2, 1)
    )
    r = client.post(
        f"{URL}{program.pk}/nominate/",
        {"nominating_org": "BJ-CY", "worker": make_woman(orgs["BJ-CY"]).pk, "deeds": "x"},
    )
    assert r.status_code == 400 and "不在提名期内" in r.content.decode()


def test_excel_roll_has_names_and_no_personal_numbers(client, orgs, program):
    woman = make_woman(orgs["BJ-CY-WJ-001"], name="李标兵")
    make_nomination(program, orgs["BJ-CY"], worker=woman, state=State.AWARDED)
    make_nomination(program, orgs["BJ-CY"], state=State.PUBLICITY)
    make_nomination(program, orgs["BJ-HD"], state=State.AWARDED)
    console_login(client, make_admin(orgs["BJ-CY"]))
    r = client.get(f"{URL}{program.pk}/roll.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == f"{program.year}年度巾帼标兵表彰名单"
    assert [row[1:4] for row in rows[2:]] == [("李标兵", woman.union_org.name, "朝阳区总工会")]
    cells = " ".join(str(c) for row in rows for c in row)
    assert woman.id_number not in cells and woman.phone not in cells


def test_certificate_pdf_names_the_awardee_in_chinese(client, orgs, program):
    woman = make_woman(orgs["BJ-CY"], name="王芳")
    nom = make_nomination(program, orgs["BJ-CY"], worker=woman, state=State.AWARDED)
    console_login(client, make_admin(orgs["BJ"]))
    r = client.get(f"{URL}nominations/{nom.pk}/certificate.pdf")
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert b"/STSong-Light" in r.content and b"UniGB-UCS2-H" in r.content
    text = cid_text(r.content)
    assert "王芳同志" in text and "巾帼标兵" in text and "北京市总工会" in text
    revoked = make_nomination(program, orgs["BJ-CY"], state=State.REVOKED)
    assert client.get(f"{URL}nominations/{revoked.pk}/certificate.pdf").status_code == 404


def test_scope_isolation_on_every_console_page(client, orgs, program):
    hd_program = make_program(orgs["BJ-HD"], title="海淀最美家庭")
    hd_nom = make_nomination(program, orgs["BJ-HD"], state=State.PUBLICITY, deeds="海淀事迹")
    awarded = make_nomination(program, orgs["BJ-HD"], state=State.AWARDED)
    obj = Objection.objects.create(nomination=hd_nom, content="异议")
    att = NominationAttachment.objects.create(
        nomination=hd_nom, file="honors/x.pdf", content_type="application/pdf", original_name="x"
    )
    console_login(client, make_admin(orgs["BJ-CY"]))
    listing = client.get(URL).content.decode()
    assert "巾帼标兵" in listing and "海淀最美家庭" not in listing
    detail = client.get(f"{URL}{program.pk}/").content.decode()
    assert "海淀区总工会" not in detail and "朝阳区总工会" in detail
    for path in ("review/", "publicity/"):
        assert hd_nom.worker.name not in client.get(URL + path).content.decode()
    for path in (
        f"{hd_program.pk}/",
        f"{hd_program.pk}/roll.xlsx",
        f"{hd_program.pk}/nominate/",
        f"nominations/{hd_nom.pk}/",
        f"nominations/{awarded.pk}/certificate.pdf",
        f"attachments/{att.pk}/",
    ):
        assert client.get(URL + path).status_code == 404, path
    for path, data in (
        (f"{hd_program.pk}/quota/", {"org": "BJ-HD-ZGC", "quota": 3}),
        (f"nominations/{hd_nom.pk}/act/", {"action": "reject", "note": "x"}),
        (f"nominations/{hd_nom.pk}/objection/", {"content": "x"}),
        (f"objections/{obj.pk}/resolve/", {"upheld": "1", "resolution": "x"}),
    ):
        assert client.post(URL + path, data).status_code == 404, path
    rows = client.get(f"{URL}{program.pk}/roll.xlsx").content
    assert awarded.worker.name.encode() not in rows
    hd_nom.refresh_from_db()
    assert hd_nom.state == State.PUBLICITY and obj.status == "open"


def test_worker_profile_shows_live_honours(client, orgs, program):
    woman = make_woman(orgs["BJ-CY-WJ-001"], name="赵荣誉")
    make_nomination(program, orgs["BJ-CY"], worker=woman, state=State.AWARDED)
    family = make_program(orgs["BJ"], title="最美家庭")
    make_nomination(family, orgs["BJ-CY"], worker=woman, state=State.REVOKED)
    console_login(client, make_nominator(orgs["BJ-CY"]))
    html = client.get(f"/console/workers/{woman.pk}/").content.decode()
    assert 'id="worker-honours"' in html and "巾帼标兵" in html and "最美家庭" not in html
    plain = make_woman(orgs["BJ-CY"])
    assert 'id="worker-honours"' not in client.get(f"/console/workers/{plain.pk}/").content.decode()


def test_attachment_download_is_audited(client, orgs, program, settings, tmp_path):
    from gonghui.core.models import AuditLog
    from gonghui.honors import services

    settings.MEDIA_ROOT = tmp_path
    sw = make_nominator(orgs["BJ-CY"])
    nom = make_nomination(program, orgs["BJ-CY"], state=State.DRAFT)
    upload = SimpleUploadedFile("证明.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    att = services.add_attachment(user=sw, nomination=nom, upload=upload)
    console_login(client, sw)
    r = client.get(f"{URL}attachments/{att.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content).startswith(b"\x89PNG")
    log = AuditLog.objects.get(object_type="honors.nominationattachment", object_id=str(att.pk))
    assert log.actor == sw and log.action == "download"
