"""Reference data for the hardship rules: dated 低保 standards, the dated policy (multipliers,
公示 days, visit/review/follow-up/retention periods) and the exclusion list."""

from django.contrib import admin

from .models import ExclusionRule, HardshipPolicy, PovertyLine


@admin.register(PovertyLine)
class PovertyLineAdmin(admin.ModelAdmin):
    list_display = ("org", "monthly_amount", "valid_from", "source")
    list_filter = ("valid_from",)
    search_fields = ("org__name", "org__code")


@admin.register(HardshipPolicy)
class HardshipPolicyAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "note")


@admin.register(ExclusionRule)
class ExclusionRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "effect", "active", "sort_order")
    list_editable = ("effect", "active", "sort_order")
