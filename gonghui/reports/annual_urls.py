"""Console paths of the annual report, included by console_urls.py."""

from django.urls import path

from . import annual_views

urlpatterns = [
    path("annual/", annual_views.annual_page, name="annual"),
    path("annual/download.<str:fmt>", annual_views.annual_download, name="annual-download"),
]
