from django.contrib import admin

from gonghui.people.admin_base import ScopedAdmin, SuperuserOnlyAdmin

from .models import Amenity, BuildTarget, StationType


@admin.register(StationType)
class StationTypeAdmin(SuperuserOnlyAdmin):
    list_display = ("code", "name", "sort_order")
    search_fields = ("code", "name")


@admin.register(Amenity)
class AmenityAdmin(SuperuserOnlyAdmin):
    """``bit`` is the amenity's position in ``Station.amenity_bits``: never reuse one."""

    list_display = ("code", "name", "bit")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # stations store the bit: changing it would silently move their amenities
        return ("code", "bit") if obj is not None else ()


@admin.register(BuildTarget)
class BuildTargetAdmin(ScopedAdmin):
    """A district admin sets the targets of their district and the orgs under it."""

    scope_field = "org"
    list_display = ("org", "year", "type", "count")
    list_filter = ("year", "type")
    raw_id_fields = ("org",)
