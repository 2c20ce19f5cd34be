"""The project list selectors called directly: the console list and ``GET /projects`` filter
through ``search_projects``, the workers' catalog through ``catalog_projects``."""

import datetime

import pytest
from django.utils import timezone

from gonghui.services import selectors
from gonghui.services.models import ProjectStatus

from .factories import make_project, make_social_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(orgs):
    today = timezone.localdate()
    return {
        "cy_psych": make_project(organiser=orgs["BJ-CY"], title="望京心理讲座"),
        "cy_legal": make_project(
            organiser=orgs["BJ-CY-WJ"], title="法律咨询", category="legal",
            campaign="summer_cooling", status=ProjectStatus.DRAFT,
            starts_on=today + datetime.timedelta(days=3),
        ),
        "hd_psych": make_project(organiser=orgs["BJ-HD"], title="中关村心理讲座"),
    }  # fmt: skip


def titles(qs) -> set[str]:
    return {p.title for p in qs}


def test_search_projects_filters_only_inside_the_scope(orgs, projects):
    cy = make_social_worker(orgs["BJ-CY"])
    assert titles(selectors.search_projects(cy)) == {"望京心理讲座", "法律咨询"}
    assert titles(selectors.search_projects(cy, q="心理")) == {"望京心理讲座"}
    assert titles(selectors.search_projects(cy, status="draft")) == {"法律咨询"}
    assert titles(selectors.search_projects(cy, category="psych")) == {"望京心理讲座"}
    assert titles(selectors.search_projects(cy, campaign="summer_cooling")) == {"法律咨询"}
    assert titles(selectors.search_projects(cy, campaign="none")) == {"望京心理讲座"}
    # the latest start first
    assert [p.title for p in selectors.search_projects(cy)] == ["法律咨询", "望京心理讲座"]


def test_q_matches_the_organiser_but_title_only_the_title(orgs, projects):
    cy = make_social_worker(orgs["BJ-CY"])
    organiser = orgs["BJ-CY-WJ"].name  # 望京街道… organises 法律咨询
    assert "法律咨询" in titles(selectors.search_projects(cy, q=organiser))
    assert "法律咨询" not in titles(selectors.search_projects(cy, title=organiser))
    assert titles(selectors.search_projects(cy, title="法律")) == {"法律咨询"}


def test_catalog_lists_published_projects_still_running(orgs, projects):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_project(organiser=orgs["BJ-CY"], title="已结束的讲座", ends_on=yesterday)
    assert titles(selectors.catalog_projects()) == {"望京心理讲座", "中关村心理讲座"}
    assert titles(selectors.catalog_projects(q="中关村")) == {"中关村心理讲座"}
    assert titles(selectors.catalog_projects(category="legal")) == set()  # a draft
    hd = orgs["BJ-HD"].name
    assert titles(selectors.catalog_projects(q=hd)) == {"中关村心理讲座"}
