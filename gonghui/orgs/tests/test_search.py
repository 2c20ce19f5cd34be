"""Choosing an org by name: the stored pinyin keys, the search endpoint, resolve_org and the
console field built on them."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from gonghui.orgs.forms import OrgField, bind_orgs
from gonghui.orgs.models import DISTRICT_TYPES, Org, OrgType
from gonghui.orgs.selectors import resolve_org
from gonghui.people.tests.factories import bearer, make_staff, superuser

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/orgs/search"


@pytest.fixture
def city_admin(orgs):
    return make_staff("city_admin", orgs["BJ"], "admin")


def names(response):
    assert response.status_code == 200, response.content
    return [o["name"] for o in response.json()]


def test_pinyin_keys_are_kept_by_save(orgs):
    cy = Org.objects.get(code="BJ-CY")
    assert (cy.name_pinyin, cy.name_initials) == ("chaoyangquzonggonghui", "cyqzgh")
    cy.name = "朝阳区总工会（新）"
    cy.save()
    cy.refresh_from_db()
    assert cy.name_pinyin == "chaoyangquzonggonghuixin" and cy.name_initials == "cyqzghx"


def test_search_by_name_pinyin_and_initials_ranks_the_match_first(client, city_admin):
    auth = bearer(city_admin)
    assert names(client.get(SEARCH, {"q": "朝阳"}, **auth))[0] == "朝阳区总工会"
    assert names(client.get(SEARCH, {"q": "chaoyang"}, **auth))[0] == "朝阳区总工会"
    assert names(client.get(SEARCH, {"q": "Chao Yang"}, **auth))[0] == "朝阳区总工会"
    assert names(client.get(SEARCH, {"q": "cyq"}, **auth)) == ["朝阳区总工会"]
    # an exact name beats longer names that merely contain it
    assert names(client.get(SEARCH, {"q": "望京街道工会"}, **auth))[0] == "望京街道工会"


def test_search_is_bounded_and_returns_names_for_display(client, city_admin):
    rows = client.get(SEARCH, {"q": "gh"}, **bearer(city_admin)).json()
    assert len(rows) == 20  # far more than 20 orgs end in 工会
    assert {"code", "name", "parent_name", "pinyin", "initials"} <= set(rows[0])
    assert names(client.get(SEARCH, {"q": "gh", "limit": 5}, **bearer(city_admin))) == [
        r["name"] for r in rows[:5]
    ]
    assert client.get(SEARCH, {"limit": 21}, **bearer(city_admin)).status_code == 400


def test_a_district_user_never_gets_another_districts_org(client, cy_handler):
    auth = bearer(cy_handler)
    assert names(client.get(SEARCH, {"q": "haidian"}, **auth)) == []
    assert names(client.get(SEARCH, {"q": "BJ-HD"}, **auth)) == []
    everything = client.get(SEARCH, {"q": "gonghui"}, **auth).json()
    assert everything and all(o["code"].startswith("BJ-CY") for o in everything)
    # the city above the user's scope is never named, not even as a parent
    assert "北京市总工会" not in names(client.get(SEARCH, {"q": ""}, **auth))
    assert client.get(SEARCH, {"q": "朝阳"}, **auth).json()[0]["parent_name"] == ""


def test_search_follows_the_permission_asked_for(client, cy_handler):
    # a case handler manages no partners, so has no org to pick for that
    assert names(client.get(SEARCH, {"permission": "partners.manage"}, **bearer(cy_handler))) == []
    bad = client.get(SEARCH, {"permission": "nope"}, **bearer(cy_handler))
    assert bad.status_code == 400 and "permission" in bad.json()["errors"]


def test_search_needs_a_logged_in_staff_user(client, cy_handler):
    assert client.get(SEARCH, {"q": "chaoyang"}).status_code == 401
    client.force_login(cy_handler)  # the console's own session works (the pickers use it)
    assert names(client.get(SEARCH, {"q": "chaoyang"}))[0] == "朝阳区总工会"


def test_resolve_org_by_name_pinyin_initials_and_code(city_admin):
    for text in ("朝阳区总工会", "朝阳区", "chaoyang", "cyqzgh", "cyq", "bj-cy", " BJ-CY "):
        assert resolve_org(city_admin, text, "orgs.view").code == "BJ-CY", text


def test_resolve_org_refuses_ambiguous_unknown_and_out_of_scope(city_admin, cy_handler):
    with pytest.raises(ValidationError) as ambiguous:
        resolve_org(city_admin, "海淀", "orgs.view")
    assert ambiguous.value.code == "ambiguous"
    message = ambiguous.value.messages[0]
    assert "海淀区总工会" in message and "对应多个" in message
    with pytest.raises(ValidationError) as unknown:
        resolve_org(city_admin, "火星区", "orgs.view")
    assert unknown.value.code == "not_found" and "火星区" in unknown.value.messages[0]
    for text in ("海淀区总工会", "BJ-HD", "haidianqu"):
        with pytest.raises(ValidationError) as outside:
            resolve_org(cy_handler, text, "orgs.view")
        # the same words as for an org that does not exist
        assert outside.value.code == "not_found"


def test_resolve_org_of_types_and_inactive_orgs(city_admin, orgs):
    assert resolve_org(city_admin, "朝阳", None, types=DISTRICT_TYPES).code == "BJ-CY"
    with pytest.raises(ValidationError):
        resolve_org(city_admin, "望京街道工会", None, types=DISTRICT_TYPES)
    Org.objects.filter(code="BJ-CY-WJ").update(is_active=False)
    with pytest.raises(ValidationError):
        resolve_org(city_admin, "望京街道工会", "orgs.view")


class PickForm(forms.Form):
    org = OrgField(label="所属工会", permission="orgs.view")


def test_field_accepts_a_name_and_cleans_to_the_code(city_admin):
    form = bind_orgs(PickForm({"org": "朝阳区总工会"}), city_admin)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org"] == "BJ-CY"
    form = bind_orgs(PickForm({"org": "海淀"}), city_admin)
    assert not form.is_valid() and "对应多个" in form.errors["org"][0]


def test_field_is_a_select_of_names_when_the_scope_is_small(cy_handler):
    html = str(bind_orgs(PickForm(initial={"org": "BJ-CY-WJ"}), cy_handler)["org"])
    assert html.startswith("<select") and "data-org-picker" in html
    assert 'value="BJ-CY-WJ" data-name="望京街道工会"' in html and " selected>" in html
    assert "\u3000望京街道工会" in html  # indented one level under 朝阳区总工会
    assert "海淀" not in html


def test_field_is_a_text_box_showing_the_name_when_the_scope_is_large(city_admin):
    html = str(bind_orgs(PickForm(initial={"org": "BJ-CY"}), city_admin)["org"])
    assert html.startswith("<input") and 'data-search-url="/api/v1/orgs/search"' in html
    assert 'value="朝阳区总工会"' in html and 'data-code="BJ-CY"' in html


def test_superuser_picks_any_active_org(orgs):
    root = superuser()
    assert resolve_org(root, "北京市总工会", "partners.manage").type == OrgType.CITY


def test_search_by_type_and_below_an_org(client, city_admin, cy_handler):
    auth = bearer(city_admin)
    rows = client.get(SEARCH, {"q": "chaoyang", "types": "district,zone"}, **auth).json()
    assert [o["code"] for o in rows] == ["BJ-CY"]
    below = names(client.get(SEARCH, {"q": "", "under": "BJ-CY"}, **auth))
    assert below and "朝阳区总工会" not in below and "望京街道工会" in below
    assert client.get(SEARCH, {"types": "planet"}, **auth).status_code == 400
    # below an org the caller cannot see: nothing
    assert names(client.get(SEARCH, {"under": "BJ-HD"}, **bearer(cy_handler))) == []
