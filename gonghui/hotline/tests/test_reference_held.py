"""The intake's reference rows held by the process (D37, core/reference_cache.py): a busy
process reads them neither from the database nor from the shared cache within
``REFERENCE_RECHECK_MS``; a change through the ORM drops them at once and again at commit."""

import pytest
from django.core.cache import cache

from gonghui.core import reference_cache as core_reference_cache
from gonghui.hotline import reference_cache
from gonghui.hotline.models import Category

from .factories import appeal_data, post_appeal

pytestmark = pytest.mark.django_db

NAMES = (reference_cache.CATEGORIES, reference_cache.POLICIES, reference_cache.DISTRICTS)
SHARED = ["ref:" + n for n in NAMES]


@pytest.fixture(autouse=True)
def _window(settings):
    settings.REFERENCE_RECHECK_MS = 60_000  # no test here outlasts it


def test_a_second_intake_in_the_window_reads_no_reference_value(client, op_headers):
    assert post_appeal(client, appeal_data(), op_headers).status_code == 201
    cache.delete_many(SHARED)  # as another process's change would
    r = post_appeal(client, appeal_data(category="LABOR-CONTRACT", district="BJ-HD"), op_headers)
    assert r.status_code == 201, r.json()
    assert r.json()["category_name"] and r.json()["district_name"] == "海淀区总工会"
    # a read would have found nothing and loaded the rows into the shared cache again
    assert cache.get_many(SHARED) == {}


def test_the_window_off_reads_the_shared_cache_each_time(client, op_headers, settings):
    settings.REFERENCE_RECHECK_MS = 0
    assert post_appeal(client, appeal_data(), op_headers).status_code == 201
    cache.delete_many(SHARED)
    assert post_appeal(client, appeal_data(), op_headers).status_code == 201
    assert set(cache.get_many(SHARED)) == set(SHARED)


def test_a_saved_category_is_dropped_again_at_commit(django_capture_on_commit_callbacks):
    reference_cache.active_categories()
    with django_capture_on_commit_callbacks(execute=True):
        category = Category.objects.get(code="LABOR-WAGE")
        category.is_active = False
        category.save()
        assert "LABOR-WAGE" not in reference_cache.active_categories()
        # another request, before the commit, read the old rows back into the caches
        cache.set("ref:" + reference_cache.CATEGORIES, {"LABOR-WAGE": category})
        core_reference_cache._held[reference_cache.CATEGORIES] = (float("inf"), {})
    assert cache.get("ref:" + reference_cache.CATEGORIES) is None
    assert "LABOR-WAGE" not in reference_cache.active_categories()
