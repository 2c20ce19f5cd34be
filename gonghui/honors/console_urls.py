"""Staff console pages at /console/honors/ (namespace ``console-honors``)."""

app_name = "console-honors"
urlpatterns: list = []
