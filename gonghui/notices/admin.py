"""Message templates in Django admin: city-wide texts, edited by the federation's admins."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
class MessageTemplateAdmin(admin.ModelAdmin):
    """One row per event (seeded); admins at the federation root change the texts."""

    form = MessageTemplateForm
    list_display = ("event", "title", "sms_enabled", "essential", "active", "updated_at")
    list_filter = ("sms_enabled", "essential", "active")
    readonly_fields = ("event", "placeholders", "updated_at")
    fields = ("event", "placeholders", "title", "body", "sms_enabled", "essential", "active")

    @admin.display(description=_("可用占位符"))
    def placeholders(self, obj):
        names = allowed_placeholders(obj.event) if obj else ()
        return format_html("{}", "、".join(f"{{{n}}}" for n in names) if names else "—")

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

    def has_change_permission(self, request, obj=None):
        return self._ok(request)

    def has_add_permission(self, request):
        return False  # one template per event, seeded by migration

    def has_delete_permission(self, request, obj=None):
        return False
