"""Worker H5 pages for the free health checks at /services/health/ (namespace ``health``)."""

app_name = "health"
urlpatterns: list = []
