"""Staff console pages at /console/reports/ (namespace ``console-reports``)."""

app_name = "console-reports"
urlpatterns: list = []


# --- annual report (annual_urls.py) ---
from .annual_urls import urlpatterns as annual_urlpatterns  # noqa: E402

urlpatterns += annual_urlpatterns
