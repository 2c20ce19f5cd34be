"""The console field for a project's registry partners: a multi-select of the partners the
registry offers (``partner_registry``), searched on the page by name, full pinyin or initials
(``static/js/partner_picker.js`` on tom-select); without JavaScript a plain multi-select."""

from django import forms
from django.utils.translation import gettext_lazy

from . import partner_registry


class PartnerPicker(forms.SelectMultiple):
    search: dict[str, tuple[str, str]]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pinyin, initials = self.search.get(str(value), ("", ""))
        option["attrs"].update({"data-pinyin": pinyin, "data-initials": initials})
        return option


class PartnerField(forms.TypedMultipleChoiceField):
    widget = PartnerPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({
            "data-partner-picker": "",
            "data-placeholder": gettext_lazy("输入名称、拼音或首字母查找伙伴单位"),
            "data-no-results": gettext_lazy("伙伴库中没有这个单位，请填在“其他合作单位”中"),
        })  # fmt: skip

    def offer(self, project_id: int | None) -> None:
        """Fill the choices: the registry's partners for this project (None: a new one)."""
        options = partner_registry.provider().choices(project_id)
        self.choices = [(c.pk, c.name) for c in options]
        self.widget.search = {str(c.pk): (c.pinyin, c.initials) for c in options}
