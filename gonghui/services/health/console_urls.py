"""Staff and hospital console pages for the free health checks at /console/health/
(namespace ``console-health``)."""

from django.urls import path

from . import views

app_name = "console-health"
urlpatterns = [
    path("", views.booking_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "bookings/<int:booking_id>/<slug:action>/",
        views.booking_action,
        name="action",
    ),
]
