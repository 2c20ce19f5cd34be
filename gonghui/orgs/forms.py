"""The console's org field: an org is chosen and shown by its name, never typed as a code.

``OrgField`` renders a ``<select>`` of the user's in-scope orgs (indented by level) when there
are few, else a text input; ``static/js/org_picker.js`` turns either into a searchable
tom-select (name, pinyin, initials). Without JavaScript the text input takes a name, pinyin,
initials or code, resolved by ``selectors.resolve_org``; the field cleans to the org's code.
"""

import copy

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from .selectors import orgs_for, resolve_in

# Up to this many candidates the field is a plain <select>; above it, a text input.
SELECT_MAX = 40


class OrgPicker(forms.Widget):
    """Rendered by its ``OrgField`` (which knows the user, the permission and the types)."""

    field: "OrgField | None" = None

    def render(self, name, value, attrs=None, renderer=None):
        field = self.field
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.update(
            {
                "name": name,
                "data-org-picker": "",
                "data-no-results": gettext_lazy("没有找到您管辖范围内的组织"),
            }
        )
        if field.permission:
            attrs["data-permission"] = field.permission
            attrs["data-search-url"] = reverse("api:orgs-search")
            if field.types:
                attrs["data-types"] = ",".join(field.types)
            if field.under is not None:
                attrs["data-under"] = field.under.code
        value = str(value or "").strip()
        candidates = field.candidates()
        orgs = list(candidates.order_by("path")[: SELECT_MAX + 1])
        current = None
        if value:
            current = next((o for o in orgs if o.code == value.upper()), None)
            if current is None:
                current = candidates.filter(code=value.upper()).first()
        if len(orgs) <= SELECT_MAX:
            return self._select(attrs, orgs, current, value)
        if current is not None:
            attrs["data-code"] = current.code
            attrs["data-label"] = current.name
            # The name when it names just this org; otherwise the code (still resolvable).
            unique = candidates.filter(name=current.name).count() == 1
            value = current.name if unique else current.code
        attrs.setdefault("placeholder", gettext_lazy("输入名称、拼音或首字母"))
        attrs.update({"type": "text", "value": value, "autocomplete": "off"})
        return format_html("<input{}>", forms.utils.flatatt(attrs))

    def _select(self, attrs, orgs, current, typed):
        top = min((o.depth for o in orgs), default=0)
        blank = format_html('<option value="">{}</option>', self.field.empty_label)
        options = format_html_join(
            "",
            '<option value="{}" data-name="{}" data-pinyin="{}" data-initials="{}"{}>{}{}</option>',
            (
                (
                    o.code,
                    o.name,
                    o.name_pinyin,
                    o.name_initials,
                    " selected" if current and o.pk == current.pk else "",
                    "\u3000" * (o.depth - top),  # indented by level under the scope's top
                    o.name,
                )
                for o in orgs
            ),
        )
        return format_html("<select{}>{}{}</select>", forms.utils.flatatt(attrs), blank, options)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class OrgField(forms.CharField):
    """An org in ``user``'s scope for ``permission`` (any active org when None), optionally of
    ``types`` and strictly below the org ``under`` (set by the view); bind the user with
    ``bind_orgs(form, user)``. Cleans to the org's code."""

    def __init__(self, *, permission, types=None, empty_label=None, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(widget=OrgPicker, **kwargs)
        self.permission = permission
        self.types = tuple(types) if types else None
        self.empty_label = empty_label or gettext_lazy("请选择")
        self.user = None
        self.under = None
        self.widget.field = self

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget = copy.copy(result.widget)
        result.widget.field = result
        return result

    def candidates(self):
        if self.user is None:
            raise RuntimeError("OrgField needs bind_orgs(form, user) before use")
        return orgs_for(self.user, self.permission, self.types, under=self.under)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        return resolve_in(self.candidates(), value).code


def bind_orgs(form: forms.BaseForm, user) -> forms.BaseForm:
    """Give every ``OrgField`` of ``form`` the user whose scope it offers and accepts."""
    for field in form.fields.values():
        if isinstance(field, OrgField):
            field.user = user
    return form
