from django.contrib import admin

from gonghui.people.admin_base import ScopedAdmin

from .models import Agreement, Contribution, Partner, Pledge


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


class PledgeInline(admin.TabularInline):
    model = Pledge
    extra = 0


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    """Partners signed by a union in the admin's scope. The contact phone is not listed."""

    scope_field = "union_org"
    list_display = ("name", "type", "credit_code", "union_org", "joined_on", "status")
    list_filter = ("type", "status")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("union_org",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = [AgreementInline, PledgeInline]


@admin.register(Contribution)
class ContributionAdmin(ScopedAdmin):
    scope_field = "partner__union_org"
    list_display = ("partner", "kind", "amount", "quantity", "unit", "contributed_on", "project")
    list_filter = ("kind",)
    search_fields = ("partner__name", "campaign_ref")
    raw_id_fields = ("partner", "pledge", "project")
    readonly_fields = ("created_by", "created_at")
