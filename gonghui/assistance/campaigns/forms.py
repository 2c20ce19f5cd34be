"""The console's campaign form (新建/编辑帮扶活动): the campaign's own fields, the common
target rules as choices, and the standards and budget lines as repeatable rows. It only
gathers input: every rule is ``campaign_setup``'s (the same as the API's)."""

from django import forms
from django.utils.translation import gettext_lazy

from gonghui.orgs.forms import OrgField
from gonghui.people.models import EmploymentForm

from ..models import Campaign, CampaignKind, Category, Source
from .setup import MAX_LINES

POPULATION_CHOICES = [
    ("files", gettext_lazy("已建档困难职工（本人）")),
    ("children", gettext_lazy("建档困难职工家庭的子女")),
    ("workers", gettext_lazy("职工（不限是否建档）")),
]
STANDARD_FIELDS = ("key", "label", "amount", "needs_proof", "proof_label")
BUDGET_FIELDS = ("source", "amount", "partner", "note")
RULE_FIELDS = ("population", "categories", "employment_forms", "enterprises")


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("活动类型"), choices=CampaignKind.choices)
    year = forms.CharField(
        label=gettext_lazy("年度"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"size": 6}),
    )
    # checked by the service, with the rest (all errors at once)
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=200, required=False)
    organiser = OrgField(label=gettext_lazy("主办工会"), permission="campaigns.manage")
    requires_publicity = forms.BooleanField(label=gettext_lazy("名单需要公示"), required=False)
    publicity_days = forms.CharField(
        label=gettext_lazy("公示工作日数"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"size": 4}),
        help_text=gettext_lazy("审批通过后开始公示，按工作日计算"),
    )
    description = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    population = forms.ChoiceField(label=gettext_lazy("帮扶对象"), choices=POPULATION_CHOICES)
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("困难类别"),
        choices=Category.choices[1:],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选则不限"),
    )
    employment_forms = forms.MultipleChoiceField(
        label=gettext_lazy("就业形态"),
        choices=EmploymentForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选则不限"),
    )
    enterprises = forms.CharField(
        label=gettext_lazy("限定企业（统一社会信用代码）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=gettext_lazy("每行一个；不填则不限"),
    )

    def restrict(self, editable: set[str]) -> None:
        """Disable what the campaign's status no longer lets change."""
        for name, field in self.fields.items():
            service_field = "target_rules" if name in RULE_FIELDS else name
            if service_field not in editable:
                field.disabled = True

    def service_data(self, editable: set[str]) -> dict:
        """The cleaned fields in ``campaign_setup``'s shape, only those that may change."""
        d = self.cleaned_data
        data = {
            "kind": d["kind"],
            "year": d["year"],
            "title": d["title"],
            "organiser": d["organiser"],
            "requires_publicity": d["requires_publicity"],
            "publicity_days": d["publicity_days"],
            "description": d["description"],
            "target_rules": {
                "population": d["population"],
                "categories": list(d["categories"]),
                "employment_forms": list(d["employment_forms"]),
                "enterprises": [c for c in d["enterprises"].replace(",", " ").split() if c],
            },
        }
        return {k: v for k, v in data.items() if k in editable}


def initial_for(campaign: Campaign | None, *, organiser: str, year: int) -> dict:
    if campaign is None:
        return {
            "kind": CampaignKind.WARMTH,
            "year": year,
            "organiser": organiser,
            "publicity_days": 5,
            "population": "files",
        }
    rules = campaign.target_rules or {}
    return {
        "kind": campaign.kind,
        "year": campaign.year,
        "title": campaign.title,
        "organiser": campaign.organiser.code,
        "requires_publicity": campaign.requires_publicity,
        "publicity_days": campaign.publicity_days,
        "description": campaign.description,
        "population": rules.get("population") or "files",
        "categories": rules.get("categories") or [],
        "employment_forms": rules.get("employment_forms") or [],
        "enterprises": "\n".join(rules.get("enterprises") or []),
    }


def _count(post, name: str) -> int:
    try:
        return max(0, min(int(post.get(name, 0)), MAX_LINES + 5))
    except ValueError:
        return 0


def posted_rows(post, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """The filled rows ``<prefix>-<n>-<field>`` of a repeatable table (blank rows dropped);
    ``<prefix>-count`` says how many were on the page."""
    rows = []
    for n in range(_count(post, f"{prefix}-count")):
        row = {f: post.get(f"{prefix}-{n}-{f}", "").strip() for f in fields}
        if any(v for f, v in row.items() if f not in ("source", "needs_proof")):
            rows.append(row)
    return rows


def standards_data(rows: list[dict]) -> list[dict]:
    return [{**r, "needs_proof": r.get("needs_proof") == "1"} for r in rows]


def budget_data(rows: list[dict]) -> list[dict]:
    return [dict(r) for r in rows]


def standard_rows(campaign: Campaign | None) -> list[dict]:
    if campaign is None:
        return []
    return [
        {
            "key": s.key,
            "label": s.label,
            "amount": f"{s.amount:.2f}",
            "needs_proof": "1" if s.needs_proof else "",
            "proof_label": s.proof_label,
        }
        for s in campaign.standards.order_by("id")
    ]


def budget_rows(campaign: Campaign | None) -> list[dict]:
    if campaign is None:
        return [{"source": Source.UNION_FUNDS, "amount": "", "partner": "", "note": ""}]
    return [
        {
            "source": b.source,
            "amount": f"{b.amount:.2f}",
            "partner": b.partner.name if b.partner_id else "",
            "note": b.note,
        }
        for b in campaign.budget_lines.select_related("partner").order_by("id")
    ]


def partner_names() -> list[str]:
    """Names for the budget rows' suggestions: the partner registry's active partners."""
    from gonghui.partners import selectors as partner_selectors

    return partner_selectors.active_partner_names()
