"""Worker H5 pages for the free health checks at /services/health/ (namespace ``health``)."""

from django.urls import path

from . import h5

app_name = "health"
urlpatterns = [
    path("", h5.index, name="index"),
    path("book/", h5.book, name="book"),
    path("bookings/<int:booking_id>/", h5.booked, name="booked"),
    path("bookings/<int:booking_id>/cancel/", h5.cancel, name="cancel"),
]
