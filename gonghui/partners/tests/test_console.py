"""Console pages for 关爱职工伙伴计划: scoped list, filters and export (masked phones), the
partner form with credit-code errors, the partner page and its add forms, and 404 for every
page of another district's partner."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from gonghui.partners.models import Agreement, Contribution, Partner, Pledge
from gonghui.people.tests.factories import make_staff

from .factories import (
    bad_check_digit,
    credit_code,
    make_aid_officer,
    make_contribution,
    make_partner,
    make_pledge,
)

pytestmark = pytest.mark.django_db
URL = "/console/partners/"
PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture
def cy_aid(orgs):
    return make_aid_officer(orgs["BJ-CY"], "cy_aid")


@pytest.fixture
def partners(orgs):
    cy = make_partner(orgs["BJ-CY"], name="朝阳伙伴", contact_phone="13811112222")
    hd = make_partner(orgs["BJ-HD"], name="海淀伙伴", contact_phone="13933334444")
    pledge = make_pledge(hd, amount="100")
    make_contribution(hd, amount="40", pledge=pledge)
    hd.agreements.create(title="协议", signed_on="2025-01-01")
    return {"cy": cy, "hd": hd}


def sheet_cells(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]


def test_list_is_scoped_filtered_and_masked(client, cy_aid, partners):
    client.force_login(cy_aid)
    html = client.get(URL).content.decode()
    assert "朝阳伙伴" in html and "海淀伙伴" not in html
    assert "138****2222" in html and "13811112222" not in html
    assert "朝阳伙伴" not in client.get(URL, {"type": "soe"}).content.decode()
    assert "朝阳伙伴" in client.get(URL, {"q": "朝阳", "status": "bogus"}).content.decode()
    rows = client.get(URL, {"q": "朝阳"}, HTTP_HX_REQUEST="true")
    assert rows.status_code == 200 and "<h1>" not in rows.content.decode()


def test_export_is_scoped_and_masked(client, cy_aid, orgs, partners):
    client.force_login(cy_aid)
    r = client.get(f"{URL}export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    cells = sheet_cells(r.content)
    assert "朝阳伙伴" in cells and "海淀伙伴" not in cells
    assert "138****2222" in cells
    assert not any("13811112222" in str(c) for c in cells)
    city = make_aid_officer(orgs["BJ"], "city_aid")
    client.force_login(city)
    cells = sheet_cells(client.get(f"{URL}export.xlsx").content)
    assert {"朝阳伙伴", "海淀伙伴"} <= set(cells) and 40.0 in cells and 100.0 in cells


def test_other_districts_partner_pages_are_404(client, cy_aid, partners):
    client.force_login(cy_aid)
    hd = partners["hd"]
    agreement = hd.agreements.get()
    agreement.file.save("a.pdf", io.BytesIO(PDF))
    for path in [
        f"{hd.pk}/",
        f"{hd.pk}/edit/",
        f"{hd.pk}/agreement/new/",
        f"{hd.pk}/pledge/new/",
        f"{hd.pk}/contribution/new/",
        f"agreements/{agreement.pk}/file/",
    ]:
        assert client.get(URL + path).status_code == 404, path
    r = client.post(f"{URL}{hd.pk}/edit/", {"name": "改名"})
    assert r.status_code == 404
    r = client.post(f"{URL}{hd.pk}/contribution/new/", {"kind": "money", "amount": "1"})
    assert r.status_code == 404
    assert Contribution.objects.filter(partner=hd).count() == 1
    assert Partner.objects.get(pk=hd.pk).name == "海淀伙伴"


def test_view_only_role_cannot_open_forms(client, orgs, partners):
    client.force_login(make_staff("cy_sw", orgs["BJ-CY"], "social_worker"))
    cy = partners["cy"]
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{cy.pk}/").status_code == 200
    assert client.get(f"{URL}new/").status_code == 403
    assert client.get(f"{URL}{cy.pk}/edit/").status_code == 403
    assert client.get(f"{URL}{cy.pk}/pledge/new/").status_code == 403
    client.force_login(make_staff("cy_h", orgs["BJ-CY"], "case_handler"))
    assert client.get(URL).status_code == 403


def test_create_form_shows_credit_code_errors_then_saves(client, cy_aid):
    client.force_login(cy_aid)
    assert client.get(f"{URL}new/").status_code == 200
    form = {"name": "某平台", "type": "platform", "union_org": "BJ-CY",
            "contact_phone": "13912345678", "joined_on": "2025-02-01"}  # fmt: skip
    r = client.post(f"{URL}new/", {**form, "credit_code": bad_check_digit(credit_code())})
    assert r.status_code == 400
    assert "统一社会信用代码校验位不正确" in r.content.decode()
    code = credit_code()
    r = client.post(f"{URL}new/", {**form, "credit_code": code})
    assert r.status_code == 302
    partner = Partner.objects.get(credit_code=code)
    assert partner.contact_phone == "13912345678" and partner.created_by == cy_aid
    r = client.post(f"{URL}new/", {**form, "credit_code": code})
    assert r.status_code == 400 and "已登记" in r.content.decode()
    # editing never puts the stored phone in the page; an empty phone keeps it
    page = client.get(f"{URL}{partner.pk}/edit/").content.decode()
    assert "13912345678" not in page and "139****5678" in page
    r = client.post(
        f"{URL}{partner.pk}/edit/",
        {**form, "credit_code": code, "name": "新名", "contact_phone": "", "status": "active"},
    )
    assert r.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.contact_phone) == ("新名", "13912345678")


def test_detail_page_and_add_forms(client, cy_aid, partners):
    client.force_login(cy_aid)
    cy = partners["cy"]
    r = client.post(
        f"{URL}{cy.pk}/pledge/new/",
        {"kind": "money", "description": "关爱基金", "amount": "1000", "year": "2025"},
    )
    assert r.status_code == 302, r.content.decode()
    pledge = Pledge.objects.get(partner=cy)
    r = client.post(
        f"{URL}{cy.pk}/contribution/new/",
        {
            "kind": "money",
            "pledge": pledge.pk,
            "amount": "250",
            "contributed_on": "2025-03-01",
            "campaign_ref": "2025-送温暖-BJ",
        },
    )
    assert r.status_code == 302, r.content.decode()
    r = client.post(f"{URL}{cy.pk}/contribution/new/", {"kind": "money", "amount": "abc"})
    assert r.status_code == 400 and "金额应为大于0的数字" in r.content.decode()
    r = client.post(
        f"{URL}{cy.pk}/agreement/new/",
        {
            "title": "合作协议",
            "signed_on": "2025-01-01",
            "file": SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
        },
    )
    assert r.status_code == 302, r.content.decode()
    r = client.post(
        f"{URL}{cy.pk}/agreement/new/",
        {
            "title": "假文件",
            "signed_on": "2025-01-01",
            "file": SimpleUploadedFile("x.pdf", b"MZ not a pdf", "application/pdf"),
        },
    )
    assert r.status_code == 400
    assert client.get(f"{URL}{cy.pk}/unknown/new/").status_code == 404
    html = client.get(f"{URL}{cy.pk}/").content.decode()
    assert "关爱基金" in html and "25.0%" in html and "2025-送温暖-BJ" in html
    assert "13811112222" not in html and "138****2222" in html
    agreement = Agreement.objects.get(partner=cy, title="合作协议")
    r = client.get(f"{URL}agreements/{agreement.pk}/file/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")


def test_signing_union_is_chosen_and_shown_by_name(client, cy_aid, partners, orgs):
    client.force_login(cy_aid)
    page = client.get(f"{URL}new/").content.decode()
    assert "data-org-picker" in page and ">\u3000望京街道工会</option>" in page
    form = {"name": "某平台", "type": "platform", "credit_code": credit_code(),
            "contact_phone": "13912345678", "joined_on": "2025-02-01"}  # fmt: skip
    r = client.post(f"{URL}new/", {**form, "union_org": "wangjing"})
    assert r.status_code == 400 and "对应多个工会组织" in r.content.decode()  # 街道 and 物流站
    r = client.post(f"{URL}new/", {**form, "union_org": "望京街道工会"})
    assert r.status_code == 302
    partner = Partner.objects.get(name="某平台")
    assert partner.union_org == orgs["BJ-CY-WJ"]
    detail = client.get(r["Location"]).content.decode()
    assert "望京街道工会" in detail and "BJ-CY-WJ" not in detail
    # the list filter takes the name too, and a district's subtree is the whole district
    rows = client.get(URL, {"union_org": "朝阳区总工会"}).content.decode()
    assert "某平台" in rows and "朝阳伙伴" in rows
    rows = client.get(URL, {"union_org": "BJ-CY-WJ"}).content.decode()
    assert "某平台" in rows and "朝阳伙伴" not in rows
