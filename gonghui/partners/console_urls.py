"""Staff console pages at /console/partners/ (namespace ``console-partners``)."""

from django.urls import path

from . import views

app_name = "console-partners"
urlpatterns: list = [
    path("", views.partner_list, name="list"),
    path("export.xlsx", views.partner_export, name="export"),
    path("new/", views.partner_create, name="create"),
    path("<int:partner_id>/", views.partner_detail, name="detail"),
    path("<int:partner_id>/edit/", views.partner_edit, name="edit"),
    path(
        "<int:partner_id>/<str:what>/new/", views.add_item, name="add"
    ),  # agreement / pledge / contribution
    path("agreements/<int:agreement_id>/file/", views.agreement_file, name="agreement-file"),
]
