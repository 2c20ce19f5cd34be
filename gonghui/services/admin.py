from django.contrib import admin

from .models import Category, HealthProgram, HealthQuota, Hospital, HospitalDay


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sort_order", "active")
    list_editable = ("sort_order", "active")


class QuotaInline(admin.TabularInline):
    model = HealthQuota
    extra = 0
    readonly_fields = ("used",)


@admin.register(HealthProgram)
class HealthProgramAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "organiser", "applications_open", "applications_close")
    inlines = [QuotaInline]


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "district", "phone")


@admin.register(HospitalDay)
class HospitalDayAdmin(admin.ModelAdmin):
    list_display = ("hospital", "program", "date", "slots", "booked")
    list_filter = ("program", "hospital")
    readonly_fields = ("booked",)
