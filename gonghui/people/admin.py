from django.contrib import admin

from gonghui.core.models import AuditLog

from .admin_base import ScopedAdmin
from .models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    scope_field = "org"
    list_display = ("user", "role", "org", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "org__code", "org__name")
    raw_id_fields = ("user", "org")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only view of the audit trail, for superusers (auditors)."""

    list_display = ("created_at", "actor_label", "action", "object_type", "object_id", "fields")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "reason")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
