import pytest

from .factories import planted_month


@pytest.fixture
def month(orgs):
    return planted_month(orgs)
