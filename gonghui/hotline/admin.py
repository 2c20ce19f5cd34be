from django.contrib import admin

from gonghui.core.admin_site import ScopedAdmin
from gonghui.core.models import WorkdayOverride

from .models import Category, DispatchRule, SlaPolicy


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """City-wide reference data: editable by the federation's admins (admin role at the root)."""

    def _ok(self, request):
        from gonghui.orgs.models import Org
        from gonghui.people.scope import scope_for

        root = Org.objects.filter(parent=None).first()
        return request.user.is_superuser or (
            root is not None and scope_for(request.user, "admin.site").contains(root)
        )

    def has_module_permission(self, request):
        return self._ok(request)

    def has_view_permission(self, request, obj=None):
        return self._ok(request)

    def has_add_permission(self, request):
        return self._ok(request)

    def has_change_permission(self, request, obj=None):
        return self._ok(request)

    def has_delete_permission(self, request, obj=None):
        return self._ok(request)


@admin.register(Category)
class CategoryAdmin(SuperuserOnlyAdmin):
    list_display = ("code", "name", "parent", "sort_order", "is_active")
    list_filter = ("is_active", "parent")
    search_fields = ("code", "name")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SuperuserOnlyAdmin):
    list_display = (
        "appeal_type",
        "category",
        "urgency",
        "response_hours",
        "resolve_working_days",
        "callback_working_days",
    )


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(SuperuserOnlyAdmin):
    list_display = ("date", "is_workday", "name")
    date_hierarchy = "date"


@admin.register(DispatchRule)
class DispatchRuleAdmin(ScopedAdmin):
    """A district admin maintains the rules for their district (the responsible org must be
    in their subtree too)."""

    scope_field = "responsible_org"
    list_display = ("category", "district", "responsible_org", "is_active")
    list_filter = ("is_active", "category")
    raw_id_fields = ("district", "responsible_org")
