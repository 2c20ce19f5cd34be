"""实名登记: the worker's H5 form and the console queue (one include in gonghui/urls.py)."""

from django.urls import path

from . import views_deletion
from . import views_registration as views

app_name = "registration"

urlpatterns = [
    path("me/register/", views.register, name="register"),
    path("console/workers/registrations/", views.queue, name="queue"),
    path(
        "console/workers/registrations/memberships/<int:worker_id>/<str:action>/",
        views.membership_action,
        name="membership-action",
    ),
    path(
        "console/workers/registrations/claims/<int:claim_id>/<str:action>/",
        views.claim_action,
        name="claim-action",
    ),
    path("console/workers/deletion-requests/", views_deletion.queue, name="deletion-queue"),
    path(
        "console/workers/deletion-requests/<int:request_id>/<str:action>/",
        views_deletion.action,
        name="deletion-action",
    ),
]
