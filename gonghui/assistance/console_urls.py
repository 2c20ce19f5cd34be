"""Staff console pages at /console/assistance/ (namespace ``console-assistance``)."""

from django.urls import path

from . import views
from .campaigns import edit_views as campaign_edit_views
from .campaigns import views as campaign_views

app_name = "console-assistance"
urlpatterns: list = [
    path("", views.file_list, name="list"),
    path("export.xlsx", views.file_export, name="export"),
    path("import/", views.import_files, name="import"),
    path("<int:file_id>/", views.file_detail, name="detail"),
    path("<int:file_id>/act/", views.act, name="act"),
    path("documents/<int:document_id>/", views.document, name="document"),
    path("campaigns/", campaign_views.campaign_list, name="campaign-list"),
    path("campaigns/stats/", campaign_views.campaign_stats, name="campaign-stats"),
    path("campaigns/new/", campaign_edit_views.campaign_create, name="campaign-create"),
    path(
        "campaigns/<int:campaign_id>/edit/",
        campaign_edit_views.campaign_edit,
        name="campaign-edit",
    ),
    path("campaigns/<int:campaign_id>/", campaign_views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:campaign_id>/act/", campaign_views.campaign_act, name="campaign-act"),
    path("campaigns/<int:campaign_id>/bank/", campaign_views.bank_results, name="campaign-bank"),
    path(
        "campaigns/<int:campaign_id>/accounts/",
        campaign_edit_views.accounts_import,
        name="campaign-accounts",
    ),
    path(
        "campaigns/<int:campaign_id>/accounts/template.xlsx",
        campaign_edit_views.accounts_template,
        name="campaign-accounts-template",
    ),
    path(
        "campaigns/batches/<int:batch_id>/export.xlsx",
        campaign_views.batch_export,
        name="campaign-batch-export",
    ),
]
