from django.contrib import admin

from gonghui.people.admin_base import ScopedAdmin

from .models import Org


@admin.register(Org)
class OrgAdmin(ScopedAdmin):
    list_display = ("code", "name", "type", "parent", "region_code", "is_active")
    list_filter = ("type", "is_active")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")
    raw_id_fields = ("parent",)

    def org_of(self, obj):
        # Creating or moving an org needs rights over its (new) parent.
        return obj.parent
