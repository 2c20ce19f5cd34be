"""Staff console pages at /console/governance/ (namespace ``console-governance``)."""

from django.urls import path

from . import views

app_name = "console-governance"
urlpatterns: list = [
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning"),
    path("warnings/<int:warning_id>/act/", views.warning_act, name="act"),
]
