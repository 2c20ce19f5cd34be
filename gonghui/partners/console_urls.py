"""Staff console pages at /console/partners/ (namespace ``console-partners``)."""

from django.urls import path

from . import item_views, views

app_name = "console-partners"
urlpatterns: list = [
    path("", views.partner_list, name="list"),
    path("export.xlsx", views.partner_export, name="export"),
    path("new/", views.partner_create, name="create"),
    path("<int:partner_id>/", views.partner_detail, name="detail"),
    path("<int:partner_id>/edit/", views.partner_edit, name="edit"),
    # what: agreement / pledge / contribution
    path("<int:partner_id>/<str:what>/new/", item_views.add_item, name="add"),
    path("items/<str:what>/<int:item_id>/edit/", item_views.edit_item, name="item-edit"),
    path("items/<str:what>/<int:item_id>/delete/", item_views.delete_item, name="item-delete"),
    path("agreements/<int:agreement_id>/file/", views.agreement_file, name="agreement-file"),
]
