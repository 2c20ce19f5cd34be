"""Worker H5 pages for service projects at /services/ (namespace ``services``)."""

app_name = "services"
urlpatterns: list = []
