from django.contrib import admin

from gonghui.core.models import WorkdayOverride
from gonghui.people.admin_base import ScopedAdmin, SuperuserOnlyAdmin

from .models import Category, DispatchRule, SlaPolicy


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
