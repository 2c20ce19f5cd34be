"""GET requests at scale: the spec's default volume (the last 90 days, at most 1,000 requests,
newest first) in a fixed number of queries, whatever the number of stored appeals."""

import datetime
import json
import time

import pytest
from django.utils import timezone

from gonghui.hotline.models import Appeal
from gonghui.hotline.tests.bulk import START, bulk_appeals
from gonghui.open311.protocol import w3c

pytestmark = pytest.mark.django_db


def test_the_default_answer_is_the_newest_thousand_in_a_few_queries(
    client, orgs, monkeypatch, django_assert_max_num_queries
):
    bulk_appeals(5000)  # one a minute back from START: all within the last 90 days
    monkeypatch.setattr(timezone, "now", lambda: START + datetime.timedelta(hours=1))
    client.get("/open311/v2/services.json")  # the process warmed up (URLs, catalogue, cache)
    with django_assert_max_num_queries(6):
        began = time.perf_counter()
        response = client.get("/open311/v2/requests.json")
        took = time.perf_counter() - began
    assert response.status_code == 200
    found = json.loads(response.content)
    assert len(found) == 1000
    stamps = [r["requested_datetime"] for r in found]
    newest = Appeal.objects.order_by("-received_at").values_list("received_at", flat=True)[:1000]
    assert stamps == [w3c(at) for at in newest]
    body = response.content.decode()
    assert "张三" not in body and "13800001111" not in body and "拖欠" not in body
    print(f"GET requests.json, 1,000 of 5,000 appeals: {took * 1000:.0f} ms")
    # a 90-day window before all of them is empty; a narrow window holds only its own
    early = {"start_date": "2025-01-01T00:00:00+08:00", "end_date": "2025-03-01T00:00:00+08:00"}
    assert json.loads(client.get("/open311/v2/requests.json", early).content) == []
    end = Appeal.objects.order_by("-received_at").values_list("received_at", flat=True)[0]
    hour = {"start_date": w3c(end - datetime.timedelta(minutes=59)), "end_date": w3c(end)}
    assert len(json.loads(client.get("/open311/v2/requests.json", hour).content)) == 60
