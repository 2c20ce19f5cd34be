"""An existing Open311 client from PyPI (``georeport`` 0.3.1) reading the live server, in JSON
and XML; POST and tokens (which the client does not support) with plain ``requests``."""

import pytest
import requests
from georeport import GeoReport

from gonghui.orgs.demo import load_orgs
from gonghui.orgs.models import Org

from .conftest import CONTACT_NAME, CONTACT_PHONE, CONTENT, build_world


@pytest.fixture
def site(live_server, transactional_db):
    orgs = {o.code: o for o in Org.objects.all()} if Org.objects.exists() else load_orgs()
    return f"{live_server.url}/open311/v2", build_world(orgs)


def test_georeport_client_reads_services_definitions_and_requests(site):
    root, world = site
    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction="bjzgh.org", output_format=fmt)
        services = client.get_service_list()
        codes = {s["service_code"] for s in services}  # XML: unwrapped by the client
        assert {"LABOR-WAGE", "STATION", "STATION-REPORT"} <= codes

        definition = client.get_service_definition("LABOR-WAGE")
        assert definition["service_code"] == "LABOR-WAGE"

        found = client.get_service_requests(service_code="LABOR-WAGE", status="open")
        rows = found if isinstance(found, list) else [found]  # XML: one item comes as a dict
        numbers = {r["service_request_id"] for r in rows}
        assert {world.received.number, world.dispatched.number} == numbers

        one = client.get_service_request(f"SR-{world.open_report.pk}")
        assert one["service_code"] == "STATION-REPORT"
        assert float(one["lat"]) == world.station.lat and float(one["long"]) == world.station.lng

    client = GeoReport(root)
    with pytest.raises(requests.HTTPError) as missing:
        client.get_service_request("12351-20000101-000001")
    assert missing.value.response.status_code == 404
    assert missing.value.response.json()[0]["code"] == "service_request_not_found"
    with pytest.raises(requests.HTTPError) as too_long:
        client.get_service_requests(
            start_date="2026-01-01T00:00:00+08:00", end_date="2026-06-01T00:00:00+08:00"
        )
    assert too_long.value.response.status_code == 400
    assert too_long.value.response.json()[0]["code"] == "date_range_too_long"


def test_post_and_token_over_http(site):
    root, world = site
    form = {
        "service_code": "LABOR-CONTRACT",
        "address_string": "北京市朝阳区望京街1号",
        "description": "公司不签劳动合同",
        "phone": "13844445555",
        "first_name": "丽",
        "last_name": "钱",
    }
    refused = requests.post(f"{root}/requests.json", data=form, timeout=10)
    assert refused.status_code == 403 and refused.json()[0]["code"] == "api_key_missing"

    answer = requests.post(f"{root}/requests.json", data={**form, "api_key": world.key}, timeout=10)
    assert answer.status_code == 200, answer.text
    number = answer.json()[0]["service_request_id"]

    shown = GeoReport(root).get_service_request(number)
    assert shown["status"] == "open" and shown["description"] == "公司不签劳动合同"
    everything = requests.get(f"{root}/requests.json", timeout=10).text
    for secret in ("13844445555", "钱丽", CONTACT_NAME, CONTACT_PHONE, CONTENT):
        assert secret not in everything

    from gonghui.open311.models import SubmittedRequest

    token = SubmittedRequest.objects.get(appeal__number=number).token
    resolved = requests.get(f"{root}/tokens/{token}.json", timeout=10)
    assert resolved.json() == [{"service_request_id": number, "token": token}]
    assert requests.get(f"{root}/tokens/nope.json", timeout=10).status_code == 404
