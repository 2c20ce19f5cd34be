"""The worker's hardship files/applications (with the income they gave) and aid listings and
payments in their own-data export; never another worker's."""

import pytest

from gonghui.assistance.campaigns import bank_import
from gonghui.people import auth

from .campaign_factories import PAID_ON, approved_with_payments, bank_file

pytestmark = pytest.mark.django_db


def export(client, worker) -> dict:
    token = auth.issue_token(worker_account=auth.sign_in_worker(worker.phone))
    r = client.get("/api/v1/me/export", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content
    return r.json()


def test_files_applications_listings_and_payments_are_mine_only(client, orgs):
    campaign, hd_aid, payments, _batch, workers = approved_with_payments(
        orgs, ["6222000011112222", "6222000011113333"], incomes=("10000", "24000")
    )
    rows = [(payments[0].reconciliation_id, "成功", 3000, PAID_ON.isoformat(), "")]
    bank_import.import_results(user=hd_aid, campaign_id=campaign.pk, upload=bank_file(rows))
    me, other = workers

    data = export(client, me)
    [file_row] = data["hardship_files"]
    assert file_row["status"] == "已建档" and file_row["category"] == "深度困难"
    assert file_row["number"] == me.hardship_files.get().number
    [app] = data["hardship_applications"]
    assert app["kind"] == "建档申请" and app["status"] == "已通过"
    assert app["annual_income"] == "10000.00" and app["causes"] == "患病"
    assert app["category"] == "深度困难" and app["decided_on"]
    assert "入户核实" not in str(data)  # the verifier's visit notes are not the worker's data
    assert data["aid_beneficiaries"] == [
        {
            "campaign": campaign.title,
            "year": 2026,
            "standard": "深度困难",
            "amount": "3000.00",
            "status": "已审批",
        }
    ]
    assert data["aid_payments"] == [
        {
            "campaign": campaign.title,
            "amount": "3000.00",
            "method": "银行卡",
            "status": "已到账",
            "paid_on": PAID_ON.isoformat(),
        }
    ]

    theirs = export(client, other)
    assert [f["number"] for f in theirs["hardship_files"]] == [other.hardship_files.get().number]
    assert [a["annual_income"] for a in theirs["hardship_applications"]] == ["24000.00"]
    assert [(p["amount"], p["status"]) for p in theirs["aid_payments"]] == [("2000.00", "待发放")]
    assert "6222000011112222" not in str(theirs) and "6222000011113333" not in str(theirs)


def test_anonymising_blanks_decided_notes_and_closed_member_rows_only(orgs):
    from gonghui.assistance.models import Application, FileStatus, Member
    from gonghui.people import deletion
    from gonghui.people.tests.factories import make_staff, make_worker

    from .factories import aid_officer, apply, register

    hd_aid = aid_officer(orgs["BJ-HD"])
    me, other = make_worker(orgs["BJ-HD-ZGC-001"]), make_worker(orgs["BJ-HD-ZGC-001"])
    done = register(me, hd_aid, cause_note="我因病失业")
    done.file.status = FileStatus.EXITED  # an exited file is no longer live
    done.file.save(update_fields=["status"])
    Member.objects.filter(file=done.file).update(live=False)
    theirs = apply(other, hd_aid, cause_note="家人重病")
    kept = (done.state, done.category, done.annual_income, done.household_size)
    req = deletion.request_deletion(auth.sign_in_worker(me.phone), "")
    deletion.review(
        user=make_staff("hd_del", orgs["BJ-HD"], "social_worker"),
        request_id=req.pk,
        action="anonymise",
    )
    done = Application.objects.get(pk=done.pk)
    assert done.cause_note == ""
    assert (done.state, done.category, done.annual_income, done.household_size) == kept
    self_row = Member.objects.get(file=done.file, relation="self")
    assert (self_row.name, self_row.id_number) == ("已注销职工", "")
    assert self_row.id_number_hash == f"deleted:{me.pk}"
    theirs = Application.objects.get(pk=theirs.pk)
    assert theirs.cause_note == "家人重病"
    assert Member.objects.get(file=theirs.file, relation="self").name == other.name
