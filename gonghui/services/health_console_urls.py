"""Staff and hospital console pages for the free health checks at /console/health/
(namespace ``console-health``)."""

app_name = "console-health"
urlpatterns: list = []
