"""GeoReport v2 at /open311/v2/ (format = path suffix), discovery at /open311/discovery.{fmt}."""

from django.urls import re_path

from . import views

FMT = r"\.(?P<fmt>\w+)"
app_name = "open311"
urlpatterns = [
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^v2/services{FMT}$", views.service_list, name="services"),
    re_path(rf"^v2/services/(?P<code>[^/]+?){FMT}$", views.service_definition, name="service"),
    re_path(rf"^v2/requests{FMT}$", views.requests, name="requests"),
    re_path(rf"^v2/requests/(?P<request_id>[^/]+?){FMT}$", views.request_detail, name="request"),
    re_path(rf"^v2/tokens/(?P<token>[^/]+?){FMT}$", views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
