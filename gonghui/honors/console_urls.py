"""Staff console pages at /console/honors/ (namespace ``console-honors``)."""

from django.urls import path

from . import views

app_name = "console-honors"
urlpatterns: list = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="program-create"),
    path("review/", views.review_queue, name="review"),
    path("publicity/", views.publicity, name="publicity"),
    path("workers/", views.worker_picker, name="picker"),
    path("<int:program_id>/", views.program_detail, name="program"),
    path("<int:program_id>/quota/", views.program_quota, name="quota"),
    path("<int:program_id>/nominate/", views.nominate, name="nominate"),
    path("<int:program_id>/roll.xlsx", views.program_export, name="export"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:nomination_id>/act/", views.nomination_act, name="act"),
    path("nominations/<int:nomination_id>/objection/", views.objection_add, name="objection"),
    path("nominations/<int:nomination_id>/certificate.pdf", views.certificate, name="certificate"),
    path("objections/<int:objection_id>/resolve/", views.objection_resolve, name="resolve"),
    path("attachments/<int:attachment_id>/", views.attachment_file, name="attachment"),
]
