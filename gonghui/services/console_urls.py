"""Staff console pages for service projects at /console/services/ (namespace
``console-services``)."""

from django.urls import path

from . import views, views_partners, views_sessions, views_stats

app_name = "console-services"
urlpatterns: list = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("reviews/", views.review_queue, name="reviews"),
    path("partners/", views_partners.unlinked_list, name="unlinked-partners"),
    path("<int:project_id>/partners/link/", views_partners.link_partner, name="link-partner"),
    path("stats/", views_stats.stats_page, name="stats"),
    path("stats/export.xlsx", views_stats.stats_export, name="stats-export"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/action/", views.project_action, name="action"),
    path("<int:project_id>/images/", views.project_image_upload, name="image-upload"),
    path("<int:project_id>/images/<int:image_id>/", views.project_image, name="image"),
    path(
        "<int:project_id>/images/<int:image_id>/delete/",
        views.project_image_delete,
        name="image-delete",
    ),
    path("<int:project_id>/sessions/new/", views_sessions.session_create, name="session-create"),
    path("sessions/<int:session_id>/", views_sessions.session_detail, name="session"),
    path("sessions/<int:session_id>/edit/", views_sessions.session_edit, name="session-edit"),
    path("sessions/<int:session_id>/qr.svg", views_sessions.session_qr, name="session-qr"),
    path(
        "sessions/<int:session_id>/roster.xlsx",
        views_sessions.roster_export,
        name="roster-export",
    ),
]
