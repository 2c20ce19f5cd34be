"""Staff console pages at /console/topics/ (namespace ``console-topics``)."""

from django.urls import path

from . import views

app_name = "console-topics"
urlpatterns: list = [
    path("", views.topic_list, name="list"),
    path("recompute/", views.recompute, name="recompute"),
    path("<int:topic_id>/", views.topic_detail, name="topic"),
    path("<int:topic_id>/adopt/", views.adopt, name="adopt"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:problem_id>/", views.problem_detail, name="problem"),
    path("problems/<int:problem_id>/act/", views.problem_act, name="act"),
    path(
        "problems/<int:problem_id>/measures/<int:measure_id>/", views.measure_toggle, name="measure"
    ),
    path("problems/<int:problem_id>/export/", views.problem_export, name="export"),
]
