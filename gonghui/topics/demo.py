"""Demo 每月一题: calls on three recurring problems in the last two months (construction-site
wages, a courier station's social insurance, a cold rest station), the topics of both months
built, and the biggest of the earlier month adopted as 每月一题 by the admin, so its follow-up
shows. Idempotent (Idempotency-Keys; a month already adopted is not adopted again)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.hotline.demo import backdated_appeal

from . import selectors, services
from .models import MonthlyProblem, Topic

# (key, category, district, employer, text)
CALLS = [
    ("w1", "LABOR-WAGE", "BJ-TZ", "", "通州工地包工头拖欠农民工工资三个月了。"),
    ("w2", "LABOR-WAGE", "BJ-TZ", "", "工地项目部拖欠农民工工资，说等甲方结款。"),
    ("w3", "LABOR-WAGE", "BJ-DX", "", "大兴建筑工地老板拖欠农民工工资，快过年了还没发。"),
    ("w4", "LABOR-WAGE", "BJ-CY", "", "施工工地老板拖欠我们农民工的工资不给。"),
    ("w5", "LABOR-WAGE", "BJ-TZ", "", "工地总包方拖欠农民工劳务费和工资。"),
    ("w6", "LABOR-WAGE", "BJ-DX", "", "建筑工地拖欠农民工工资，找了好几次都推脱。"),
    ("i1", "LABOR-INSURANCE", "BJ-CY", "北京某某速递有限公司", "单位不给缴纳社保，要求补缴。"),
    ("i2", "LABOR-INSURANCE", "BJ-CY", "北京某某速递有限公司", "入职半年五险一金都没有。"),
    ("i3", "LABOR-INSURANCE", "BJ-CY", "北京某某速递有限公司", "医保断缴了，生病看不了病。"),
    ("i4", "LABOR-INSURANCE", "BJ-CY", "北京某某速递有限公司", "说好的社保没有上。"),
    ("s1", "STATION", "BJ-CY", "", "望京暖心驿站冬天没有暖气，太冷了。"),
    ("s2", "STATION", "BJ-CY", "", "酒仙桥暖心驿站冬天暖气不热。"),
    ("s3", "STATION", "BJ-CY", "", "三里屯暖心驿站冬天暖气坏了没人修。"),
    ("s4", "STATION", "BJ-CY", "", "暖心驿站冬天没有暖气，歇脚也冷。"),
]
# how many of CALLS[prefix] land in each month: (month before last, last month)
PER_MONTH = {"w": (6, 4), "i": (4, 4), "s": (0, 4)}


def load_topics() -> int:
    """The demo calls, both months' topics, one adoption; returns last month's topics."""
    User = get_user_model()
    operator = User.objects.get(username="hotline")
    last = selectors.last_month()
    before = selectors.previous_month(last)
    for m, month in enumerate((before, last)):
        for key, category, district, employer, text in CALLS:
            if int(key[1:]) > PER_MONTH[key[0]][m]:
                continue
            day = 3 + 2 * int(key[1:])
            at = timezone.make_aware(datetime.datetime(month.year, month.month, day, 10))
            backdated_appeal(
                operator,
                {
                    "type": "complaint", "category": category, "urgency": "normal",
                    "content": text, "district": district, "employer_name": employer,
                    "contact_name": "刘师傅", "contact_phone": f"1352100{m}{int(key[1:]):03d}",
                    "channel": "phone",
                },
                at,
                f"demo-topics-{month:%Y%m}-{key}",
            )  # fmt: skip
    services.build_topics(before)
    result = services.build_topics(last)
    earlier = Topic.objects.filter(month=before).order_by("rank")
    top = next((t for t in earlier if "农民工" in t.key_terms), earlier.first())
    if top is not None and not MonthlyProblem.objects.filter(topic__month=before).exists():
        services.adopt(
            user=User.objects.get(username="admin"),
            topic_id=top.pk,
            data={
                "title": "根治工地欠薪", "problem": "建筑工地拖欠农民工工资集中反映",
                "lead_org": "BJ", "deadline": timezone.localdate() + datetime.timedelta(days=90),
                "measures": [
                    {"text": "排查在建项目工资专用账户", "owner": "法律工作部"},
                    {"text": "约谈欠薪总包单位", "owner": "各区总工会"},
                ],
            },
        )  # fmt: skip
    return result["topics"]
