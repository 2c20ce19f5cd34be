"""Fixtures shared by the hotline tests (the plain helpers are in factories.py)."""

import pytest
from django.utils import timezone

from gonghui.people.tests.factories import bearer

from .factories import Clock, at, make_operator


@pytest.fixture
def operator(orgs):
    """A hotline operator at the city federation: dispatch rights everywhere."""
    return make_operator(orgs["BJ"])


@pytest.fixture
def op_headers(operator):
    return bearer(operator)


@pytest.fixture
def clock(monkeypatch):
    """``django.utils.timezone.now`` frozen at Mon 2025-10-20 10:00 Beijing time until the test
    moves it with ``clock.set(when)``."""
    c = Clock(at(2025, 10, 20, 10))
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c
