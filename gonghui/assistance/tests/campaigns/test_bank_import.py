"""Payments: issue once, masked batch export, bank result re-import (idempotent, all or
nothing, unknown ids / repeated debits / reversals as errors), one-time re-issue."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from gonghui.assistance.campaigns import bank_import
from gonghui.assistance.campaigns import payments as campaign_payments
from gonghui.assistance.campaigns import services as campaigns
from gonghui.assistance.models import BankImport, Payment
from gonghui.assistance.services import Conflict
from gonghui.core.excel import ImportRejected, SheetError
from gonghui.people.tests.factories import make_worker

from ..campaign_factories import (
    PAID_ON,
    approve,
    bank_file,
    issue_and_batch,
    make_campaign,
    officer,
    opened,
    registered,
    with_accounts,
)
from ..factories import aid_officer

pytestmark = pytest.mark.django_db

ACCOUNTS = ["6222020200112233445", "6217000010001234567", "6228480010987654321"]


@pytest.fixture
def paid_setup(orgs):
    """An approved 海淀 送温暖 with three people (3000 + 2000 + 3000), issued and batched."""
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    workers = [make_worker(orgs["BJ-HD-ZGC-001"], name=n) for n in ("王大明", "李小红", "赵四")]
    for w, income in zip(workers, ("10000", "24000", "10000"), strict=True):
        registered(w, hd_aid, income=income)
    c = make_campaign(hd_aid, orgs["BJ-HD"])
    opened(c, hd_aid)
    campaigns.generate_list(user=hd_aid, campaign_id=c.pk, org_code="BJ-HD")
    approve(c, officer(orgs["BJ"], "bj_aid"))
    bens = with_accounts(c, hd_aid, ACCOUNTS)
    out, batch = issue_and_batch(c, hd_aid)
    assert out == {"issued": 3, "without_account": 0, "already": 0, "objected": 0}
    pays = [b.payments.get() for b in bens]
    return {"c": c, "aid": hd_aid, "pays": pays, "batch": batch, "workers": workers}


def rows_for(pays, results):
    out = []
    for p, r in zip(pays, results, strict=True):
        if r == "paid":
            out.append((p.reconciliation_id, "成功", float(p.amount), PAID_ON.isoformat(), ""))
        else:
            out.append((p.reconciliation_id, "失败", float(p.amount), "", "账户已销户"))
    return out


def state(pays):
    return [
        (p.status, p.paid_on, p.failure_reason, p.updated_at)
        for p in Payment.objects.filter(pk__in=[x.pk for x in pays]).order_by("id")
    ]


def run(s, upload):
    return bank_import.import_results(user=s["aid"], campaign_id=s["c"].pk, upload=upload)


def test_issue_twice_never_pays_twice(paid_setup):
    s = paid_setup
    again = campaign_payments.issue_payments(user=s["aid"], campaign_id=s["c"].pk)
    assert again["issued"] == 0
    assert Payment.objects.count() == 3
    assert len({p.reconciliation_id for p in s["pays"]}) == 3
    with pytest.raises(Conflict):
        campaign_payments.create_batch(user=s["aid"], campaign_id=s["c"].pk)


def test_export_is_masked(paid_setup):
    s = paid_setup
    batch, content = campaign_payments.export_batch(user=s["aid"], batch_id=s["batch"].pk)
    ws = load_workbook(io.BytesIO(content)).active
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    text = " ".join(cells)
    for account in ACCOUNTS:
        assert account not in text
        assert f"{account[:4]}{'*' * (len(account) - 8)}{account[-4:]}" in text
    for w in s["workers"]:
        assert w.id_number not in text and w.name not in text
        assert w.id_number[:6] + "********" + w.id_number[-4:] in text
    assert {p.reconciliation_id for p in s["pays"]} <= set(cells)
    batch.refresh_from_db()
    assert batch.exported_at is not None


def test_same_bank_file_twice_changes_nothing(paid_setup):
    s = paid_setup
    content = rows_for(s["pays"], ["paid", "paid", "failed"])
    upload = bank_file(content)  # the same bytes twice (openpyxl stamps the save time)
    report = run(s, upload)
    assert (report["status"], report["applied"]) == ("applied", 3)
    after_first = state(s["pays"])
    assert [x[0] for x in after_first] == ["paid", "paid", "failed"]
    again = run(s, upload)
    assert again["status"] == "already_applied" and again["applied"] == 0
    assert state(s["pays"]) == after_first
    assert BankImport.objects.count() == 1
    # the same results in another file (re-saved): rows already recorded, nothing applied twice
    resaved = [(*row, "银行备注") for row in content]
    header = ("对账编号", "结果", "金额", "日期", "原因", "备注")
    renamed = run(s, bank_file(resaved, name="again.xlsx", header=header))
    assert (renamed["status"], renamed["applied"], renamed["already_applied"]) == ("applied", 0, 3)
    assert state(s["pays"]) == after_first


def test_unknown_ids_repeated_debits_and_reversals_are_errors_and_nothing_is_applied(
    paid_setup,
):
    s = paid_setup
    p1, p2, p3 = s["pays"]
    run(s, bank_file(rows_for([p1], ["paid"])))
    before = state(s["pays"])
    bad = [
        (p2.reconciliation_id, "成功", float(p2.amount), PAID_ON.isoformat(), ""),  # fine alone
        ("GH2026XXXXXUNKNOWN", "成功", 100, PAID_ON.isoformat(), ""),  # unknown id
        (p3.reconciliation_id, "成功", float(p3.amount), PAID_ON.isoformat(), ""),  # twice
        (p3.reconciliation_id, "成功", float(p3.amount), PAID_ON.isoformat(), ""),
        (p1.reconciliation_id, "失败", float(p1.amount), "", "冲正"),  # reversal of a paid one
    ]
    with pytest.raises(ImportRejected) as exc:
        run(s, bank_file(bad))
    rows = exc.value.report["rows"]
    assert [r["status"] for r in rows] == ["apply", "error", "error", "error", "error"]
    assert "未知" in rows[1]["message"]
    assert "重复扣款" in rows[2]["message"] and "重复扣款" in rows[3]["message"]
    assert "冲正" in rows[4]["message"]
    assert state(s["pays"]) == before
    # paid again on another day: a repeated debit; a wrong amount: an error
    with pytest.raises(ImportRejected) as exc:
        run(
            s,
            bank_file(
                [
                    (p1.reconciliation_id, "成功", float(p1.amount), "2026-02-01", ""),
                    (p2.reconciliation_id, "成功", 1.0, PAID_ON.isoformat(), ""),
                ]
            ),
        )
    messages = [r["message"] for r in exc.value.report["rows"]]
    assert "重复扣款" in messages[0] and "金额不符" in messages[1]
    assert state(s["pays"]) == before
    # bad cells and a file that is not xlsx
    with pytest.raises(ImportRejected):
        run(s, bank_file([(p2.reconciliation_id, "也许", "abc", "昨天", "")]))
    from gonghui.core.excel import SheetError

    with pytest.raises(SheetError):
        from django.core.files.uploadedfile import SimpleUploadedFile

        run(s, SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert state(s["pays"]) == before


def test_failed_payment_reissued_once_on_purpose(paid_setup):
    s = paid_setup
    p1, _p2, p3 = s["pays"]
    run(s, bank_file(rows_for(s["pays"], ["paid", "paid", "failed"])))
    with pytest.raises(Conflict):  # a paid one cannot be re-issued
        campaign_payments.reissue(user=s["aid"], payment_id=p1.pk, reason="重发")
    with pytest.raises(ValidationError):  # on purpose: a reason is required
        campaign_payments.reissue(user=s["aid"], payment_id=p3.pk, reason=" ")
    new = campaign_payments.reissue(
        user=s["aid"], payment_id=p3.pk, reason="更换银行卡", account="6222021111222233334"
    )
    assert new.reissue_of_id == p3.pk and new.reconciliation_id != p3.reconciliation_id
    assert new.amount == p3.amount and new.batch is None
    with pytest.raises(Conflict):
        campaign_payments.reissue(user=s["aid"], payment_id=p3.pk, reason="再来一次")
    # not issued again by the bulk issue either
    assert campaign_payments.issue_payments(user=s["aid"], campaign_id=s["c"].pk)["issued"] == 0
    batch = campaign_payments.create_batch(user=s["aid"], campaign_id=s["c"].pk)
    assert list(batch.payments.all()) == [new]
    run(s, bank_file([(new.reconciliation_id, "失败", float(new.amount), "", "户名不符")]))
    with pytest.raises(Conflict):  # a re-issue is not re-issued again
        campaign_payments.reissue(user=s["aid"], payment_id=new.pk, reason="第三次")
    assert Payment.objects.filter(beneficiary=p3.beneficiary).count() == 2


def test_a_reconciliation_id_or_amount_excel_turned_into_a_long_number_is_refused(paid_setup):
    s = paid_setup
    rows = rows_for(s["pays"], ["paid", "paid", "paid"])
    rows[1] = (1.23456789012345e17, *rows[1][1:])
    with pytest.raises(SheetError) as exc:
        run(s, bank_file(rows))
    assert "第3行 对账编号：单元格是数字格式" in str(exc.value)
    assert "请把该列设为文本格式后重新填写" in str(exc.value)
    assert {p.status for p in Payment.objects.filter(pk__in=[p.pk for p in s["pays"]])} == {
        s["pays"][0].status
    }
    assert not BankImport.objects.exists()
