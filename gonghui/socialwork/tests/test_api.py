"""/api/v1/socialwork: caseload, workload and assignment, with scope isolation (BJ-CY vs
BJ-HD) on every endpoint."""

import pytest

from gonghui.assistance.models import FileStatus, HardshipFile
from gonghui.people.tests.factories import bearer, make_staff
from gonghui.services.tests.factories import make_project

from .factories import API, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(orgs):
    return world(orgs)


def test_caseload_is_the_callers_own(client, w):
    body = client.get(f"{API}/caseload", **bearer(w["jia"])).json()
    assert [a["number"] for a in body["appeals"]] == [
        w["appeals"][1].number,
        w["appeals"][0].number,
    ]
    assert [a["overdue"] for a in body["appeals"]] == [True, False]
    assert body["appeals"][0]["seconds_left"] < 0 < body["appeals"][1]["seconds_left"]
    files = {f["number"]: (f["visit_overdue"], f["review_due"]) for f in body["files"]}
    f = w["files"]
    assert files == {
        f[0].number: (True, False),
        f[1].number: (False, True),
        f[2].number: (False, False),
    }
    assert [s["id"] for s in body["sessions"]] == [s.pk for s in w["sessions"][:3]]
    hd = client.get(f"{API}/caseload", **bearer(w["bing"])).json()
    assert [a["number"] for a in hd["appeals"]] == [w["appeals"][2].number]
    assert [x["number"] for x in hd["files"]] == [w["hd_file"].number]
    assert [s["id"] for s in hd["sessions"]] == [w["sessions"][3].pk]


def test_caseload_needs_staff(client, w):
    assert client.get(f"{API}/caseload").status_code == 401


def test_workload_for_leaders_only_and_scoped(client, orgs, w):
    leader_cy = make_staff("leader_cy", orgs["BJ-CY"], "leader")
    r = client.get(f"{API}/workload", **bearer(leader_cy))
    assert r.status_code == 200
    body = r.json()
    assert body["org"] == "BJ-CY" and body["org_name"] == orgs["BJ-CY"].name
    rows = {x["name"]: x for x in body["social_workers"]}
    assert set(rows) == {"社工甲", "社工乙"}
    assert (rows["社工甲"]["appeals"], rows["社工甲"]["overdue"], rows["社工甲"]["sessions"]) == (
        2,
        3,
        2,
    )
    assert body["orgs"][0]["org"] == "BJ-CY" and body["orgs"][0]["files"] == 4
    r = client.get(f"{API}/workload?org=BJ-HD", **bearer(leader_cy))
    assert r.status_code == 404
    r = client.get(f"{API}/workload?org=NOPE", **bearer(leader_cy))
    assert r.status_code == 404
    for user in (w["jia"], w["aid_cy"]):
        assert client.get(f"{API}/workload", **bearer(user)).status_code == 403
    city = make_staff("leader_city", orgs["BJ"], "leader")
    body = client.get(f"{API}/workload?org=BJ-HD", **bearer(city)).json()
    assert [x["name"] for x in body["social_workers"]] == ["社工丙"]


def test_assign_through_the_api(client, orgs, w):
    file = w["files"][3]
    r = client.post(
        f"{API}/files/{file.pk}/assign",
        {"social_worker": w["jia"].pk},
        content_type="application/json",
        **bearer(w["aid_cy"]),
    )
    assert r.status_code == 200, r.content
    assert r.json()["contact"] == w["jia"].pk and r.json()["contact_name"] == "社工甲"
    assert HardshipFile.objects.get(pk=file.pk).contact == w["jia"]
    cands = client.get(f"{API}/files/{file.pk}/candidates", **bearer(w["aid_cy"])).json()
    assert {c["name"] for c in cands} == {"社工甲", "社工乙"}


def test_assign_refusals_are_clear(client, orgs, w):
    file = w["files"][3]
    url = f"{API}/files/{file.pk}/assign"

    def post(user, person_id):
        return client.post(
            url, {"social_worker": person_id}, content_type="application/json", **bearer(user)
        )

    # another district's aid officer: the file does not exist for them
    r = post(w["aid_hd"], w["jia"].pk)
    assert r.status_code == 404
    assert client.get(f"{API}/files/{file.pk}/candidates", **bearer(w["aid_hd"])).status_code == 404
    # a leader sees the file but may not assign
    leader = make_staff("leader_cy", orgs["BJ-CY"], "leader")
    r = post(leader, w["jia"].pk)
    assert r.status_code == 403 and "无权为该档案分配社工" in r.json()["detail"]
    assert client.get(f"{API}/files/{file.pk}/candidates", **bearer(leader)).status_code == 403
    # wrong role / out of scope assignee: a field error
    for person in (w["aid_cy"], w["bing"]):
        r = post(w["aid_cy"], person.pk)
        assert r.status_code == 400
        assert "工会社会工作者" in r.json()["errors"]["social_worker"][0]
    assert post(w["aid_cy"], 999999).status_code == 400
    r = client.post(url, {}, content_type="application/json", **bearer(w["aid_cy"]))
    assert r.status_code == 400 and "social_worker" in r.json()["errors"]
    HardshipFile.objects.filter(pk=file.pk).update(status=FileStatus.REJECTED)
    assert post(w["aid_cy"], w["jia"].pk).status_code == 409
    assert HardshipFile.objects.get(pk=file.pk).contact == w["yi"]


def test_session_runner_through_the_services_api(client, orgs, w):
    project = make_project(organiser=orgs["BJ-CY"])
    session = w["sessions"][0]
    r = client.patch(
        f"/api/v1/services/sessions/{session.pk}",
        {"runner": w["bing"].pk},
        content_type="application/json",
        **bearer(w["jia"]),
    )
    assert r.status_code == 400 and r.json()["errors"]["runner"]
    r = client.post(
        f"/api/v1/services/projects/{project.pk}/sessions",
        {
            "starts_at": "2030-05-01T09:00",
            "ends_at": "2030-05-01T11:00",
            "capacity": 5,
            "place": "职工之家",
            "runner": w["jia"].pk,
        },
        content_type="application/json",
        **bearer(w["jia"]),
    )
    assert r.status_code == 201, r.content
    assert r.json()["runner"] == w["jia"].pk
