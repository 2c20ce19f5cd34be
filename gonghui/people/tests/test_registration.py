"""实名登记: registration rules, the neutral answer, the console queue and its scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.core.models import AuditLog
from gonghui.people import auth, privacy, services
from gonghui.people.demo import fake_id_number
from gonghui.people.models import (
    ClaimStatus,
    MembershipStatus,
    RegistrationClaim,
    Worker,
    WorkerAccount,
)
from gonghui.people.tests.factories import make_worker

pytestmark = pytest.mark.django_db

NEW_ID = fake_id_number("110105", datetime.date(1990, 5, 6), 321, "F")


def account(phone="13700001111", consent=True) -> WorkerAccount:
    """A signed-in phone that (unless told otherwise) consented to its ID number's use."""
    acc = auth.sign_in_worker(phone)
    if consent:
        privacy.grant_consent(acc, "sensitive_id")
    return acc


def form(**overrides) -> dict:
    data = {
        "name": "赵小登",
        "id_number": NEW_ID,
        "employer_name": "某某配送站",
        "employment_form": "food_delivery",
        "district": "朝阳区总工会",
        "street": "望京街道工会",
        "member": True,
        "member_since": "2020-03-01",
    }
    data.update(overrides)
    return data


def api_post(client, acc, data):
    token = auth.issue_token(worker_account=acc)
    return client.post(
        "/api/v1/me/registration",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_new_registration_creates_worker_with_claimed_membership(orgs):
    acc = account()
    result = services.register_self(acc, form())
    worker = result.worker
    assert result.outcome == "registered"
    assert worker.union_org == orgs["BJ-CY-WJ"] and worker.work_district == orgs["BJ-CY"]
    assert worker.phone == acc.phone and worker.self_registered
    assert worker.membership_status == MembershipStatus.CLAIMED and not worker.is_member
    acc.refresh_from_db()
    assert acc.worker == worker
    assert AuditLog.objects.filter(action="self_register", object_id=str(worker.pk)).exists()


def test_district_only_registers_at_the_district_union(orgs):
    worker = services.register_self(account(), form(street="", member=False)).worker
    assert worker.union_org == orgs["BJ-CY"] and worker.membership_status == ""


def test_field_errors_in_chinese(orgs):
    with pytest.raises(ValidationError) as exc:
        services.register_self(
            account(),
            form(
                name="",
                id_number="110105199005061234",
                employer_credit_code="123",
                employment_form="x",
                street="中关村街道工会",  # a 海淀 street under 朝阳
            ),
        )
    errors = exc.value.message_dict
    assert set(errors) == {"name", "id_number", "employer_credit_code", "employment_form", "street"}
    assert errors["street"] == ["所选街道（乡镇）不在该区"]
    assert not Worker.objects.filter(self_registered=True).exists()


def test_existing_id_with_matching_name_and_phone_links(orgs):
    on_file = make_worker(orgs["BJ-CY-WJ-001"], name="钱有档", phone="13700002222")
    acc = WorkerAccount.objects.create(phone="13700002222", phone_hash=on_file.phone_hash)
    privacy.grant_consent(acc, "sensitive_id")
    result = services.register_self(acc, form(name="钱有档", id_number=on_file.id_number))
    assert result.outcome == "linked"
    acc.refresh_from_db()
    assert acc.worker == on_file
    on_file.refresh_from_db()
    assert on_file.union_org == orgs["BJ-CY-WJ-001"]  # the record on file is not moved
    assert on_file.membership_status == MembershipStatus.CLAIMED
    assert Worker.objects.count() == 1


def test_existing_id_with_other_phone_goes_to_staff(orgs):
    on_file = make_worker(orgs["BJ-CY-WJ-001"], name="钱有档", phone="13700002222")
    acc = account("13700003333")
    result = services.register_self(acc, form(name="钱有档", id_number=on_file.id_number))
    assert result.outcome == "claimed"
    acc.refresh_from_db()
    assert acc.worker is None
    claim = result.claim
    assert claim.worker == on_file and claim.status == ClaimStatus.OPEN
    assert claim.id_number == on_file.id_number and claim.org == orgs["BJ-CY-WJ"]


def test_existing_id_with_wrong_name_goes_to_staff(orgs):
    on_file = make_worker(orgs["BJ-CY-WJ-001"], name="钱有档", phone="13700002222")
    acc = WorkerAccount.objects.create(phone="13700002222", phone_hash=on_file.phone_hash)
    privacy.grant_consent(acc, "sensitive_id")
    result = services.register_self(acc, form(name="孙冒名", id_number=on_file.id_number))
    assert result.outcome == "claimed"
    acc.refresh_from_db()
    assert acc.worker is None
    with pytest.raises(ValidationError, match="请等待工会核实"):
        services.register_self(acc, form(name="孙冒名", id_number=on_file.id_number))


def test_linked_account_cannot_register_again(orgs):
    acc = account()
    services.register_self(acc, form())
    with pytest.raises(ValidationError, match="无需重复登记"):
        services.register_self(
            acc, form(id_number=fake_id_number("110105", datetime.date(1991, 1, 1), 7, "M"))
        )


def test_api_answer_never_reveals_whether_the_id_is_known(client, orgs):
    on_file = make_worker(orgs["BJ-HD-ZGC-001"], name="钱有档", phone="13700002222")
    known = api_post(
        client, account("13700004444"), form(name="孙冒名", id_number=on_file.id_number)
    )
    unknown = api_post(client, account("13700005555"), form(name="孙冒名"))
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert "核实" in known.json()["detail"]
    assert RegistrationClaim.objects.count() == 1
    # a field error reads the same for a known and an unknown number
    bad_known = api_post(
        client, account("13700006666"), form(id_number=on_file.id_number, district="")
    )
    bad_unknown = api_post(client, account("13700007777"), form(district=""))
    assert bad_known.status_code == bad_unknown.status_code == 400
    assert bad_known.json() == bad_unknown.json()
    assert set(bad_known.json()["errors"]) == {"district"}


def test_api_status_and_staff_token_refused(client, orgs, cy_handler):
    acc = account()
    token = auth.issue_token(worker_account=acc)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/me/registration", **headers).json()["status"] == "none"
    assert api_post(client, acc, form()).status_code == 202
    body = client.get("/api/v1/me/registration", **headers).json()
    assert body["status"] == "registered" and body["membership_name"] == "会员身份待确认"
    staff = {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(user=cy_handler)}"}
    assert (
        client.post(
            "/api/v1/me/registration", {}, content_type="application/json", **staff
        ).status_code
        == 403
    )


def test_confirm_membership_sets_member_since_and_is_scoped(orgs, cy_handler, hd_handler):
    worker = services.register_self(account(), form()).worker
    with pytest.raises(Http404):
        services.review_membership(user=hd_handler, worker_id=worker.pk, action="confirm")
    services.review_membership(user=cy_handler, worker_id=worker.pk, action="confirm")
    worker.refresh_from_db()
    assert worker.is_member and worker.member_since == datetime.date(2020, 3, 1)
    assert worker.membership_status == MembershipStatus.CONFIRMED
    assert worker.membership_reviewed_by == cy_handler
    with pytest.raises(Http404):  # nothing waits any more
        services.review_membership(user=cy_handler, worker_id=worker.pk, action="reject")


def test_reject_membership(orgs, cy_handler):
    worker = services.register_self(account(), form()).worker
    services.review_membership(user=cy_handler, worker_id=worker.pk, action="reject")
    worker.refresh_from_db()
    assert not worker.is_member and worker.membership_status == MembershipStatus.REJECTED


def test_link_claim_needs_the_record_in_scope(orgs, cy_handler):
    on_file = make_worker(orgs["BJ-HD-ZGC-001"], name="钱有档", phone="13700002222")
    claim = services.register_self(
        account(), form(name="钱有档", id_number=on_file.id_number)
    ).claim
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.review_claim(user=cy_handler, claim_id=claim.pk, action="link")
    services.review_claim(user=cy_handler, claim_id=claim.pk, action="reject")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.reviewed_by == cy_handler


def test_link_claim(orgs, cy_handler):
    on_file = make_worker(orgs["BJ-CY-WJ-001"], name="钱有档", phone="13700002222")
    acc = account()
    claim = services.register_self(acc, form(name="钱有档", id_number=on_file.id_number)).claim
    services.review_claim(user=cy_handler, claim_id=claim.pk, action="link")
    acc.refresh_from_db()
    on_file.refresh_from_db()
    assert acc.worker == on_file and on_file.membership_status == MembershipStatus.CLAIMED
    assert AuditLog.objects.filter(action="claim_link", object_id=str(claim.pk)).exists()


def test_registration_needs_the_id_number_consent(client, orgs):
    acc = account(consent=False)
    with pytest.raises(ValidationError) as exc:
        services.register_self(acc, form())
    assert list(exc.value.message_dict) == ["consent"]
    assert "身份证件号码" in exc.value.messages[0] and "/me/privacy/" in exc.value.messages[0]
    r = api_post(client, acc, form())
    assert r.status_code == 400 and list(r.json()["errors"]) == ["consent"]
    assert "个人信息授权" in r.json()["errors"]["consent"][0]
    assert not Worker.objects.exists() and not RegistrationClaim.objects.exists()
    privacy.grant_consent(acc, "sensitive_id")
    assert api_post(client, acc, form()).status_code == 202
    privacy.withdraw_consent(acc, "sensitive_id")  # withdrawing later keeps what was done
    assert WorkerAccount.objects.get(pk=acc.pk).worker.name == "赵小登"
