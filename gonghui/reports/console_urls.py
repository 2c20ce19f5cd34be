"""Staff console pages at /console/reports/ (namespace ``console-reports``)."""

app_name = "console-reports"
urlpatterns: list = []
