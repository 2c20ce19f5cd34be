"""A successful action on a station's page says what happened on the page it returns to."""

import datetime

import pytest

from gonghui.stations.tests.factories import build_station, make_manager

pytestmark = pytest.mark.django_db


def test_saving_a_special_date_says_so_on_the_station_page(client, orgs):
    manager = make_manager(orgs["BJ-CY"], "msg_sm_cy")
    station = build_station(org=orgs["BJ-CY"])
    station.save()
    client.force_login(manager)
    day = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        f"/console/stations/{station.pk}/",
        {"action": "exception", "date": day, "note": "检修"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/console/stations/{station.pk}/"
    assert [str(m) for m in response.context["messages"]] == ["特殊日期安排已保存"]
    assert "特殊日期安排已保存" in response.content.decode()


def test_a_bad_date_is_an_error_not_a_message(client, orgs):
    manager = make_manager(orgs["BJ-CY"], "msg_sm_cy2")
    station = build_station(org=orgs["BJ-CY"])
    station.save()
    client.force_login(manager)
    response = client.post(
        f"/console/stations/{station.pk}/", {"action": "exception", "date": "明天"}
    )
    assert response.status_code == 400
    assert not list(response.context["messages"])
