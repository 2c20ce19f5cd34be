"""Staff console pages at /console/socialwork/ (namespace ``console-socialwork``)."""

from django.urls import path

from . import views

app_name = "console-socialwork"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("workload/", views.workload, name="workload"),
    path("workload.xlsx", views.workload_export, name="workload-export"),
    path("workload/items/", views.items, name="items"),
    path("files/", views.files, name="files"),
    path("files/<int:file_id>/assign/", views.assign, name="assign"),
]
