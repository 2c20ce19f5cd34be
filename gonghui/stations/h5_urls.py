"""Public station finder pages at /stations/ (namespace ``stations``)."""

from django.urls import path

from . import h5

app_name = "stations"
urlpatterns: list = [
    path("", h5.finder, name="finder"),
    path("<int:station_id>/", h5.detail, name="detail"),
    path("<int:station_id>/qr.svg", h5.qr_svg, name="qr"),
    path("c/<str:qr_token>/", h5.check_in, name="check-in"),
    path("photos/<int:photo_id>/", h5.photo, name="photo"),
]
