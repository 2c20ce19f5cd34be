"""Worker H5 pages for hardship applications at /assistance/ (namespace ``assistance``)."""

from django.urls import path

from . import h5

app_name = "assistance"
urlpatterns: list = [
    path("", h5.index, name="index"),
    path("apply/", h5.apply, name="apply"),
    path("applications/<int:application_id>/", h5.application, name="application"),
    path("notice/", h5.notice, name="notice"),
]
