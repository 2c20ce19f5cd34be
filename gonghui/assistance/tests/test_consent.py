"""A worker's own online hardship application needs their consent to the use of their income
figures (收入情况); staff entering a paper form do not."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.assistance import services
from gonghui.assistance.demo import load_reference
from gonghui.assistance.models import Application, HardshipFile
from gonghui.people import auth, privacy
from gonghui.people.tests.factories import make_worker
from gonghui.people.worker_session import SESSION_KEY

from .factories import aid_officer, figures

pytestmark = pytest.mark.django_db
PHONE = "13912345670"


@pytest.fixture
def worker(orgs):
    load_reference()
    return make_worker(orgs["BJ-HD-ZGC-001"], phone=PHONE)


def h5_login(client):
    account = auth.sign_in_worker(PHONE)
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return account


def test_online_application_without_income_consent_is_refused(worker):
    account = auth.sign_in_worker(PHONE)
    with pytest.raises(ValidationError) as exc:
        services.submit_entry(worker=worker, account=account, data=figures())
    assert list(exc.value.message_dict) == ["consent"]
    assert "收入情况" in exc.value.messages[0]
    assert not HardshipFile.objects.exists()
    privacy.grant_consent(account, "income")
    app = services.submit_entry(worker=worker, account=account, data=figures())
    assert app.by_worker


def test_staff_entering_a_paper_form_need_no_online_consent(orgs, worker):
    app = services.submit_entry(worker=worker, user=aid_officer(orgs["BJ-HD"]), data=figures())
    assert not app.by_worker and Application.objects.count() == 1


def test_h5_form_explains_the_missing_consent_and_refuses_with_a_link(client, worker):
    account = h5_login(client)
    page = client.get("/assistance/apply/").content.decode()
    assert 'id="consent-needed"' in page and 'href="/me/privacy/"' in page
    r = client.post("/assistance/apply/", {"annual_income": "24000", "causes": ["illness"]})
    assert r.status_code == 400
    html = r.content.decode()
    assert "收入情况" in html and "个人信息授权" in html and not HardshipFile.objects.exists()
    # ticking the box on the form is the separate consent (recorded, then the application)
    data = {"annual_income": "24000", "causes": ["illness"], "consent": "1"}
    r = client.post("/assistance/apply/", data)
    assert r.status_code == 302 and HardshipFile.objects.get().primary_worker == worker
    assert privacy.has_consent(account, "income")
    assert 'id="consent-needed"' not in client.get("/assistance/apply/").content.decode()
