"""A service project's partners from the partner registry (D24): partners' ``ProjectPartner``
rows, read and set by services through ``services.partner_registry``. The API keeps
``partners`` (every name) and adds ``partner_ids``; a typed name borne by exactly one partner
links to it, the others stay free text until staff link them (project page, or the list of
unlinked names); the console picker is searchable by name, pinyin and initials; the worker
page shows the registry's names; and the data migration of the old free-text names."""

import json
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gonghui.orgs.models import pinyin_keys
from gonghui.partners.models import PartnerStatus, ProjectPartner
from gonghui.people.tests.factories import bearer, make_staff
from gonghui.services.models import Category, Project
from gonghui.services.reference import load_categories
from gonghui.services.tests.factories import make_project

from .factories import make_partner

pytestmark = pytest.mark.django_db
API = "/api/v1/services/projects"
CONSOLE = "/console/services/"


@pytest.fixture
def cy_sw(orgs):
    return make_staff("pp_cy_sw", orgs["BJ-CY"], "social_worker")


@pytest.fixture
def registry(orgs):
    return {
        "platform": make_partner(orgs["BJ"], name="某即时配送平台"),
        "hospital": make_partner(orgs["BJ-CY"], name="朝阳某医院"),
        "gone": make_partner(orgs["BJ"], name="已退出单位", status=PartnerStatus.WITHDRAWN),
        "twin1": make_partner(orgs["BJ"], name="同名基金会"),
        "twin2": make_partner(orgs["BJ-HD"], name="同名基金会"),
    }


def body(**fields) -> dict:
    return {"title": "骑手关爱", "organiser": "BJ-CY", "category": "psych",
            "starts_on": "2026-01-01", "ends_on": "2026-06-30", **fields}  # fmt: skip


def send(client, method, path, user, data):
    return getattr(client, method)(path, json.dumps(data), "application/json", **bearer(user))


def test_api_links_names_and_ids_and_keeps_the_rest_as_text(client, cy_sw, registry):
    platform, hospital = registry["platform"], registry["hospital"]
    names = ["某即时配送平台", "同名基金会", "某律师事务所", "某即时配送平台"]
    r = send(client, "post", API, cy_sw, body(partners=names, partner_ids=[hospital.pk]))
    assert r.status_code == 201, r.json()
    out = r.json()
    # registry names first (by name), then the free text; an ambiguous name stays text
    assert out["partners"] == ["朝阳某医院", "某即时配送平台", "同名基金会", "某律师事务所"]
    assert out["partner_ids"] == [hospital.pk, platform.pk]
    project = Project.objects.get(pk=out["id"])
    assert project.other_partners == ["同名基金会", "某律师事务所"]
    # ids alone: the registry set is replaced, the text kept (minus names now linked)
    path = f"{API}/{project.pk}"
    r = send(client, "patch", path, cy_sw, {"partner_ids": [registry["twin1"].pk]})
    assert r.json()["partners"] == ["同名基金会", "某律师事务所"]
    assert r.json()["partner_ids"] == [registry["twin1"].pk]
    # the output sent back unchanged changes nothing
    r = send(client, "patch", path, cy_sw, {"partners": r.json()["partners"],
                                            "partner_ids": r.json()["partner_ids"]})  # fmt: skip
    assert r.json()["partners"] == ["同名基金会", "某律师事务所"]
    # names alone replace everything
    r = send(client, "patch", path, cy_sw, {"partners": ["朝阳某医院"]})
    assert (r.json()["partners"], r.json()["partner_ids"]) == (["朝阳某医院"], [hospital.pk])
    assert client.get(path, **bearer(cy_sw)).json()["partner_ids"] == [hospital.pk]
    listed = client.get(API, **bearer(cy_sw)).json()["results"]
    assert [(p["partners"], p["partner_ids"]) for p in listed] == [(["朝阳某医院"], [hospital.pk])]


def test_api_refuses_unknown_and_withdrawn_partners(client, cy_sw, registry):
    gone = registry["gone"]
    r = send(client, "post", API, cy_sw, body(partner_ids=[999999]))
    assert r.status_code == 400 and "partner_ids" in r.json()["errors"]
    r = send(client, "post", API, cy_sw, body(partner_ids=[gone.pk]))
    assert r.status_code == 400 and "partner_ids" in r.json()["errors"]
    r = send(client, "post", API, cy_sw, body(partners=["已退出单位", ""]))
    assert r.status_code == 400 and "partners" in r.json()["errors"]
    # a withdrawn partner's name typed as text stays text; once linked it may stay linked
    r = send(client, "post", API, cy_sw, body(partners=["已退出单位"]))
    assert r.status_code == 201 and r.json()["partner_ids"] == []
    project = Project.objects.get(pk=r.json()["id"])
    ProjectPartner.objects.create(project=project, partner=gone)
    r = send(client, "patch", f"{API}/{project.pk}", cy_sw, {"partner_ids": [gone.pk]})
    assert r.status_code == 200 and r.json()["partner_ids"] == [gone.pk]


def test_console_form_picks_from_the_registry(client, cy_sw, registry):
    client.force_login(cy_sw)
    page = client.get(f"{CONSOLE}new/").content.decode()
    assert "data-partner-picker" in page and "js/partner_picker.js" in page
    pinyin, initials = pinyin_keys("朝阳某医院")  # the org pickers' keys
    assert f'data-pinyin="{pinyin}" data-initials="{initials}">朝阳某医院</option>' in page
    assert "已退出单位" not in page  # withdrawn partners are not offered
    form = {"title": "骑手关爱", "organiser": "BJ-CY", "category": "psych",
            "starts_on": "2026-01-01", "ends_on": "2026-06-30",
            "partner_ids": [registry["hospital"].pk],
            "partners": "某即时配送平台\n小区物业"}  # fmt: skip
    r = client.post(f"{CONSOLE}new/", form, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["已保存"]
    project = Project.objects.get()
    assert sorted(ProjectPartner.objects.values_list("partner__name", flat=True)) == [
        "朝阳某医院", "某即时配送平台"]  # fmt: skip
    assert project.other_partners == ["小区物业"]
    html = r.content.decode()
    assert "朝阳某医院、某即时配送平台" in html and "未关联伙伴库" in html and "小区物业" in html
    edit = client.get(f"{CONSOLE}{project.pk}/edit/").content.decode()
    assert re.search(rf'<option value="{registry["hospital"].pk}"[^>]* selected', edit)
    assert "\n小区物业</textarea>" in edit


def test_unlinked_names_are_listed_and_linked_by_staff(client, cy_sw, registry, orgs):
    mine = make_project(organiser=orgs["BJ-CY"], title="朝阳项目", other_partners=["配送平台"])
    make_project(organiser=orgs["BJ-HD"], title="海淀项目", other_partners=["海淀某单位"])
    pending = make_project(organiser=orgs["BJ-CY"], title="审核中项目", status="pending",
                           other_partners=["某单位"])  # fmt: skip
    client.force_login(cy_sw)
    listing = client.get(f"{CONSOLE}partners/").content.decode()
    assert (
        "朝阳项目" in listing and "海淀项目" not in listing and "审核中，撤回后才能关联" in listing
    )
    assert "待关联的合作单位（2）" in client.get(CONSOLE).content.decode()
    link = f"{CONSOLE}{mine.pk}/partners/link/"
    r = client.post(link, {"name": "配送平台", "partner": "", "back": "list"})
    assert r.status_code == 400 and "请从伙伴库中选择伙伴单位" in r.content.decode()
    r = client.post(link, {"name": "不存在", "partner": registry["platform"].pk})
    assert r.status_code == 400 and "没有这个待关联的合作单位" in r.content.decode()
    r = client.post(
        link, {"name": "配送平台", "partner": registry["platform"].pk, "back": "list"}, follow=True
    )
    assert [str(m) for m in r.context["messages"]] == [
        "已将“配送平台”关联到伙伴单位“某即时配送平台”"
    ]
    mine.refresh_from_db()
    assert mine.other_partners == []
    assert ProjectPartner.objects.get(project=mine).partner == registry["platform"]
    r = client.post(f"{CONSOLE}{pending.pk}/partners/link/",
                    {"name": "某单位", "partner": registry["platform"].pk})  # fmt: skip
    assert r.status_code == 409
    hd = make_project(organiser=orgs["BJ-HD"], title="海淀二", other_partners=["x"])
    r = client.post(f"{CONSOLE}{hd.pk}/partners/link/", {"name": "x", "partner": 1})
    assert r.status_code == 404
    reader = make_staff("pp_reader", orgs["BJ-CY"], "leader")
    client.force_login(reader)
    assert client.get(f"{CONSOLE}partners/").status_code == 403


def test_project_page_links_a_name_and_worker_page_shows_registry_names(
    client, cy_sw, registry, orgs
):
    project = make_project(organiser=orgs["BJ-CY"], other_partners=["朝阳医院", "小区物业"])
    ProjectPartner.objects.create(project=project, partner=registry["platform"])
    client.force_login(cy_sw)
    page = client.get(f"{CONSOLE}{project.pk}/").content.decode()
    assert page.count("data-partner-picker") == 2 and "将“朝阳医院”关联到" in page
    form = {"name": "朝阳医院", "partner": registry["hospital"].pk}
    r = client.post(f"{CONSOLE}{project.pk}/partners/link/", form, follow=True)
    assert r.redirect_chain[-1][0] == f"{CONSOLE}{project.pk}/"
    assert "朝阳某医院、某即时配送平台" in r.content.decode()
    h5 = client.get(f"/services/{project.pk}/").content.decode()
    assert "朝阳某医院、某即时配送平台、小区物业" in h5
    # the partner's console page lists the projects it works with
    client.force_login(make_staff("pp_aid", orgs["BJ"], "aid_officer"))
    partner_page = client.get(f"/console/partners/{registry['hospital'].pk}/").content.decode()
    assert project.title in partner_page


@pytest.mark.django_db(transaction=True)
def test_migration_links_exact_names_and_keeps_the_others(orgs):
    load_categories(Category)  # a transactional flush removes the migration-seeded ones
    platform = make_partner(orgs["BJ"], name="某即时配送平台")
    make_partner(orgs["BJ"], name="同名基金会")
    make_partner(orgs["BJ-HD"], name="同名基金会")
    project = make_project(organiser=orgs["BJ-CY"])
    plain = make_project(organiser=orgs["BJ-CY"])
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("partners", "0004_remove_contribution_campaign")])
    executor.loader.build_graph()
    executor.migrate([("services", "0003_session_runner")])
    with connection.cursor() as cursor:  # the old free-text column as it was
        cursor.execute(
            "UPDATE services_project SET partners = %s WHERE id = %s",
            [json.dumps(["某即时配送平台", "同名基金会", "某律师事务所"]), project.pk],
        )
    executor.loader.build_graph()
    executor.migrate(leaves)
    project.refresh_from_db()
    plain.refresh_from_db()
    assert project.other_partners == ["同名基金会", "某律师事务所"]
    assert list(ProjectPartner.objects.values_list("project", "partner")) == [
        (project.pk, platform.pk)
    ]
    assert plain.other_partners == []
