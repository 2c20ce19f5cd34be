"""Aid events → messages: an application decided, a payment made (once, even re-imported)."""

import pytest

from gonghui.assistance import services_flow
from gonghui.assistance.tests.campaign_factories import bank_file
from gonghui.assistance.tests.campaigns.test_bank_import import paid_setup, rows_for, run  # noqa: F401
from gonghui.assistance.tests.factories import aid_officer, apply, end_publicity, register, step
from gonghui.core import sms
from gonghui.notices import selectors
from gonghui.notices.models import Message
from gonghui.people.tests.factories import make_worker

from .factories import account

pytestmark = pytest.mark.django_db


def inbox(worker, event):
    return list(selectors.inbox(account(worker.phone)).filter(event=event))


def test_rejected_application_tells_the_worker_why(orgs, django_capture_on_commit_callbacks):
    officer = aid_officer(orgs["BJ-HD"])
    worker = make_worker(orgs["BJ-HD-ZGC-001"])
    app = apply(worker, officer)
    with django_capture_on_commit_callbacks(execute=True):
        step(app, officer, "reject", note="家庭收入高于标准")
    [m] = inbox(worker, "aid_decided")
    assert "建档申请未通过" in m.body and "家庭收入高于标准" in m.body
    assert m.link == f"/assistance/applications/{app.pk}/"
    assert sms.outbox == [(worker.phone, m.body)]


def test_concluded_application_once_and_auto_conclusion(orgs):
    officer = aid_officer(orgs["BJ-HD"])
    first, second = (make_worker(orgs["BJ-HD-ZGC-001"]) for _ in range(2))
    register(first, officer)
    [m] = inbox(first, "aid_decided")
    assert "已通过" in m.body
    app = apply(second, officer)
    step(app, officer, "verify")
    step(app, officer, "approve")
    assert inbox(second, "aid_decided") == []  # 公示 is not a decision yet
    end_publicity(app)
    assert services_flow.conclude_expired_publicity() == 1
    assert services_flow.conclude_expired_publicity() == 0
    assert len(inbox(second, "aid_decided")) == 1


def test_paid_payment_is_one_message_even_when_reimported(
    paid_setup,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    s = paid_setup
    content = rows_for(s["pays"], ["paid", "paid", "failed"])
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run(s, bank_file(content))
    paid = [inbox(w, "payment_made") for w in s["workers"]]
    assert [len(x) for x in paid] == [1, 1, 0]
    assert s["c"].title in paid[0][0].body and "3,000.00元" in paid[0][0].body
    assert sorted(p for p, _ in sms.outbox) == sorted(w.phone for w in s["workers"][:2])
    resaved = [(*row, "银行备注") for row in content]
    header = ("对账编号", "结果", "金额", "日期", "原因", "备注")
    with django_capture_on_commit_callbacks(execute=True):
        run(s, bank_file(resaved, name="again.xlsx", header=header))
    assert Message.objects.filter(event="payment_made").count() == 2
    assert len(sms.outbox) == 2
