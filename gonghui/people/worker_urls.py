"""The worker app's SMS login and logout (namespace ``account``)."""

from django.urls import path

from . import worker_session

app_name = "account"

urlpatterns = [
    path("login/", worker_session.login, name="login"),
    path("logout/", worker_session.logout, name="logout"),
]
