"""The one-file-per-household check is not an oracle (issue 12, defect 3): a worker listing
any 身份证号 learns nothing about other people (the application is accepted and held for
staff), staff outside the holding file's scope learn only "elsewhere; ask the federation",
and the holding union is told on its file page. Staff in scope still see where it is."""

import json

import pytest

from gonghui.assistance.models import DuplicateFlag, FileStatus, HardshipFile, Member, State
from gonghui.assistance.services import Conflict, DuplicateHousehold
from gonghui.people import auth, privacy
from gonghui.people.tests.factories import bearer, make_staff, make_worker
from gonghui.people.worker_session import SESSION_KEY

from .factories import API, aid_officer, apply, figures, member, register, step

pytestmark = pytest.mark.django_db
PHONE = "13912345671"
# what the holding file would give away: its union, number, status, the member's stored name
SECRETS = ("中关村", "KN", "已建档", "陈**", "BJ-HD")


@pytest.fixture
def held(orgs):
    """A registered 海淀 file holding 陈配偶 (the stored name), and the aid officer there."""
    hd_aid = aid_officer(orgs["BJ-HD"], "hd_aid")
    spouse = member("陈配偶")
    app = register(make_worker(orgs["BJ-HD-ZGC-001"]), hd_aid, members=[spouse])
    return {"file": app.file, "spouse": spouse, "hd_aid": hd_aid}


def h5_post(client, orgs, rows, phone=PHONE):
    worker = make_worker(orgs["BJ-CY-WJ-001"], name="王朝阳", phone=phone)
    account = auth.sign_in_worker(phone)
    privacy.grant_consent(account, "income")
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    data = {"annual_income": "12000", "causes": ["illness"]}
    for i, (name, number) in enumerate(rows):
        data.update({f"m{i}_name": name, f"m{i}_rel": "spouse", f"m{i}_id": number})
    return worker, client.post("/assistance/apply/", data)


def test_worker_h5_learns_nothing_the_application_is_held_for_staff(client, orgs, held):
    # the worker typed a number that is in another district's live file, under another name
    worker, r = h5_post(client, orgs, [("某某", held["spouse"]["id_number"])])
    assert r.status_code == 302, r.content.decode()  # exactly like any accepted application
    new = HardshipFile.objects.get(primary_worker=worker)
    page = client.get(r["Location"]).content.decode()
    for secret in SECRETS[:3]:
        assert secret not in page.replace(new.number, "")
    # the same as for a number nobody holds
    _other, fresh = h5_post(client, orgs, [("某某", member("新人")["id_number"])], "13912345672")
    assert fresh.status_code == r.status_code == 302
    # held: the clashing member is not live; both unions see the flag
    assert list(new.members.values_list("live", flat=True)) == [True, False]
    flag = DuplicateFlag.objects.get(existing_file=held["file"])
    assert flag.attempted_file == new and flag.attempted_org == orgs["BJ-CY-WJ-001"]
    hd_page = _console(client, held["hd_aid"], held["file"])
    assert "职工在线申请中有本户成员，已受理待核实" in hd_page
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    cy_page = _console(client, cy_aid, new)
    assert 'id="held"' in cy_page and "请联系市总工会核实" in cy_page
    assert held["file"].number not in cy_page and "中关村" not in cy_page
    # the held file cannot be verified while the other file is live; rejecting is possible
    app = new.applications.get()
    with pytest.raises(Conflict) as exc:
        step(app, cy_aid, "verify")
    assert "请联系市总工会核实" in str(exc.value) and held["file"].number not in str(exc.value)
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    step(app, cy_aid, "reject", note="与他户档案重复，已核实")
    new.refresh_from_db()
    assert new.status == FileStatus.REJECTED


def test_a_held_application_moves_on_once_the_other_file_is_closed(client, orgs, held):
    worker, _r = h5_post(client, orgs, [("某某", held["spouse"]["id_number"])])
    app = HardshipFile.objects.get(primary_worker=worker).applications.get()
    HardshipFile.objects.filter(pk=held["file"].pk).update(status=FileStatus.EXITED)
    Member.objects.filter(file=held["file"]).update(live=False)
    step(app, aid_officer(orgs["BJ-CY"], "cy_aid"), "verify")
    assert all(app.file.members.values_list("live", flat=True))


def test_a_worker_already_in_a_live_file_is_told_so_without_details(client, orgs, held):
    worker, r = h5_post(client, orgs, [])
    assert r.status_code == 302
    # now the worker themself is live: a second application of theirs is refused
    r = client.post("/assistance/apply/", {"annual_income": "1", "causes": ["illness"]})
    assert r.status_code == 409 and "请勿重复申请" in r.content.decode()
    assert HardshipFile.objects.filter(primary_worker=worker).count() == 1


def test_worker_api_token_is_refused_and_told_nothing(client, orgs, held):
    worker = make_worker(orgs["BJ-CY-WJ-001"], phone=PHONE)
    account = auth.sign_in_worker(PHONE)
    token = {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(worker_account=account)}"}
    body = figures(worker_id=worker.pk, members=[held["spouse"]])
    r = client.post(
        f"{API}/applications", json.dumps(body), content_type="application/json", **token
    )
    assert r.status_code == 403
    for secret in SECRETS:
        assert secret not in r.content.decode()
    assert not DuplicateFlag.objects.exists()


def _post_entry(client, user, worker, spouse_name, spouse):
    body = figures(worker_id=worker.pk, members=[{**spouse, "name": spouse_name}])
    return client.post(
        f"{API}/applications", json.dumps(body), content_type="application/json", **bearer(user)
    )


def test_staff_outside_the_files_scope_learn_only_elsewhere(client, orgs, held):
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    cy_worker = make_worker(orgs["BJ-CY-WJ-001"])
    r = _post_entry(client, cy_aid, cy_worker, "李四", held["spouse"])
    assert r.status_code == 409
    body = r.json()
    assert body["errors"] == {}
    assert "李*" in body["detail"] and "已在其他工会的困难职工档案中" in body["detail"]
    assert "市总工会" in body["detail"]
    for secret in SECRETS:
        assert secret not in r.content.decode()
    assert not HardshipFile.objects.filter(primary_worker=cy_worker).exists()
    # the holding union is told, on its file page
    flag = DuplicateFlag.objects.get()
    assert flag.existing_file == held["file"] and flag.attempted_file is None
    page = _console(client, held["hd_aid"], held["file"])
    assert orgs["BJ-CY-WJ-001"].name in page and "试图为本户成员另建档案，已拦截" in page
    # a social worker (assistance.apply) in the other district: the same
    social = make_staff("cy_social", orgs["BJ-CY"], "social_worker")
    r = _post_entry(client, social, cy_worker, "李四", held["spouse"])
    assert r.status_code == 409 and r.json()["errors"] == {}
    assert all(s not in r.content.decode() for s in SECRETS)


def test_staff_in_scope_still_see_where(client, orgs, held):
    other = make_worker(orgs["BJ-HD-ZGC-001"])
    r = _post_entry(client, held["hd_aid"], other, "李四", held["spouse"])
    assert r.status_code == 409
    body = r.json()
    assert body["errors"]["existing"]["file"] == held["file"].number
    assert "陈**" in body["detail"] and held["file"].number in body["detail"]
    # a city aid officer sees every district
    bj_aid = aid_officer(orgs["BJ"], "bj_aid")
    cy_worker = make_worker(orgs["BJ-CY-WJ-001"])
    r = _post_entry(client, bj_aid, cy_worker, "李四", held["spouse"])
    assert r.json()["errors"]["existing"]["org"] == "BJ-HD-ZGC-001"


def test_service_level_staff_outside_scope_get_no_where(orgs, held):
    cy_aid = aid_officer(orgs["BJ-CY"], "cy_aid")
    with pytest.raises(DuplicateHousehold) as exc:
        apply(make_worker(orgs["BJ-CY-WJ-001"]), cy_aid, members=[held["spouse"]])
    assert not exc.value.detailed
    assert held["file"].number not in str(exc.value) and "中关村" not in str(exc.value)


def _console(client, user, file) -> str:
    client.force_login(user)
    r = client.get(f"/console/assistance/{file.pk}/")
    assert r.status_code == 200, r.status_code
    return r.content.decode()
