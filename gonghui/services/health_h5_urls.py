"""Worker H5 pages for the free health checks at /services/health/ (namespace ``health``)."""

from django.urls import path

from . import health_h5

app_name = "health"
urlpatterns = [
    path("", health_h5.index, name="index"),
    path("book/", health_h5.book, name="book"),
    path("bookings/<int:booking_id>/", health_h5.booked, name="booked"),
    path("bookings/<int:booking_id>/cancel/", health_h5.cancel, name="cancel"),
]
