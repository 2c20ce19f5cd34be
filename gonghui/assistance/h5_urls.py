"""Worker H5 pages for hardship applications at /assistance/ (namespace ``assistance``)."""

from django.urls import path

from . import h5, public_objections

app_name = "assistance"
urlpatterns: list = [
    path("", h5.index, name="index"),
    path("apply/", h5.apply, name="apply"),
    path("applications/<int:application_id>/", h5.application, name="application"),
    path("notice/", h5.notice, name="notice"),
    path(
        "notice/applications/<int:application_id>/objection/",
        public_objections.file_objection,
        name="file-objection",
    ),
    path(
        "notice/campaigns/<int:campaign_id>/",
        public_objections.campaign_notice,
        name="campaign-notice",
    ),
    path(
        "notice/campaigns/people/<int:beneficiary_id>/objection/",
        public_objections.campaign_objection,
        name="campaign-objection",
    ),
]
