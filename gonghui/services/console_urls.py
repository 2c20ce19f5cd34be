"""Staff console pages for service projects at /console/services/ (namespace
``console-services``)."""

app_name = "console-services"
urlpatterns: list = []
