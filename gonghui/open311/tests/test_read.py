"""The read endpoints against the GeoReport v2 field lists (docs/open311.md), in JSON and XML:
services, definitions, requests, one request, discovery, tokens; the error list for bad input;
and no personal data in any answer."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest

from .conftest import CONTACT_NAME, CONTACT_PHONE, CONTENT, EMPLOYER, NOTE, REPORT_TEXT

BASE = "/open311/v2"
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"]  # fmt: skip
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
]  # fmt: skip
REQUIRED_REQUEST = ["service_request_id", "status", "service_code", "requested_datetime"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order",
                    "description", "values"]  # fmt: skip
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]

pytestmark = pytest.mark.django_db


def parse_xml(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 — our own server's answer


def get_json(client, path, expect=200, **params):
    response = client.get(f"{BASE}/{path}.json", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def get_xml(client, path, expect=200, **params) -> ET.Element:
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return parse_xml(response.content)


def check_types(record: dict, numbers=("lat", "long")) -> None:
    """The JSON types of the published GeoReport v2 schemas: ids and codes are strings, the
    coordinates numbers, every optional field may be null."""
    for field, value in record.items():
        kinds = (int, float) if field in numbers else (str,)
        assert value is None or (isinstance(value, kinds) and not isinstance(value, bool)), field


def w3c(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text)
    assert value.utcoffset() == datetime.timedelta(hours=8), text
    assert text.endswith("+08:00")
    return value


def test_services_list_every_active_category_and_station_reports_with_the_spec_fields(
    client, world
):
    services = get_json(client, "services")
    assert isinstance(services, list)
    for service in services:
        assert list(service) == SERVICE_FIELDS
        check_types({k: v for k, v in service.items() if k != "metadata"})
        assert service["type"] == "realtime"
        assert isinstance(service["service_code"], str) and isinstance(service["metadata"], bool)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["LABOR-WAGE"]["service_name"] == "欠薪"
    assert by_code["LABOR-WAGE"]["group"] == "劳动关系"
    assert by_code["LABOR-WAGE"]["metadata"] is True
    assert by_code["STATION-REPORT"]["metadata"] is False

    root = get_xml(client, "services")
    assert root.tag == "services"
    assert [e.tag for e in root] == ["service"] * len(services)
    assert [c.tag for c in root[0]] == SERVICE_FIELDS
    assert root[0].find("metadata").text in ("true", "false")
    assert {e.find("service_code").text for e in root} == set(by_code)


def test_service_definition_has_the_attribute_fields_and_unknown_codes_are_404(client, world):
    definition = get_json(client, "services/LABOR-WAGE")
    assert definition["service_code"] == "LABOR-WAGE"
    orders = []
    for attribute in definition["attributes"]:
        assert list(attribute) == ATTRIBUTE_FIELDS
        assert isinstance(attribute["variable"], bool) and isinstance(attribute["required"], bool)
        assert isinstance(attribute["order"], int) and isinstance(attribute["code"], str)
        assert attribute["datatype"] in DATATYPES
        orders.append(attribute["order"])
        if attribute["datatype"].endswith("valuelist"):
            values = attribute["values"]
            assert values and all(set(v) == {"key", "name"} for v in values)
    assert sorted(orders) == list(range(1, len(orders) + 1))

    root = get_xml(client, "services/LABOR-WAGE")
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    first = root.find("attributes")[0]
    assert first.tag == "attribute" and [c.tag for c in first] == ATTRIBUTE_FIELDS
    assert [v.tag for v in first.find("values")[0]] == ["key", "name"]

    errors = get_json(client, "services/NOPE", expect=404)
    assert errors == [{"code": "service_code_not_found", "description": errors[0]["description"]}]
    root = get_xml(client, "services/NOPE", expect=404)
    assert root.tag == "errors" and [c.tag for c in root[0]] == ["code", "description"]


def test_requests_carry_the_spec_fields_and_the_public_status_only(client, world):
    found = get_json(client, "requests")
    by_id = {r["service_request_id"]: r for r in found}
    for record in found:
        assert list(record) == REQUEST_FIELDS
        check_types(record)
        assert all(record[f] not in (None, "") for f in REQUIRED_REQUEST)
        assert record["status"] in ("open", "closed")
        w3c(record["requested_datetime"])
        w3c(record["updated_datetime"])
    received = by_id[world.received.number]
    assert received["status"] == "open" and received["status_notes"] == "已受理"
    assert received["service_code"] == "LABOR-WAGE" and received["service_name"] == "欠薪"
    assert received["agency_responsible"] is None and received["description"] is None
    assert received["address"] == "朝阳区" and received["lat"] is None
    assert w3c(received["expected_datetime"]) == world.received.resolve_due
    dispatched = by_id[world.dispatched.number]
    assert dispatched["agency_responsible"] == "朝阳区总工会"
    assert dispatched["status_notes"] == "已派单至朝阳区总工会"
    resolved = by_id[world.resolved.number]
    assert resolved["status"] == "closed"
    assert w3c(resolved["updated_datetime"]) == world.resolved.resolved_at.replace(microsecond=0)
    # the open station report: a geo-located request at the station, without the worker's text
    report = by_id[f"SR-{world.open_report.pk}"]
    assert report["service_code"] == "STATION-REPORT" and report["status"] == "open"
    assert (report["lat"], report["long"]) == (world.station.lat, world.station.lng)
    assert report["description"] == "望京暖心驿站：设施损坏"
    # the escalated one is its appeal, placed at the station
    assert f"SR-{world.escalated_report.pk}" not in by_id
    escalated = by_id[world.escalated_report.appeal.number]
    assert escalated["service_code"] == "STATION"
    assert (escalated["lat"], escalated["long"]) == (world.station.lat, world.station.lng)
    assert escalated["address"] == "朝阳区望京街1号"
    # newest first
    stamps = [w3c(r["requested_datetime"]) for r in found]
    assert stamps == sorted(stamps, reverse=True)

    root = get_xml(client, "requests")
    assert root.tag == "service_requests" and len(root) == len(found)
    for element in root:
        assert element.tag == "request" and [c.tag for c in element] == REQUEST_FIELDS


def test_no_personal_data_in_any_answer(client, world):
    secrets = [CONTACT_NAME, CONTACT_PHONE, CONTENT, EMPLOYER, NOTE, REPORT_TEXT, "13733334444",
               "13655556666", "李隐私", "王秘"]  # fmt: skip
    ids = ",".join([world.received.number, world.resolved.number, f"SR-{world.open_report.pk}"])
    for fmt in ("json", "xml"):
        paths = [("requests", {}), ("requests", {"service_request_id": ids}),
                 (f"requests/{world.resolved.number}", {}),
                 (f"requests/SR-{world.open_report.pk}", {}), ("services", {})]  # fmt: skip
        for path, params in paths:
            body = client.get(f"{BASE}/{path}.{fmt}", params).content.decode()
            for secret in secrets:
                assert secret not in body, (path, fmt, secret)


def test_one_request_is_a_one_element_list_and_unknown_ids_are_404(client, world):
    one = get_json(client, f"requests/{world.dispatched.number}")
    assert len(one) == 1 and one[0]["service_request_id"] == world.dispatched.number
    root = get_xml(client, f"requests/SR-{world.open_report.pk}")
    assert [e.tag for e in root] == ["request"]
    for missing in ("12351-20000101-000001", "SR-999999999", "SR-abc", "x"):
        errors = get_json(client, f"requests/{missing}", expect=404)
        assert errors[0]["code"] == "service_request_not_found"


def test_filters_by_id_code_status_and_dates(client, world):
    ids = f"{world.received.number},SR-{world.open_report.pk}"
    # service_request_id overrides the other filters
    found = get_json(client, "requests", service_request_id=ids, status="closed",
                     service_code="OTHER")  # fmt: skip
    assert {r["service_request_id"] for r in found} == set(ids.split(","))
    closed = get_json(client, "requests", status="closed")
    assert {r["status"] for r in closed} == {"closed"}
    assert world.resolved.number in {r["service_request_id"] for r in closed}
    reports = get_json(client, "requests", service_code="STATION-REPORT")
    assert [r["service_request_id"] for r in reports] == [f"SR-{world.open_report.pk}"]
    wage = get_json(client, "requests", service_code="LABOR-WAGE,STATION-REPORT", status="open")
    assert {r["service_code"] for r in wage} == {"LABOR-WAGE", "STATION-REPORT"}
    assert all(r["status"] == "open" for r in wage)
    # optional means empty = absent
    assert len(get_json(client, "requests", status="", service_code="", start_date="")) == len(
        get_json(client, "requests")
    )
    old = get_json(client, "requests", start_date="2020-01-01T00:00:00+08:00",
                   end_date="2020-03-01T00:00:00Z")  # fmt: skip
    assert old == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start_date": "yesterday"}, "invalid_start_date"),
        ({"end_date": "2026-13-01T00:00:00Z"}, "invalid_end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
         "date_range_too_long"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
         "invalid_date_range"),
        ({"start_date": "9999-12-31T23:59:59+08:00"}, "invalid_start_date"),
        ({"end_date": "0001-01-01"}, "invalid_end_date"),
        ({"status": "pending"}, "invalid_status"),
        ({"service_code": "NOPE"}, "service_code_not_found"),
        ({"service_request_id": ",".join(["x"] * 1001)}, "too_many_ids"),
    ],
)  # fmt: skip
def test_bad_filters_are_400_with_an_error_list(client, world, params, code):
    errors = get_json(client, "requests", expect=400, **params)
    assert [e["code"] for e in errors] == [code]
    assert errors[0]["description"]
    root = get_xml(client, "requests", expect=400, **params)
    assert root.tag == "errors" and root[0].find("code").text == code


def test_discovery_in_both_formats(client, world):
    response = client.get("/open311/discovery.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert list(doc) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = doc["endpoints"][0]
    assert list(endpoint) == ENDPOINT_FIELDS
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert endpoint["type"] in ("production", "test")
    assert datetime.datetime.fromisoformat(doc["changeset"]) <= datetime.datetime.now(datetime.UTC)
    root = parse_xml(client.get("/open311/discovery.xml").content)
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml", "application/json"
    ]  # fmt: skip


def test_unknown_paths_formats_and_methods_answer_the_error_list(client, world):
    for path, status in [("/open311/v2/nothing.json", 404), ("/open311/v2/services.html", 404),
                         ("/open311/v2/services.yaml", 404)]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == status
        assert json.loads(response.content)[0]["code"] in ("not_found", "format_not_found")
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert json.loads(response.content)[0]["code"] == "method_not_allowed"
    root = parse_xml(client.get("/open311/v2/nothing.xml").content)
    assert root.tag == "errors"


def test_tokens_resolve_to_the_request_and_unknown_tokens_are_404(client, world):
    errors = get_json(client, "tokens/0123abcd", expect=404)
    assert errors[0]["code"] == "token_not_found"
    root = get_xml(client, "tokens/0123abcd", expect=404)
    assert root.tag == "errors"
