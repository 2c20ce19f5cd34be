"""实名登记 and 个人信息授权: the worker's H5 pages and the console queues (one include in
gonghui/urls.py)."""

from django.urls import path

from . import views_deletion, views_privacy
from . import views_registration as views

app_name = "registration"

urlpatterns = [
    path("me/register/", views.register, name="register"),
    path("me/privacy/", views_privacy.privacy_page, name="privacy"),
    path("me/privacy/export.json", views_privacy.export_json, name="privacy-export-json"),
    path("me/privacy/export.xlsx", views_privacy.export_xlsx, name="privacy-export-xlsx"),
    path("me/privacy/deletion/", views_privacy.deletion_page, name="privacy-deletion"),
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
