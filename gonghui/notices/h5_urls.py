"""The worker's messages at /me/messages/ (namespace ``notices``)."""

from django.urls import path

from . import h5

app_name = "notices"

urlpatterns = [
    path("", h5.inbox, name="inbox"),
    path("<int:message_id>/", h5.open_message, name="open"),
    path("settings/", h5.preferences, name="preferences"),
]
