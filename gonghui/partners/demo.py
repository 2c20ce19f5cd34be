"""Demo partners of 关爱职工伙伴计划: five Beijing partners with agreements, pledges and
contributions, some traced to the demo service projects (by title, when loaded) and to
campaign codes (which the campaign demo links to its campaigns). Idempotent: a partner whose
credit code exists is skipped."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import uscc

from gonghui.orgs.models import Org
from gonghui.services import selectors as service_selectors

from .models import Agreement, Contribution, Partner, Pledge, ProjectPartner


def credit_code(body: str) -> str:
    """A valid (synthetic) 统一社会信用代码 from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


# (name, type, credit-code body, signing org, contact, phone, description,
#  pledges [(kind, description, amount, quantity, unit)],
#  contributions [(pledge index or None, kind, amount, quantity, unit, description,
#                  project title or "", campaign_ref, days ago)])
PARTNERS = [
    ("某即时配送平台（北京）有限公司", "platform", "91110105MA00000A1", "BJ", "赵经理",
     "13900001111", "为外卖骑手、快递员提供体检、保险和暖心驿站服务。",
     [("money", "骑手关爱基金", Decimal("500000"), None, ""),
      ("services", "为新就业形态劳动者提供免费体检", Decimal("300000"), Decimal("1000"), "人次")],
     [(0, "money", Decimal("200000"), None, "", "首期拨付", "", "{year}-送温暖-BJ", 40),
      (1, "services", Decimal("90000"), Decimal("300"), "人次", "免费体检",
       "“新就业形态劳动者”心理关爱讲座（百场系列）", "", 20)]),
    ("北京某能源集团有限公司", "soe", "91110000100000001", "BJ", "钱处长", "010-64001234",
     "国有企业，长期支持夏送清凉和困难职工帮扶。",
     [("goods", "夏送清凉防暑物资", Decimal("120000"), Decimal("2000"), "箱")],
     [(0, "goods", Decimal("60000"), Decimal("1000"), "箱", "防暑降温饮品",
       "夏送清凉 进工地", "{year}-夏送清凉-BJ", 60)]),
    ("北京某科技股份有限公司", "private", "91110108MA00000B2", "BJ-HD", "孙女士",
     "13700002222", "民营企业，支持海淀区职工技能培训。",
     [("money", "技能培训资助", Decimal("80000"), None, "")],
     [(0, "money", Decimal("30000"), None, "", "培训场地与教材",
       "会员免费技能培训：电工入门", "", 15)]),
    ("北京某职工关爱基金会", "foundation", "53110000500000003", "BJ", "李秘书长",
     "13600003333", "基金会，资助困难职工子女金秋助学。",
     [("money", "金秋助学资助", Decimal("200000"), None, "")],
     [(0, "money", Decimal("100000"), None, "", "第一批助学金", "", "{year}-金秋助学-BJ", 90)]),
    ("北京某律师公益服务中心", "charity", "52110105500000004", "BJ-CY", "周律师",
     "13500004444", "公益组织，为职工提供免费法律咨询。",
     [("services", "免费法律咨询", None, Decimal("200"), "人次")],
     [(0, "services", Decimal("20000"), Decimal("40"), "人次", "工会律师咨询日坐班",
       "工会律师法律咨询日", "", 10)]),
]  # fmt: skip


def load_partners() -> int:
    """Create the demo partners once; returns how many were new."""
    admin = get_user_model().objects.filter(username="admin").first()
    today = timezone.localdate()
    created = 0
    for name, type_, body, org_code, contact, phone, desc, pledges, gifts in PARTNERS:
        code = credit_code(body)
        if Partner.objects.filter(credit_code=code).exists():
            continue
        created += 1
        partner = Partner.objects.create(
            name=name,
            type=type_,
            credit_code=code,
            union_org=Org.objects.get(code=org_code),
            contact_name=contact,
            contact_phone=phone,
            joined_on=today.replace(month=1, day=1) - datetime.timedelta(days=180),
            description=desc,
            created_by=admin,
        )
        Agreement.objects.create(
            partner=partner,
            title=f"关爱职工伙伴计划合作协议（{name}）",
            signed_on=partner.joined_on,
            valid_until=partner.joined_on.replace(year=partner.joined_on.year + 3),
        )
        made = [
            Pledge.objects.create(
                partner=partner,
                kind=kind,
                description=text,
                amount=amount,
                quantity=quantity,
                unit=unit,
                year=today.year,
            )
            for kind, text, amount, quantity, unit in pledges
        ]
        for index, kind, amount, quantity, unit, text, title, campaign, days in gifts:
            day = max(today - datetime.timedelta(days=days), today.replace(month=1, day=1))
            project = service_selectors.project_titled(title) if title else None
            if project is not None:  # the project names the partner as 合作单位 too
                ProjectPartner.objects.get_or_create(project=project, partner=partner)
            Contribution.objects.create(
                partner=partner,
                pledge=made[index] if index is not None else None,
                kind=kind,
                amount=amount,
                quantity=quantity,
                unit=unit,
                description=text,
                contributed_on=day,
                project=project,
                campaign_ref=campaign.format(year=today.year),
                created_by=admin,
            )
    return created
