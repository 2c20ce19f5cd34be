"""Staff console pages for stations at /console/stations/ (namespace ``console-stations``)."""

app_name = "console-stations"
urlpatterns: list = []
