"""Races on PostgreSQL: two district lists taking the same person at the same moment, the same
bank file imported twice at once, two officers re-issuing the same failed payment."""

import pytest

from gonghui.assistance.campaigns import bank_import
from gonghui.assistance.campaigns import payments as campaign_payments
from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import BankImport, Beneficiary, ListConflict, Payment
from gonghui.assistance.services import Conflict
from gonghui.core.testing import postgres_only, run_together
from gonghui.people.tests.factories import make_worker

from ..campaign_factories import (
    approved_with_payments,
    bank_file,
    make_campaign,
    officer,
    opened,
)
from ..factories import aid_officer

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_lists_racing_for_one_person_only_one_wins_and_it_is_reported(orgs):
    city = officer(orgs["BJ"], "bj_aid_c")
    users = [aid_officer(orgs["BJ-HD"], "hd_aid_c"), aid_officer(orgs["BJ-CY"], "cy_aid_c")]
    lists = ["BJ-HD", "BJ-CY"]
    c = make_campaign(
        city, orgs["BJ"], standards=[{"key": "default", "label": "慰问", "amount": "500"}]
    )
    opened(c, city)
    for _round in range(3):
        person = make_worker(orgs["BJ-HD-ZGC-001"])

        def add(i, person=person):
            try:
                campaigns.add_beneficiary(
                    user=users[i],
                    campaign_id=c.pk,
                    data={"org": lists[i], "name": person.name, "id_number": person.id_number},
                )
            except campaigns.DuplicateBeneficiary as exc:
                return ("duplicate", exc.where().get("org", ""), str(exc))
            return ("created", lists[i])

        results = run_together(2, add)
        assert sorted(r[0] for r in results) == ["created", "duplicate"]
        # the other district may not see the winner's list: told only "another union's list"
        (loser,) = [r for r in results if r[0] == "duplicate"]
        assert loser[1] == "" and "其他工会的名单" in loser[2]
        winner = Beneficiary.objects.get(campaign=c, person_hash=person.id_number_hash)
        assert ListConflict.objects.filter(existing=winner).count() == 1


def test_same_bank_file_imported_twice_at_once_is_applied_once(orgs):
    c, aid, pays, _batch, _w = approved_with_payments(
        orgs, ["6222000011112222", "6222000011113333"], incomes=("10000", "24000")
    )
    content = bank_file(
        [(p.reconciliation_id, "成功", float(p.amount), "2026-01-20", "") for p in pays]
    ).read()

    def imp(_i):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("r.xlsx", content)
        return bank_import.import_results(user=aid, campaign_id=c.pk, upload=upload)

    results = run_together(2, imp)
    assert sorted(r["applied"] for r in results) == [0, 2]
    assert sorted(r["status"] for r in results) == ["already_applied", "applied"]
    assert BankImport.objects.count() == 1
    assert set(Payment.objects.values_list("status", flat=True)) == {"paid"}


def test_two_officers_reissuing_one_failed_payment_only_one_succeeds(orgs):
    c, aid, pays, _batch, _w = approved_with_payments(
        orgs, ["6222000011114444"], incomes=("10000",)
    )
    p = pays[0]
    bank_import.import_results(
        user=aid,
        campaign_id=c.pk,
        upload=bank_file([(p.reconciliation_id, "失败", float(p.amount), "", "账户冻结")]),
    )
    other = aid_officer(orgs["BJ-HD"], "hd_aid_other")
    users = [aid, other]

    def re(i):
        try:
            campaign_payments.reissue(user=users[i], payment_id=p.pk, reason="更换账户")
        except Conflict:
            return "refused"
        return "reissued"

    assert sorted(run_together(2, re)) == ["refused", "reissued"]
    assert Payment.objects.filter(reissue_of=p).count() == 1
