"""Console pages at /console/open311/ (namespace ``console-open311``): the API keys."""

from django.urls import path

from . import console_views

app_name = "console-open311"
urlpatterns = [
    path("keys/", console_views.keys, name="keys"),
    path("keys/<int:client_id>/revoke/", console_views.revoke, name="revoke"),
]
