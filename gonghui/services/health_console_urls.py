"""Staff and hospital console pages for the free health checks at /console/health/
(namespace ``console-health``)."""

from django.urls import path

from . import health_views

app_name = "console-health"
urlpatterns = [
    path("", health_views.booking_list, name="list"),
    path("dashboard/", health_views.dashboard, name="dashboard"),
    path(
        "bookings/<int:booking_id>/<slug:action>/",
        health_views.booking_action,
        name="action",
    ),
]
