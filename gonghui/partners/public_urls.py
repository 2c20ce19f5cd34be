"""Public partner pages at /partners/ (namespace ``partners``)."""

from django.urls import path

from . import public

app_name = "partners"
urlpatterns: list = [
    path("", public.partner_list, name="list"),
    path("<int:partner_id>/", public.partner_detail, name="detail"),
]
