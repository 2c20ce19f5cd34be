import datetime
import itertools

from django.utils import timezone

from gonghui.governance.models import ArrearsRule
from gonghui.hotline.models import Appeal, Category
from gonghui.hotline.tests.factories import make_appeal, make_operator

_phones = itertools.count(1)


def rule(**fields) -> ArrearsRule:
    """The one active rule (the migration's default, replaced), 欠薪 appeals."""
    ArrearsRule.objects.all().delete()
    r = ArrearsRule.objects.create(name="测试规则", **fields)
    r.categories.set(Category.objects.filter(code="LABOR-WAGE"))
    return r


def caller() -> str:
    return f"136{next(_phones):08d}"


def wage_appeal(operator, *, phone="", days_ago=0, **data) -> Appeal:
    """A 欠薪 appeal through the real intake; ``days_ago`` moves its receipt back."""
    data.setdefault("employer_name", "朝阳某物流配送站")
    appeal = make_appeal(operator, contact_phone=phone or caller(), **data)
    if days_ago:
        received = timezone.now() - datetime.timedelta(days=days_ago)
        Appeal.objects.filter(pk=appeal.pk).update(received_at=received)
        appeal.received_at = received
    return appeal


def operator(orgs):
    return make_operator(orgs["BJ"], "op_city")
