"""Message templates in Django admin: city-wide texts, edited by the federation's admins."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gonghui.people.admin_base import SuperuserOnlyAdmin

from .events import allowed_placeholders
from .models import MessageTemplate
from .services import validate_template


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("title", "body", "sms_enabled", "essential", "active")

    def clean(self):
        data = super().clean()
        try:
            validate_template(self.instance.event, data.get("title", ""), data.get("body", ""))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SuperuserOnlyAdmin):
    """One row per event (seeded); admins at the federation root change the texts (neither
    add nor delete)."""

    form = MessageTemplateForm
    list_display = ("event", "title", "sms_enabled", "essential", "active", "updated_at")
    list_filter = ("sms_enabled", "essential", "active")
    readonly_fields = ("event", "placeholders", "updated_at")
    fields = ("event", "placeholders", "title", "body", "sms_enabled", "essential", "active")

    @admin.display(description=_("可用占位符"))
    def placeholders(self, obj):
        names = allowed_placeholders(obj.event) if obj else ()
        return format_html("{}", "、".join(f"{{{n}}}" for n in names) if names else "—")

    def has_add_permission(self, request):
        return False  # one template per event, seeded by migration

    def has_delete_permission(self, request, obj=None):
        return False
