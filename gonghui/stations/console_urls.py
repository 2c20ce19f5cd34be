"""Staff console pages for stations at /console/stations/ (namespace ``console-stations``)."""

from django.urls import path

from . import views, views_queues

app_name = "console-stations"
urlpatterns: list = [
    path("", views.station_list, name="list"),
    path("export.xlsx", views.station_export, name="export"),
    path("new/", views.station_create, name="create"),
    path("import/", views.station_import, name="import"),
    path("import/template.xlsx", views.station_import_template, name="import-template"),
    path("reviews/", views_queues.review_queue, name="reviews"),
    path("reports/", views_queues.report_queue, name="reports"),
    path("targets/", views_queues.targets, name="targets"),
    path("<int:station_id>/", views.station_detail, name="detail"),
    path("<int:station_id>/edit/", views.station_edit, name="edit"),
]
