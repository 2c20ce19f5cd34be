"""Public station finder pages at /stations/ (namespace ``stations``)."""

app_name = "stations"
urlpatterns: list = []
