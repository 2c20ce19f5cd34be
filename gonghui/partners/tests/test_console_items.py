"""Editing and deleting a partner's agreements, pledges and contributions in the console:
the services' field errors on the form, a message after every action, deletes audited (the
agreement's file removed once committed), a pledge that contributions fulfil kept, an
unchanged project kept though the editor could not pick it now; and scope: another district's
items are 404, a reader without ``partners.manage`` gets 403, and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.models import AuditLog
from gonghui.partners import services
from gonghui.partners.models import Agreement, Contribution, Pledge
from gonghui.people.tests.factories import make_staff
from gonghui.services.tests.factories import make_project

from .factories import make_aid_officer, make_contribution, make_partner, make_pledge

pytestmark = pytest.mark.django_db
URL = "/console/partners/"
PDF = b"%PDF-1.4\n" + b"0" * 64


def edit(what, pk):
    return f"{URL}items/{what}/{pk}/edit/"


def delete(what, pk):
    return f"{URL}items/{what}/{pk}/delete/"


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def cy_aid(orgs):
    return make_aid_officer(orgs["BJ-CY"], "items_cy")


@pytest.fixture
def cy_items(orgs, cy_aid):
    partner = make_partner(orgs["BJ-CY"], name="朝阳伙伴")
    agreement = services.add_agreement(
        user=cy_aid,
        partner=partner,
        data={"title": "三年协议", "signed_on": "2025-01-01"},
        file=SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
    )
    pledge = make_pledge(partner, amount="1000", description="关爱基金", year=2025)
    contribution = make_contribution(partner, amount="400", pledge=pledge)
    return {"partner": partner, "agreement": agreement, "pledge": pledge,
            "contribution": contribution}  # fmt: skip


def test_agreement_edited_with_a_new_file_then_deleted(
    client, cy_aid, cy_items, django_capture_on_commit_callbacks
):
    client.force_login(cy_aid)
    agreement = cy_items["agreement"]
    old_name, storage = agreement.file.name, agreement.file.storage
    page = client.get(edit("agreement", agreement.pk)).content.decode()
    assert 'value="三年协议"' in page and 'value="2025-01-01"' in page
    bad = {"title": "三年协议", "signed_on": "2025-01-01", "valid_until": "2024-12-31"}
    r = client.post(edit("agreement", agreement.pk), bad)
    assert r.status_code == 400 and "有效期不能早于签订日期" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            edit("agreement", agreement.pk),
            {"title": "五年协议", "signed_on": "2025-01-01", "valid_until": "2029-12-31",
             "file": SimpleUploadedFile("new.pdf", PDF + b"1", "application/pdf")},
            follow=True,
        )  # fmt: skip
    assert said(r) == ["已修改合作协议"] and r.redirect_chain[-1][0].endswith("#agreements")
    agreement.refresh_from_db()
    assert (agreement.title, agreement.file_name) == ("五年协议", "new.pdf")
    assert not storage.exists(old_name) and storage.exists(agreement.file.name)
    new_name = agreement.file.name
    assert "五年协议" in client.get(delete("agreement", agreement.pk)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(delete("agreement", agreement.pk), follow=True)
    assert said(r) == ["已删除合作协议"]
    assert not Agreement.objects.exists() and not storage.exists(new_name)
    audit = AuditLog.objects.get(action="partners.delete_agreement")
    assert (audit.actor, audit.object_id, audit.reason) == (cy_aid, str(agreement.pk), "五年协议")


def test_pledge_edited_and_deleted_only_when_nothing_fulfils_it(client, cy_aid, cy_items):
    client.force_login(cy_aid)
    pledge, contribution = cy_items["pledge"], cy_items["contribution"]
    form = {"kind": "money", "description": "关爱基金", "amount": "2000", "year": "2025"}
    r = client.post(edit("pledge", pledge.pk), {**form, "amount": "-5"})
    assert r.status_code == 400 and "金额应为大于0的数字" in r.content.decode()
    r = client.post(edit("pledge", pledge.pk), form, follow=True)
    assert said(r) == ["已修改认捐承诺"] and "20.0%" in r.content.decode()  # 400 of 2000
    r = client.post(delete("pledge", pledge.pk))
    assert r.status_code == 400 and "有1笔捐赠记录对应该承诺" in r.content.decode()
    assert Pledge.objects.filter(pk=pledge.pk).exists()
    unpledged = {"kind": "money", "amount": "400", "contributed_on": "2025-02-01"}
    r = client.post(edit("contribution", contribution.pk), unpledged, follow=True)
    assert said(r) == ["已修改捐赠记录"]
    r = client.post(delete("pledge", pledge.pk), follow=True)
    assert said(r) == ["已删除认捐承诺"] and not Pledge.objects.exists()
    assert AuditLog.objects.filter(action="partners.delete_pledge").count() == 1


def test_contribution_edit_keeps_a_project_the_editor_cannot_pick_now(
    client, cy_aid, cy_items, orgs
):
    client.force_login(cy_aid)
    hidden = make_project(organiser=orgs["BJ-HD"], status="draft", title="海淀草稿项目")
    contribution = cy_items["contribution"]
    Contribution.objects.filter(pk=contribution.pk).update(project=hidden)
    page = client.get(edit("contribution", contribution.pk)).content.decode()
    assert 'value="400.00"' in page and "海淀草稿项目" in page
    form = {"kind": "money", "pledge": cy_items["pledge"].pk, "amount": "450",
            "contributed_on": "2025-02-01", "project": hidden.pk}  # fmt: skip
    r = client.post(edit("contribution", contribution.pk), form, follow=True)
    assert said(r) == ["已修改捐赠记录"]
    contribution.refresh_from_db()
    assert (contribution.amount, contribution.project) == (450, hidden)
    other = make_project(organiser=orgs["BJ-HD"], status="draft", title="另一个草稿")
    r = client.post(edit("contribution", contribution.pk), {**form, "project": other.pk})
    assert r.status_code == 400  # a project it may not pick is still refused
    r = client.post(delete("contribution", contribution.pk), follow=True)
    assert said(r) == ["已删除捐赠记录"] and not Contribution.objects.exists()
    audit = AuditLog.objects.get(action="partners.delete_contribution")
    assert audit.reason.startswith("2025-02-01 资金 450")


def test_links_shown_only_to_managers(client, cy_aid, cy_items, orgs):
    client.force_login(cy_aid)
    page = client.get(f"{URL}{cy_items['partner'].pk}/").content.decode()
    for what in ("agreement", "pledge", "contribution"):
        assert edit(what, cy_items[what].pk) in page and delete(what, cy_items[what].pk) in page
    client.force_login(make_staff("items_reader", orgs["BJ-CY"], "social_worker"))
    page = client.get(f"{URL}{cy_items['partner'].pk}/").content.decode()
    assert "/items/" not in page and "三年协议" in page


def test_other_districts_items_are_404_and_readers_403(client, cy_items, orgs):
    before = {
        "agreement": Agreement.objects.get().title,
        "pledge": Pledge.objects.get().amount,
        "contribution": Contribution.objects.get().amount,
    }
    hd = make_aid_officer(orgs["BJ-HD"], "items_hd")
    reader = make_staff("items_sw", orgs["BJ-CY"], "social_worker")  # partners.view only
    for user, status in ((hd, 404), (reader, 403)):
        client.force_login(user)
        for what in ("agreement", "pledge", "contribution"):
            pk = cy_items[what].pk
            assert client.get(edit(what, pk)).status_code == status
            assert client.post(edit(what, pk), {"title": "x", "amount": "1"}).status_code == status
            assert client.get(delete(what, pk)).status_code == status
            assert client.post(delete(what, pk)).status_code == status
        assert client.get(f"{URL}{cy_items['partner'].pk}/pledge/new/").status_code == status
    client.force_login(make_aid_officer(orgs["BJ-CY"], "items_cy2"))
    assert client.get(edit("unknown", 1)).status_code == 404
    assert client.get(edit("pledge", 999999)).status_code == 404
    assert before == {
        "agreement": Agreement.objects.get().title,
        "pledge": Pledge.objects.get().amount,
        "contribution": Contribution.objects.get().amount,
    }
    assert not AuditLog.objects.filter(action__startswith="partners.delete").exists()


def test_adding_says_what_was_added(client, cy_aid, cy_items):
    client.force_login(cy_aid)
    partner = cy_items["partner"]
    r = client.post(f"{URL}{partner.pk}/pledge/new/",
                    {"kind": "goods", "description": "防暑物资", "quantity": "10", "unit": "箱",
                     "year": "2025"}, follow=True)  # fmt: skip
    assert said(r) == ["已添加认捐承诺"] and r.redirect_chain[-1][0].endswith("#pledges")
    gift = {"kind": "money", "amount": "5", "contributed_on": "2025-03-01"}
    r = client.post(f"{URL}{partner.pk}/contribution/new/", gift, follow=True)
    assert said(r) == ["已登记捐赠"]
    r = client.post(f"{URL}{partner.pk}/agreement/new/",
                    {"title": "补充协议", "signed_on": "2025-03-01"}, follow=True)  # fmt: skip
    assert said(r) == ["已添加合作协议"]
