from django.contrib import admin
from django.urls import include, path

from gonghui.api import api
from gonghui.console import views as console_views
from gonghui.core import views as core_views
from gonghui.hotline import h5
from gonghui.hotline import views as hotline_views
from gonghui.orgs import views as org_views
from gonghui.people import views as people_views
from gonghui.people import views_auth
from gonghui.people.admin_base import configure_admin_site

configure_admin_site(admin.site)

console_patterns = [
    path("", console_views.console_home, name="home"),
    path("login/", views_auth.login_view, name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("totp/", views_auth.totp_setup, name="totp-setup"),
    path("orgs/", org_views.org_tree, name="org-tree"),
    path("orgs/<str:code>/", org_views.org_detail, name="org-detail"),
    path("orgs/<str:code>/children/", org_views.org_children, name="org-children"),
    path("workers/", people_views.worker_list, name="worker-list"),
    path("workers/new/", people_views.worker_create, name="worker-create"),
    path("workers/import/", people_views.worker_import, name="worker-import"),
    path(
        "workers/import/template.xlsx",
        people_views.worker_import_template,
        name="worker-import-template",
    ),
    path("workers/<int:worker_id>/", people_views.worker_detail, name="worker-detail"),
    path("hotline/", hotline_views.appeal_list, name="appeal-list"),
    path("hotline/new/", hotline_views.appeal_new, name="appeal-new"),
    path(
        "hotline/new/duplicates/",
        hotline_views.appeal_duplicates_draft,
        name="appeal-new-duplicates",
    ),
    path("hotline/export.xlsx", hotline_views.appeal_export, name="appeal-export"),
    path("hotline/metrics/", hotline_views.metrics_page, name="hotline-metrics"),
    path("hotline/overdue-check/", hotline_views.run_overdue_check, name="hotline-overdue-check"),
    path("hotline/<int:appeal_id>/", hotline_views.appeal_detail, name="appeal-detail"),
    path(
        "hotline/<int:appeal_id>/attachments/<int:attachment_id>/",
        hotline_views.attachment_download,
        name="appeal-attachment",
    ),
]

h5_patterns = [
    path("", h5.appeals, name="appeals"),
    path("login/", h5.login, name="login"),
    path("logout/", h5.logout, name="logout"),
    path("appeals/new/", h5.new_appeal, name="new"),
    path("appeals/<int:appeal_id>/", h5.appeal, name="appeal"),
    path("lookup/", h5.lookup, name="lookup"),
]

urlpatterns = [
    path("h5/", include((h5_patterns, "h5"))),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", api.urls),
    path("console/", include((console_patterns, "console"))),
    path("console/stations/", include("gonghui.stations.console_urls")),
    path("stations/", include("gonghui.stations.h5_urls")),
    path("console/services/", include("gonghui.services.console_urls")),
    path("console/health/", include("gonghui.services.health.console_urls")),
    path("services/health/", include("gonghui.services.health.h5_urls")),
    path("services/", include("gonghui.services.h5_urls")),
    path("console/assistance/", include("gonghui.assistance.console_urls")),
    path("console/partners/", include("gonghui.partners.console_urls")),
    path("assistance/", include("gonghui.assistance.h5_urls")),
    path("partners/", include("gonghui.partners.public_urls")),
    path("console/honors/", include("gonghui.honors.console_urls")),
    path("console/governance/", include("gonghui.governance.console_urls")),
    path("console/topics/", include("gonghui.topics.console_urls")),
    path("honors/", include("gonghui.honors.public_urls")),
    path("console/plans/", include("gonghui.plans.console_urls")),
    path("console/reports/", include("gonghui.reports.console_urls")),
    path("console/socialwork/", include("gonghui.socialwork.console_urls")),
    path("console/open311/", include("gonghui.open311.console_urls")),
    path("open311/", include("gonghui.open311.urls")),  # GeoReport v2 (docs/open311.md)
    path("console/audit/", include("gonghui.people.audit_urls")),
    path("me/messages/", include("gonghui.notices.h5_urls")),
    path("", include("gonghui.people.registration_urls")),  # /me/register/, console queue
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("gonghui.people.worker_urls")),  # /login/, /logout/ (the one SMS login)
    path("", include("gonghui.portal.urls")),  # the worker app: /, /hub/, /me/, /sw.js …
]

# Chinese error pages in the console's or the worker app's look (core/error_views.py).
handler400 = "gonghui.core.error_views.bad_request"
handler403 = "gonghui.core.error_views.permission_denied"
handler404 = "gonghui.core.error_views.page_not_found"
handler500 = "gonghui.core.error_views.server_error"
