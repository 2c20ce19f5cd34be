"""Console pages of the hotline through Django's test client (page flows are in
test_hotline_browser.py)."""

import io

import pytest
from openpyxl import load_workbook

from gonghui.core.models import AuditLog

from .factories import act, make_appeal, make_operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(orgs):
    op = make_operator(orgs["BJ"])
    appeals = []
    for district in ("BJ-CY", "BJ-HD", "BJ-HD"):
        appeal = make_appeal(op, district=district, contact_phone="13812345678")
        appeals.append(act(op, appeal, "dispatch"))
    return op, appeals


def test_queue_lists_only_own_org_and_masks_phones(client, cy_handler, dispatched):
    _op, appeals = dispatched
    client.force_login(cy_handler)
    html = client.get("/console/hotline/?queue=handling").content.decode()
    assert appeals[0].number in html and appeals[1].number not in html
    assert "138****5678" in html and "13812345678" not in html
    assert client.get(f"/console/hotline/{appeals[1].pk}/").status_code == 404


def test_case_page_action_and_forbidden_transition(client, cy_handler, dispatched):
    _op, appeals = dispatched
    client.force_login(cy_handler)
    url = f"/console/hotline/{appeals[0].pk}/"
    assert client.post(url, {"action": "accept"}).status_code == 302
    bad = client.post(url, {"action": "resolve", "note": "x"})
    assert bad.status_code == 409 and "不能执行" in bad.content.decode()


def test_export_is_masked_unless_revealed_with_a_reason(client, dispatched):
    op, _appeals = dispatched
    client.force_login(op)
    masked = load_workbook(io.BytesIO(client.get("/console/hotline/export.xlsx").getvalue()))
    phones = {row[9] for row in masked.active.iter_rows(min_row=2, values_only=True)}
    assert phones == {"138****5678"}
    assert not AuditLog.objects.data_access().exists()
    assert client.get("/console/hotline/export.xlsx?full=1").status_code == 400
    full = client.get("/console/hotline/export.xlsx?full=1&reason=批量回访")
    rows = list(
        load_workbook(io.BytesIO(full.getvalue())).active.iter_rows(min_row=2, values_only=True)
    )
    assert {r[9] for r in rows} == {"13812345678"}
    assert AuditLog.objects.filter(action="export", actor=op).count() == len(rows) == 3


def test_leader_export_stays_masked(client, orgs, dispatched):
    from gonghui.people.tests.factories import make_staff

    leader = make_staff("boss", orgs["BJ"], "leader")
    client.force_login(leader)
    r = client.get("/console/hotline/export.xlsx?full=1&reason=看看")
    rows = list(
        load_workbook(io.BytesIO(r.getvalue())).active.iter_rows(min_row=2, values_only=True)
    )
    assert {r[9] for r in rows} == {"138****5678"}
    assert not AuditLog.objects.data_access().exists()


def test_case_page_upload_checks_the_file(client, cy_handler, dispatched, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    _op, appeals = dispatched
    client.force_login(cy_handler)
    url = f"/console/hotline/{appeals[0].pk}/"
    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", content_type="image/png")
    r = client.post(url, {"file": fake})
    assert r.status_code == 400 and "只接受" in r.content.decode()
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    assert client.post(url, {"file": pdf}).status_code == 302
    assert appeals[0].attachments.get().content_type == "application/pdf"


def test_attachment_download_is_scoped_and_audited(
    client, cy_handler, hd_handler, dispatched, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.hotline.attachments import attach

    settings.MEDIA_ROOT = tmp_path
    _op, appeals = dispatched
    att = attach(appeals[0], SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\nxxxx"))
    url = f"/console/hotline/{appeals[0].pk}/attachments/{att.pk}/"
    client.force_login(hd_handler)
    assert client.get(url).status_code == 404
    assert not AuditLog.objects.data_access().exists()
    client.force_login(cy_handler)
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"\x89PNG")
    assert AuditLog.objects.data_access().get().action == "download"
