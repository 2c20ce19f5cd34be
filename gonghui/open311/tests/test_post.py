"""POST requests (form-encoded, api_key in the body or the query string) files a real 12351
appeal through the hotline's intake; keys refused when missing, wrong or revoked; the rate
limit; bad input as an error list; tokens; what GET shows back of a submitted request."""

import json

import pytest

from gonghui.hotline.models import Appeal, Channel, Status
from gonghui.open311 import services
from gonghui.open311.models import ApiClient, SubmittedRequest
from gonghui.people.tests.factories import make_staff

from .test_read import REQUEST_FIELDS, parse_xml

URL = "/open311/v2/requests"
PHONE = "13822223333"

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    data = {
        "service_code": "LABOR-WAGE",
        "lat": "39.9965",
        "long": "116.4706",  # 望京, 朝阳
        "description": "工地拖欠两个月工资",
        "first_name": "明",
        "last_name": "赵",
        "phone": PHONE,
        "attribute[appeal_type]": "complaint",
        "attribute[employer_name]": "某建筑公司",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data, fmt="json", **extra):
    return client.post(f"{URL}.{fmt}", data, **extra)


def errors_of(response) -> list[str]:
    return [e["code"] for e in json.loads(response.content)]


def test_a_request_becomes_an_appeal_through_the_hotline_intake(client, world):
    response = post(client, form(api_key=world.key))
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert len(body) == 1
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id"]
    appeal = Appeal.objects.get(number=body[0]["service_request_id"])
    assert appeal.number in body[0]["service_notice"]
    assert appeal.category.code == "LABOR-WAGE" and appeal.type == "complaint"
    assert appeal.district.code == "BJ-CY" and appeal.status == Status.RECEIVED
    assert appeal.contact_phone == PHONE and appeal.contact_name == "赵明"
    assert appeal.employer_name == "某建筑公司" and appeal.content == "工地拖欠两个月工资"
    assert appeal.channel == Channel.API  # 接口, not the public web form's 网页 (docs/open311.md)
    assert appeal.resolve_due is not None and appeal.events.filter(action="create").exists()
    submitted = SubmittedRequest.objects.get(appeal=appeal)
    assert submitted.client == world.client
    assert (submitted.lat, submitted.lng) == (39.9965, 116.4706)

    # read back: the submitter's description and point, still no contact or employer
    shown = json.loads(client.get(f"{URL}/{appeal.number}.json").content)[0]
    assert list(shown) == REQUEST_FIELDS
    assert shown["description"] == "工地拖欠两个月工资"
    assert (shown["lat"], shown["long"]) == (39.9965, 116.4706)
    text = client.get(f"{URL}.xml").content.decode()
    for secret in (PHONE, "赵明", "某建筑公司"):
        assert secret not in text and secret not in json.dumps(shown, ensure_ascii=False)

    # the token resolves to the request
    token = client.get(f"/open311/v2/tokens/{submitted.token}.json")
    assert json.loads(token.content) == [
        {"service_request_id": appeal.number, "token": submitted.token}
    ]
    root = parse_xml(client.get(f"/open311/v2/tokens/{submitted.token}.xml").content)
    assert [c.tag for c in root[0]] == ["service_request_id", "token"]


def test_xml_answer_and_key_in_the_query_string_and_address_string(client, world):
    data = form(lat=None, long=None, address_string="北京市海淀区中关村大街1号")
    response = client.post(f"{URL}.xml?api_key={world.key}", data)
    assert response.status_code == 200, response.content
    root = parse_xml(response.content)
    assert root.tag == "service_requests" and root[0].tag == "request"
    assert [c.tag for c in root[0]] == ["service_request_id", "service_notice", "account_id"]
    appeal = Appeal.objects.get(number=root[0].find("service_request_id").text)
    assert appeal.district.code == "BJ-HD"
    # a street name alone also places it
    response = post(client, form(api_key=world.key, lat=None, long=None,
                                 address_string="上地十街10号"))  # fmt: skip
    number = json.loads(response.content)[0]["service_request_id"]
    assert Appeal.objects.get(number=number).district.code == "BJ-HD"


@pytest.mark.parametrize(
    ("key", "code"),
    [(None, "api_key_missing"), ("", "api_key_missing"), ("o311_wrong", "api_key_invalid")],
)
def test_missing_or_wrong_key_is_403(client, world, key, code):
    before = Appeal.objects.count()
    response = post(client, form(api_key=key))
    assert response.status_code == 403 and errors_of(response) == [code]
    assert Appeal.objects.count() == before


def test_a_revoked_key_is_refused(client, world):
    services.revoke_key(user=world.admin, client_id=world.client.pk)
    response = post(client, form(api_key=world.key))
    assert response.status_code == 403 and errors_of(response) == ["api_key_revoked"]


def test_the_key_is_stored_hashed_only(world):
    row = ApiClient.objects.get(pk=world.client.pk)
    assert world.key not in (row.key_hash, row.key_prefix, row.name)
    assert row.key_hash == services.key_hash(world.key) and len(row.key_hash) == 64
    assert world.key.startswith(row.key_prefix)


def test_rate_limit_per_key_is_429_with_retry_after(client, world, settings):
    settings.PUBLIC_RATE_LIMITS = {"open311.requests": {"target": (2, 3600)}}
    for _ in range(2):
        assert post(client, form(api_key=world.key)).status_code == 200
    response = post(client, form(api_key=world.key))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert errors_of(response) == ["rate_limited"]
    assert "频繁" in json.loads(response.content)[0]["description"]
    # another client has its own count
    _client, other = services.issue_key(user=world.admin, name="另一个应用")
    assert post(client, form(api_key=other)).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "status", "codes"),
    [
        ({"service_code": ""}, 400, ["missing_service_code"]),
        ({"service_code": "NOPE"}, 404, ["service_code_not_found"]),
        ({"service_code": "STATION-REPORT"}, 400, ["service_not_writable"]),
        ({"lat": None, "long": None}, 400, ["missing_location"]),
        ({"lat": None, "long": None, "address_id": "A1"}, 400, ["address_id_unsupported"]),
        ({"long": None}, 400, ["invalid_location"]),
        ({"lat": "north"}, 400, ["invalid_location"]),
        ({"lat": "nan"}, 400, ["invalid_location"]),
        ({"lat": "31.23", "long": "121.47"}, 400, ["district_not_resolved"]),  # Shanghai
        ({"lat": None, "long": None, "address_string": "某地"}, 400, ["district_not_resolved"]),
        ({"description": ""}, 400, ["missing_description"]),
        ({"description": "长" * 4001}, 400, ["invalid_description"]),
        ({"media_url": "javascript:alert(1)"}, 400, ["invalid_media_url"]),
        ({"phone": ""}, 400, ["invalid_phone"]),
        ({"phone": "123", "attribute[appeal_type]": "x"}, 400,
         ["invalid_attribute[appeal_type]", "invalid_phone"]),
    ],
)  # fmt: skip
def test_bad_input_is_an_error_list_never_a_500(client, world, overrides, status, codes):
    before = Appeal.objects.count()
    response = post(client, form(api_key=world.key, **overrides))
    assert response.status_code == status, response.content
    assert sorted(errors_of(response)) == sorted(codes)
    assert all(e["description"] for e in json.loads(response.content))
    assert Appeal.objects.count() == before and not SubmittedRequest.objects.exists()


def test_a_retry_with_the_same_idempotency_key_files_one_appeal(client, world):
    first = post(client, form(api_key=world.key), HTTP_IDEMPOTENCY_KEY="abc-1")
    again = post(client, form(api_key=world.key), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 200
    assert (
        json.loads(first.content)[0]["service_request_id"]
        == json.loads(again.content)[0]["service_request_id"]
    )
    assert SubmittedRequest.objects.count() == 1


def test_a_deletion_request_takes_what_the_worker_published_out_of_the_answers(client, world):
    from gonghui.people import auth, deletion
    from gonghui.people.tests.factories import make_worker

    union = next(o for code, o in sorted(world.orgs.items()) if code.startswith("BJ-CY-"))
    worker = make_worker(union, phone=PHONE)
    data = form(api_key=world.key, address_string="朝阳区望京街9号",
                media_url="https://example.com/1.jpg")  # fmt: skip
    number = json.loads(post(client, data).content)[0]["service_request_id"]
    shown = json.loads(client.get(f"{URL}/{number}.json").content)[0]
    assert shown["description"] and shown["address"] == "朝阳区望京街9号" and shown["media_url"]

    request = deletion.request_deletion(auth.sign_in_worker(PHONE), "不再使用")
    staff = make_staff("del_open311", world.orgs["BJ-CY"], "social_worker")
    deletion.review(user=staff, request_id=request.pk, action="anonymise")

    worker.refresh_from_db()
    shown = json.loads(client.get(f"{URL}/{number}.json").content)[0]
    assert shown["description"] is None and shown["media_url"] is None
    assert shown["address"] == "朝阳区" and shown["lat"] is None
    assert shown["status"] == "open"  # the request itself stays, as the appeal does
