from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.forms import OrgField
from gonghui.orgs.models import DISTRICT_TYPES

from .models import EmploymentForm


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, max_length=256)
    otp = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=10,
        help_text=_("已绑定身份验证器的账号须填写"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("身份验证器中的6位数字"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class WorkerForm(forms.Form):
    """Console form for one worker; ``services.create_worker`` does the real validation."""

    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    employment_form = forms.ChoiceField(
        label=_("用工形式"), choices=EmploymentForm.choices, initial=EmploymentForm.STANDARD
    )
    union_org = OrgField(label=_("所属工会"), permission="workers.create")
    employer_name = forms.CharField(label=_("用人单位"), max_length=200, required=False)
    employer_credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, required=False
    )
    member_since = forms.CharField(
        label=_("入会日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    work_district = OrgField(
        label=_("工作区域"),
        permission=None,  # where the worker works may lie outside the user's scope
        types=DISTRICT_TYPES,
        required=False,
        empty_label=_("按所属工会推定"),
    )


class WorkerImportForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))


class RevealForm(forms.Form):
    fields = forms.MultipleChoiceField(
        label=_("查看完整信息"),
        choices=[("id_number", _("身份证号")), ("phone", _("手机号"))],
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("事由"), max_length=500)
