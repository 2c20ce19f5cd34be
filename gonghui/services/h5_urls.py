"""Worker H5 pages for service projects at /services/ (namespace ``services``).

``/services/health/`` is included before this module (health checks); nothing here may
start with ``health/``."""

from django.urls import path

from . import h5

app_name = "services"
urlpatterns: list = [
    path("", h5.catalog, name="catalog"),
    path("login/", h5.login, name="login"),
    path("<int:project_id>/", h5.project_detail, name="project"),
    path("sessions/<int:session_id>/enroll/", h5.enroll, name="enroll"),
    path("mine/", h5.mine, name="mine"),
    path("mine/<int:enrollment_id>/", h5.enrollment_result, name="enrollment"),
    path("mine/<int:enrollment_id>/cancel/", h5.cancel, name="cancel"),
    path("checkin/<str:qr_token>/", h5.check_in, name="checkin"),
]
