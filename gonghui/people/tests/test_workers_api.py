import pytest

from gonghui.core.models import AuditLog
from gonghui.people.models import Worker

from .factories import bearer, make_staff, worker_data

pytestmark = pytest.mark.django_db


def test_create_worker_returns_201_with_masked_personal_data(client, orgs, cy_handler):
    data = worker_data(orgs["BJ-CY-WJ"], name="张三", phone="13812345678")
    data.update(employer_name="北京某某科技有限公司", employer_credit_code="91110000600037341L")
    r = client.post("/api/v1/workers", data, content_type="application/json", **bearer(cy_handler))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "张三"
    assert body["phone"] == "138****5678"
    assert body["id_number"] == data["id_number"][:6] + "********" + data["id_number"][-4:]
    assert body["union_org"] == "BJ-CY-WJ"
    assert body["work_district"] == "BJ-CY"  # derived from the union org
    assert body["employer_credit_code"] == "91110000600037341L"
    worker = Worker.objects.get(pk=body["id"])
    assert worker.id_number == data["id_number"]
    assert worker.name_initials == "zs"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "110105194912310021"),
        ("phone", "12345"),
        ("employment_form", "astronaut"),
        ("employer_credit_code", "91110000600037341M"),
        ("member_since", "2099-01-01"),
        ("name", ""),
    ],
)
def test_create_worker_bad_field_answers_400_with_that_field(
    client, orgs, cy_handler, field, value
):
    data = worker_data(orgs["BJ-CY"], employer_name="某公司")
    data[field] = value
    r = client.post("/api/v1/workers", data, content_type="application/json", **bearer(cy_handler))
    assert r.status_code == 400
    body = r.json()
    assert body["detail"]
    assert field in body["errors"], body
    assert Worker.objects.count() == 0


def test_duplicate_id_number_is_refused(client, orgs, cy_handler, cy_worker):
    data = worker_data(orgs["BJ-CY"], id_number=cy_worker.id_number)
    r = client.post("/api/v1/workers", data, content_type="application/json", **bearer(cy_handler))
    assert r.status_code == 400
    assert r.json()["errors"]["id_number"] == ["该身份证号已登记"]


def test_cannot_create_worker_in_another_district(client, orgs, cy_handler):
    data = worker_data(orgs["BJ-HD"])
    r = client.post("/api/v1/workers", data, content_type="application/json", **bearer(cy_handler))
    assert r.status_code == 400
    assert "union_org" in r.json()["errors"]
    assert not Worker.objects.exists()


def test_leader_cannot_create_workers(client, orgs):
    leader = make_staff("boss", orgs["BJ"], "leader")
    data = worker_data(orgs["BJ-CY"])
    r = client.post("/api/v1/workers", data, content_type="application/json", **bearer(leader))
    assert r.status_code == 403


@pytest.mark.parametrize("body", ["not json", "[1,2]", '{"name": 5}', '{"name": ["a"]}', "{}"])
def test_malformed_bodies_answer_4xx_json(client, orgs, cy_handler, body):
    r = client.post("/api/v1/workers", body, content_type="application/json", **bearer(cy_handler))
    assert 400 <= r.status_code < 500
    assert "detail" in r.json()
    assert "errors" in r.json()


def test_list_is_scoped_and_masked(client, cy_handler, cy_worker, hd_worker):
    r = client.get("/api/v1/workers", **bearer(cy_handler))
    assert r.status_code == 200
    body = r.json()
    assert [w["id"] for w in body["results"]] == [cy_worker.pk]
    assert body["count"] == 1
    assert body["results"][0]["phone"] == "138****5678"
    assert cy_worker.id_number not in r.content.decode()


def test_search_by_name_pinyin_initials_and_phone(client, cy_handler, cy_worker, hd_worker):
    for q in ["王朝", "wcy", "wangchao"]:
        r = client.get("/api/v1/workers", {"q": q}, **bearer(cy_handler))
        assert [w["id"] for w in r.json()["results"]] == [cy_worker.pk], q
    for q in ["王朝", "13812345678", cy_worker.id_number]:  # the body keeps them out of URLs
        r = client.post(
            "/api/v1/workers/search", {"q": q}, content_type="application/json",
            **bearer(cy_handler),
        )  # fmt: skip
        assert [w["id"] for w in r.json()["results"]] == [cy_worker.pk], q
    for q in ["13812345678", cy_worker.id_number, "+86 138 1234 5678"]:  # not in a URL
        r = client.get("/api/v1/workers", {"q": q}, **bearer(cy_handler))
        assert r.status_code == 400 and "q" in r.json()["errors"]
    # the 海淀 worker's exact phone finds nothing for a 朝阳 handler
    r = client.post(
        "/api/v1/workers/search", {"q": "13987654321"}, content_type="application/json",
        **bearer(cy_handler),
    )  # fmt: skip
    assert r.json()["results"] == []


def test_district_filter(client, orgs, cy_worker, hd_worker):
    city = make_staff("city", orgs["BJ"], "case_handler")
    r = client.get("/api/v1/workers", {"district": "BJ-HD"}, **bearer(city))
    assert [w["id"] for w in r.json()["results"]] == [hd_worker.pk]


def test_pagination(client, orgs, cy_handler):
    from .factories import make_worker

    for _ in range(23):
        make_worker(orgs["BJ-CY-JW"])
    first = client.get("/api/v1/workers", **bearer(cy_handler)).json()
    second = client.get("/api/v1/workers", {"page": 2}, **bearer(cy_handler)).json()
    assert (first["count"], first["pages"], len(first["results"])) == (23, 2, 20)
    assert len(second["results"]) == 3
    bad = client.get("/api/v1/workers", {"page": 0}, **bearer(cy_handler))
    assert bad.status_code == 400 and "page" in bad.json()["errors"]


def test_out_of_scope_id_is_404_like_a_missing_one(client, cy_handler, hd_worker):
    outside = client.get(f"/api/v1/workers/{hd_worker.pk}", **bearer(cy_handler))
    missing = client.get("/api/v1/workers/999999", **bearer(cy_handler))
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_detail_is_masked_by_default_and_writes_no_audit(client, cy_handler, cy_worker):
    r = client.get(f"/api/v1/workers/{cy_worker.pk}", **bearer(cy_handler))
    assert r.status_code == 200
    assert r.json()["phone"] == "138****5678"
    assert r.json()["revealed"] == []
    assert not AuditLog.objects.data_access().exists()


def test_reveal_shows_full_values_and_is_audited(client, cy_handler, cy_worker):
    r = client.get(
        f"/api/v1/workers/{cy_worker.pk}",
        {"reveal": "id_number,phone", "reason": "核实困难帮扶申请"},
        **bearer(cy_handler),
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id_number"] == cy_worker.id_number
    assert body["phone"] == "13812345678"
    assert body["birth_date"] is not None
    log = AuditLog.objects.data_access().get()
    assert (log.actor, log.action, log.object_id) == (cy_handler, "reveal", str(cy_worker.pk))
    assert log.fields == "id_number,phone"
    assert log.reason == "核实困难帮扶申请"
    assert log.source.startswith("GET /api/v1/workers/")
    assert log.ip_address == "127.0.0.1"


def test_reveal_without_reason_is_400_and_not_audited(client, cy_handler, cy_worker):
    r = client.get(f"/api/v1/workers/{cy_worker.pk}", {"reveal": "phone"}, **bearer(cy_handler))
    assert r.status_code == 400
    assert "reason" in r.json()["errors"]
    assert not AuditLog.objects.data_access().exists()


@pytest.mark.parametrize(
    ("role", "field", "allowed"),
    [
        ("hotline_operator", "phone", True),
        ("hotline_operator", "id_number", False),
        ("leader", "phone", False),
        ("station_manager", "phone", False),
        ("aid_officer", "id_number", True),
        ("social_worker", "id_number", True),
    ],
)
def test_reveal_follows_the_role_table(client, orgs, cy_worker, role, field, allowed):
    user = make_staff(f"u_{role}", orgs["BJ-CY"], role)
    r = client.get(
        f"/api/v1/workers/{cy_worker.pk}", {"reveal": field, "reason": "回访"}, **bearer(user)
    )
    if allowed:
        assert r.status_code == 200
        assert r.json()[field] == getattr(cy_worker, field)
        assert AuditLog.objects.filter(actor=user, fields=field).count() == 1
    else:
        assert r.status_code == 403
        assert not AuditLog.objects.data_access().exists()


def test_reveal_needs_the_role_at_the_workers_org(client, orgs, cy_worker):
    # leader over the whole city, aid officer only in 海淀: no reveal for a 朝阳 worker
    user = make_staff("mixed", orgs["BJ"], "leader")
    from gonghui.people.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role="aid_officer", org=orgs["BJ-HD"])
    r = client.get(
        f"/api/v1/workers/{cy_worker.pk}", {"reveal": "phone", "reason": "x"}, **bearer(user)
    )
    assert r.status_code == 403


def test_workers_api_requires_authentication(client, cy_worker):
    assert client.get("/api/v1/workers").status_code == 401
    assert client.get(f"/api/v1/workers/{cy_worker.pk}").status_code == 401
    r = client.get("/api/v1/workers", HTTP_AUTHORIZATION="Bearer nonsense")
    assert r.status_code == 401
