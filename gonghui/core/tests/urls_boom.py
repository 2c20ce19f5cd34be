"""Test-only URLs: the project's URLs plus two views that fail, for the 500 pages."""

from django.urls import path

from gonghui.urls import (  # noqa: F401 - the error handlers come from ROOT_URLCONF
    handler400,
    handler403,
    handler404,
    handler500,
)
from gonghui.urls import urlpatterns as project_patterns


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [
    path("console/boom/", boom),
    path("boom/", boom),
    *project_patterns,
]
