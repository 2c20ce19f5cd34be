from django.contrib import admin

from gonghui.people.admin_base import SuperuserOnlyAdmin

from .models import ArrearsRule


@admin.register(ArrearsRule)
class ArrearsRuleAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "window_days", "min_appeals", "min_workers", "is_active", "updated_at")
    filter_horizontal = ("categories",)
