from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.forms import OrgField
from gonghui.orgs.models import DISTRICT_TYPES

from .models import AppealType, Category, Channel, ResolvedResult, Satisfaction, Status, Urgency


def category_choices():
    out = [("", "—")]
    for top in Category.objects.filter(parent=None, is_active=True).prefetch_related("children"):
        kids = [k for k in top.children.all() if k.is_active]
        if kids:
            out.append((str(top.name), [(k.code, f"{top.name} / {k.name}") for k in kids]))
        else:
            out.append((top.code, top.name))
    return out


class IntakeForm(forms.Form):
    """Operator's intake form; ``services.create_appeal`` validates for real. The orgs are
    chosen by name (``bind_orgs(form, user)`` before use)."""

    type = forms.ChoiceField(label=_("诉求类型"), choices=AppealType.choices)
    category = forms.ChoiceField(label=_("诉求分类"), choices=(), required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.PHONE)
    # The district unions of the operator's intake scope: an appeal filed elsewhere would
    # leave the operator's queues at once.
    district = OrgField(
        label=_("发生地"), permission="hotline.intake", types=DISTRICT_TYPES, required=False
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    employer_name = forms.CharField(label=_("涉及单位"), max_length=200, required=False)
    employer_credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, required=False
    )
    content = forms.CharField(
        label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    direct_answer = forms.CharField(
        label=_("直接答复（仅咨询，填写即办结）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("编号/电话/内容"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *Status.choices], required=False
    )
    category = forms.ChoiceField(label=_("分类"), choices=(), required=False)
    date_from = forms.DateField(
        label=_("自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class ActionForm(forms.Form):
    """All parameters any action may take; the service checks what each one needs. ``org``
    (派单/改派) is any org the dispatcher may dispatch to, chosen by name; bind the user with
    ``bind_orgs``."""

    action = forms.CharField(max_length=30)
    org = OrgField(
        label=_("承办单位"),
        permission="hotline.dispatch",
        empty_label=_("按派单规则"),
        required=False,
    )
    note = forms.CharField(label=_("说明"), max_length=2000, required=False)
    reason = forms.CharField(label=_("理由"), max_length=2000, required=False)
    days = forms.IntegerField(label=_("延期工作日"), required=False, min_value=1, max_value=30)
    contacted = forms.NullBooleanField(label=_("联系上诉求人"), required=False)
    resolved = forms.ChoiceField(
        label=_("解决情况"), choices=[("", "—"), *ResolvedResult.choices], required=False
    )
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=[("", "—"), *Satisfaction.choices], required=False
    )
    comment = forms.CharField(label=_("回访记录"), max_length=2000, required=False)
    into = forms.CharField(label=_("主诉求编号"), max_length=30, required=False)
    version = forms.IntegerField(required=False)


class MetricsForm(forms.Form):
    """The 三率 page's filters; ``org`` is chosen by name within the metrics scope (empty: the
    top of the scope)."""

    org = OrgField(
        label=_("统计单位"),
        permission="hotline.metrics",
        empty_label=_("默认：本单位"),
        required=False,
    )
    date_from = forms.DateField(
        label=_("自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
