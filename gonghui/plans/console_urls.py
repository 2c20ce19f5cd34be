"""Staff console pages at /console/plans/ (namespace ``console-plans``)."""

from django.urls import path

from . import views

app_name = "console-plans"
urlpatterns: list = [
    path("", views.plan_list, name="list"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/transition/", views.plan_transition, name="transition"),
    path("<int:plan_id>/export.xlsx", views.plan_export, name="export"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/split/", views.item_split, name="split"),
    path("figures/<int:figure_id>/decision/", views.figure_decide, name="figure-decide"),
    path("figures/<int:figure_id>/evidence/", views.figure_evidence, name="figure-evidence"),
]
