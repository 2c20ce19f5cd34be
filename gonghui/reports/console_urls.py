"""Staff console pages at /console/reports/ (namespace ``console-reports``)."""

from django.urls import path

from . import dashboards_views

app_name = "console-reports"
urlpatterns: list = []

# --- dashboards and 数据大屏 (dashboards_views.py) ---
urlpatterns += [
    path("dashboard/", dashboards_views.dashboard, name="dashboard"),
    path("dashboard.json", dashboards_views.dashboard_json, name="dashboard-json"),
    path("dashboard/<slug:chart>.xlsx", dashboards_views.chart_export, name="dashboard-export"),
    path("screen/", dashboards_views.screen, name="screen"),
    path("screen.json", dashboards_views.screen_json, name="screen-json"),
]


# --- annual report (annual_urls.py) ---
from .annual_urls import urlpatterns as annual_urlpatterns  # noqa: E402

urlpatterns += annual_urlpatterns
