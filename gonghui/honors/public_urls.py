"""Public pages at /honors/ (namespace ``honors``)."""

app_name = "honors"
urlpatterns: list = []
