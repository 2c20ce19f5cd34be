"""Reference values held per process (``REFERENCE_RECHECK_MS``, D37): within the window a read
goes neither to the shared cache nor to the database; a change made in this process is seen
at once, one made elsewhere once the window has passed."""

import pytest
from django.core.cache import cache

from gonghui.core import reference_cache
from gonghui.core.testing import StoppedClock

KEY = "ref:test:colours"


@pytest.fixture
def clock(monkeypatch, settings):
    settings.REFERENCE_RECHECK_MS = 250
    c = StoppedClock()
    monkeypatch.setattr(reference_cache, "_clock", c)
    reference_cache.forget_held()
    yield c
    reference_cache.forget_held()


class Loader:
    def __init__(self, *values):
        self.values, self.calls = list(values), 0

    def __call__(self):
        self.calls += 1
        return self.values.pop(0)


def test_within_the_window_the_shared_cache_is_not_read(clock):
    load = Loader(["red"], ["red", "blue"])
    assert reference_cache.cached("test:colours", load) == ["red"]
    # another process changed the rows and dropped the shared copy
    cache.delete(KEY)
    clock.now += 0.2
    assert reference_cache.cached("test:colours", load) == ["red"]
    assert load.calls == 1
    assert cache.get(KEY) is None  # not even looked up, let alone loaded again


def test_once_the_window_has_passed_the_change_is_seen(clock):
    load = Loader(["red"], ["red", "blue"])
    reference_cache.cached("test:colours", load)
    cache.delete(KEY)
    clock.now += 0.25
    assert reference_cache.cached("test:colours", load) == ["red", "blue"]
    assert cache.get(KEY) == ["red", "blue"]


def test_a_value_another_process_cached_is_taken_from_the_shared_cache(clock):
    load = Loader(["red"])
    reference_cache.cached("test:colours", load)
    cache.set(KEY, ["green"])
    clock.now += 1
    assert reference_cache.cached("test:colours", load) == ["green"]
    assert load.calls == 1


def test_invalidate_drops_the_held_value_at_once(clock):
    load = Loader(["red"], ["red", "blue"])
    reference_cache.cached("test:colours", load)
    reference_cache.invalidate("test:colours")
    assert reference_cache.cached("test:colours", load) == ["red", "blue"]


def test_zero_reads_the_shared_cache_every_time(clock, settings):
    settings.REFERENCE_RECHECK_MS = 0
    load = Loader(["red"], ["red", "blue"])
    reference_cache.cached("test:colours", load)
    cache.delete(KEY)
    assert reference_cache.cached("test:colours", load) == ["red", "blue"]


def test_forget_held_leaves_the_shared_cache(clock):
    load = Loader(["red"])
    reference_cache.cached("test:colours", load)
    reference_cache.forget_held()
    cache.set(KEY, ["green"])
    assert reference_cache.cached("test:colours", load) == ["green"]
