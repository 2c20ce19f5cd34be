"""The console's audit log search (namespace ``audit``)."""

from django.urls import path

from . import views_audit

app_name = "audit"

urlpatterns = [path("", views_audit.audit_log, name="search")]
