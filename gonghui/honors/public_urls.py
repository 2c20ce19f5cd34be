"""Public pages at /honors/ (namespace ``honors``)."""

from django.urls import path

from . import public

app_name = "honors"
urlpatterns: list = [
    path("", public.roll, name="roll"),
]
