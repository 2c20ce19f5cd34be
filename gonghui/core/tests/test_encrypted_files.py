"""Uploaded files: encrypted at rest under the field keys, random names on disk, downloads as
private attachments, scope unchanged, old keys still open old files, and ``encrypt_media``
converts files written before encryption."""

import io
import pathlib
import posixpath
import re
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gonghui.core import crypto
from gonghui.core.files import download_name
from gonghui.core.storage import EncryptedFileSystemStorage
from gonghui.people.tests.factories import console_login, make_staff

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" * 20


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def raw(fieldfile) -> bytes:
    return pathlib.Path(fieldfile.path).read_bytes()


def assert_stored_encrypted(fieldfile, content: bytes, folder: str):
    on_disk = raw(fieldfile)
    assert on_disk != content and content[:40] not in on_disk
    for magic in (b"\x89PNG", b"%PDF", b"\xff\xd8\xff"):
        assert magic not in on_disk
    assert crypto.decrypt_bytes(on_disk) == content
    assert fieldfile.name.startswith(folder)
    assert re.fullmatch(r"[0-9a-f]{32}", posixpath.basename(fieldfile.name)), fieldfile.name
    assert pathlib.Path(fieldfile.path).stat().st_mode & 0o077 == 0  # owner only


def assert_private_download(response, content: bytes, filename: str, content_type: str):
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert filename in disposition or quote(filename) in disposition, disposition
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- every upload path ------------------------------------------------------------------------


def test_appeal_attachment(client, orgs, cy_handler, hd_handler):
    from gonghui.hotline.attachments import attach
    from gonghui.hotline.tests.factories import act, make_appeal, make_operator

    op = make_operator(orgs["BJ"])
    appeal = act(op, make_appeal(op, district="BJ-CY"), "dispatch")
    att = attach(appeal, SimpleUploadedFile("工资条.png", PNG, content_type="image/png"))
    assert_stored_encrypted(att.file, PNG, "hotline/")
    url = f"/console/hotline/{appeal.pk}/attachments/{att.pk}/"
    client.force_login(hd_handler)
    assert client.get(url).status_code == 404
    client.force_login(cy_handler)
    assert_private_download(client.get(url), PNG, "工资条.png", "image/png")


def test_hardship_document(client, orgs, cy_worker):
    from gonghui.assistance.documents import attach_all
    from gonghui.assistance.tests.factories import aid_officer, apply

    cy_aid, hd_aid = aid_officer(orgs["BJ-CY"]), aid_officer(orgs["BJ-HD"])
    app = apply(cy_worker, cy_aid)
    (doc,) = attach_all(app, [SimpleUploadedFile("诊断证明.pdf", PDF, "application/pdf")])
    assert_stored_encrypted(doc.file, PDF, "assistance/")
    url = f"/console/assistance/documents/{doc.pk}/"
    console_login(client, hd_aid)
    assert client.get(url).status_code == 404
    console_login(client, cy_aid)
    assert_private_download(client.get(url), PDF, "诊断证明.pdf", "application/pdf")


def test_partner_agreement(client, orgs):
    from gonghui.partners import services
    from gonghui.partners.tests.factories import make_aid_officer, make_partner

    cy_aid, hd_aid = make_aid_officer(orgs["BJ-CY"]), make_aid_officer(orgs["BJ-HD"])
    partner = make_partner(orgs["BJ-CY"])
    agreement = services.add_agreement(
        user=cy_aid,
        partner=partner,
        data={"title": "合作协议", "signed_on": "2025-01-01"},
        file=SimpleUploadedFile("2025 合作协议.pdf", PDF, "application/pdf"),
    )
    assert agreement.file_name == "2025 合作协议.pdf"
    assert_stored_encrypted(agreement.file, PDF, "partners/agreements/")
    url = f"/console/partners/agreements/{agreement.pk}/file/"
    console_login(client, hd_aid)
    assert client.get(url).status_code == 404
    console_login(client, cy_aid)
    assert_private_download(client.get(url), PDF, "2025 合作协议.pdf", "application/pdf")


def test_nomination_attachment(client, orgs):
    from gonghui.honors import services
    from gonghui.honors.models import State
    from gonghui.honors.tests.factories import make_nomination, make_nominator, make_program

    program = make_program(orgs["BJ"], title="劳动模范", quotas={orgs["BJ-CY"]: 2})
    nominator = make_nominator(orgs["BJ-CY"])
    nom = make_nomination(program, orgs["BJ-CY"], state=State.DRAFT)
    upload = SimpleUploadedFile("事迹材料.pdf", PDF, "application/pdf")
    att = services.add_attachment(user=nominator, nomination=nom, upload=upload)
    assert_stored_encrypted(att.file, PDF, "honors/")
    url = f"/console/honors/attachments/{att.pk}/"
    console_login(client, make_nominator(orgs["BJ-HD"], "hd_nominator"))
    assert client.get(url).status_code == 404
    console_login(client, nominator)
    assert_private_download(client.get(url), PDF, "事迹材料.pdf", "application/pdf")


def test_plan_evidence(client, orgs):
    from gonghui.plans import services
    from gonghui.plans.tests.factories import make_item, make_plan, planner

    city = planner(orgs["BJ"], "city_planner")
    plan = make_plan(city, orgs["BJ"])
    item = make_item(city, plan, indicator="", manual_name="培训社工", manual_unit="人", target="9")
    services.split_item(user=city, item=item, shares={"BJ-CY": "5", "BJ-HD": "4"})
    share = item.shares.get(org__code="BJ-CY")
    reporter = make_staff("cy_reporter", orgs["BJ-CY"], "social_worker")
    figure = services.submit_figure(
        user=reporter,
        item=share,
        data={"value": "2", "achieved_on": "2025-03-02"},
        evidence=SimpleUploadedFile("培训签到表.png", PNG, content_type="image/png"),
    )
    assert figure.evidence_name == "培训签到表.png"
    assert_stored_encrypted(figure.evidence, PNG, f"plans/evidence/{share.pk}/")
    url = f"/console/plans/figures/{figure.pk}/evidence/"
    console_login(client, planner(orgs["BJ-HD"], "hd_planner"))
    assert client.get(url).status_code == 404
    console_login(client, city)
    assert_private_download(client.get(url), PNG, "培训签到表.png", "image/png")


def test_download_name_keeps_the_users_name_with_the_checked_extension():
    assert download_name("证明.png", "image/png", "x") == "证明.png"
    assert download_name("证明.exe", "application/pdf", "x") == "证明.pdf"
    assert download_name("v1.2 协议", "application/pdf", "x") == "v1.2 协议.pdf"
    assert download_name("../../etc/passwd", "image/png", "x") == ".._.._etc_passwd.png"
    assert download_name("", "image/jpeg", "file") == "file.jpg"


# --- keys -------------------------------------------------------------------------------------


def test_a_file_under_an_old_key_still_opens_after_a_new_key_is_prepended(settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [old]
    name = default_storage.save("hotline/x/upload.pdf", ContentFile(PDF))
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with default_storage.open(name) as fh:
        assert fh.read() == PDF
    second = default_storage.save("hotline/x/again.pdf", ContentFile(PDF))
    settings.FIELD_ENCRYPTION_KEYS = [new]  # new files use the first key only
    with default_storage.open(second) as fh:
        assert fh.read() == PDF
    with pytest.raises(ValueError):
        default_storage.open(name)  # the old key was removed: refused, never garbage


def test_storage_refuses_plaintext_and_writes_only_through_save(media):
    (media / "plain").write_bytes(PDF)
    storage = EncryptedFileSystemStorage()
    with pytest.raises(ValueError):
        storage.open("plain")
    with pytest.raises(ValueError):
        storage.open("plain", "wb")
    with pytest.raises(ValueError):
        storage.url("plain")


# --- files written before encryption ----------------------------------------------------------


def test_encrypt_media_converts_legacy_files_once(orgs, media):
    from gonghui.hotline.attachments import attach
    from gonghui.hotline.models import Attachment
    from gonghui.hotline.tests.factories import make_appeal, make_operator

    op = make_operator(orgs["BJ"])
    appeal = make_appeal(op, district="BJ-CY")
    current = attach(appeal, SimpleUploadedFile("new.png", PNG, content_type="image/png"))
    legacy = attach(appeal, SimpleUploadedFile("old.pdf", PDF, content_type="application/pdf"))
    # as written before this change: the clear bytes under a name with the user's extension
    legacy_name = f"hotline/2025/01/{appeal.number}/{appeal.number}-2.pdf"
    (media / legacy_name).parent.mkdir(parents=True)
    (media / legacy_name).write_bytes(PDF)
    pathlib.Path(legacy.file.path).unlink()
    Attachment.objects.filter(pk=legacy.pk).update(file=legacy_name)
    foreign = media / "honors" / "2025" / "other-key"
    foreign.parent.mkdir(parents=True)
    foreign.write_bytes(Fernet(Fernet.generate_key()).encrypt(b"secret"))
    current_bytes = raw(current.file)

    out = io.StringIO()
    call_command("encrypt_media", "--dry-run", stdout=out)
    assert "would encrypt 1" in out.getvalue()
    assert (media / legacy_name).read_bytes() == PDF

    out = io.StringIO()
    call_command("encrypt_media", stdout=out)
    assert "encrypted 1" in out.getvalue() and "already encrypted 1" in out.getvalue()
    assert "other-key" in out.getvalue()  # reported, not encrypted a second time
    legacy.refresh_from_db()
    assert not (media / legacy_name).exists()
    assert_stored_encrypted(legacy.file, PDF, f"hotline/2025/01/{appeal.number}/")
    assert raw(current.file) == current_bytes
    assert foreign.read_bytes().startswith(b"gAAAAA")

    out = io.StringIO()
    call_command("encrypt_media", stdout=out)
    assert "encrypted 0" in out.getvalue() and "already encrypted 2" in out.getvalue()
