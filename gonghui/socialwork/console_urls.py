"""Staff console pages at /console/socialwork/ (namespace ``console-socialwork``)."""

app_name = "console-socialwork"
urlpatterns: list = []
