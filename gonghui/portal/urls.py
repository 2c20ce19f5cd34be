"""The worker app (namespace ``app``), included at the site root."""

from django.urls import path

from . import views

app_name = "app"

urlpatterns = [
    path("", views.home, name="home"),
    path("hub/", views.hub, name="hub"),
    path("me/", views.me, name="me"),
    path("elder-mode/", views.elder_mode, name="elder-mode"),
    path("offline/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
]
