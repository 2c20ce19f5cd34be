"""Every field of the console's list filters has a visible <label> (not only a placeholder)."""

from html.parser import HTMLParser

import pytest

from gonghui.people.tests.factories import console_login, superuser

pytestmark = pytest.mark.django_db

LISTS = [
    "/console/assistance/",
    "/console/assistance/campaigns/",
    "/console/services/",
    "/console/stations/",
    "/console/partners/",
    "/console/health/",
    "/console/socialwork/files/",
    "/console/workers/",
]


class FilterFields(HTMLParser):
    """Collects the fields of ``form.toolbar`` forms and the ids their labels point at."""

    def __init__(self):
        super().__init__()
        self.in_filter = self.in_label = False
        self.fields: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "toolbar" in (a.get("class") or ""):
            self.in_filter = True
        elif self.in_filter and tag == "label":
            self.in_label = True
            if a.get("for"):
                self.labelled.add(a["for"])
        elif self.in_filter and tag in ("input", "select", "textarea"):
            if a.get("type") in ("hidden", "submit", "checkbox") or a.get("name") is None:
                return
            key = a.get("id") or f"name={a.get('name')}"
            if self.in_label:
                self.labelled.add(key)
            self.fields.append(key)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_filter = False
        elif tag == "label":
            self.in_label = False


@pytest.mark.parametrize("url", LISTS)
def test_filter_fields_have_visible_labels(client, orgs, url):
    console_login(client, superuser())
    response = client.get(url)
    assert response.status_code == 200, url
    parser = FilterFields()
    parser.feed(response.content.decode())
    assert parser.fields, url
    unlabelled = [f for f in parser.fields if f not in parser.labelled]
    assert unlabelled == [], (url, unlabelled)
