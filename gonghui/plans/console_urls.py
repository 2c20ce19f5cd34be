"""Staff console pages at /console/plans/ (namespace ``console-plans``)."""

app_name = "console-plans"
urlpatterns: list = []
