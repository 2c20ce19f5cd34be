"""Demo 欠薪预警: recent 欠薪 calls about two employers (four workers of one 朝阳 courier station;
three calls from one cook about a 海淀 restaurant), then the scan raises their warnings.
Idempotent (the calls carry Idempotency-Keys; the scan updates rather than repeats)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.hotline import services as hotline

from . import services

CALLS = [
    # (key, district, employer, caller, days ago, text)
    ("a1", "BJ-CY", "快送配送望京站", "13520000001", 12, "站点拖欠两个月工资，站长不接电话。"),
    ("a2", "BJ-CY", "快送配送望京站", "13520000002", 9, "和同事一起被拖欠工资，约十人。"),
    ("a3", "BJ-CY", "快送配送 望京站", "13520000003", 5, "配送站欠薪，押金也不退。"),
    ("a4", "BJ-CY", "快送配送望京站", "13520000004", 2, "欠薪已经三个月，站点要关门了。"),
    ("b1", "BJ-HD", "海淀某某餐饮店", "13520000010", 20, "饭店拖欠后厨工资。"),
    ("b2", "BJ-HD", "海淀某某餐饮店", "13520000010", 11, "再次反映：工资仍未发放。"),
    ("b3", "BJ-HD", "海淀某某餐饮店", "13520000010", 3, "第三次来电，老板说下个月再说。"),
]  # fmt: skip


def load_warnings() -> int:
    """The demo calls and one scan; returns the warnings raised."""
    operator = get_user_model().objects.get(username="hotline")
    now = timezone.now()
    for key, district, employer, phone, days_ago, text in CALLS:
        hotline.create_appeal(
            actor=operator,
            data={
                "type": "complaint", "category": "LABOR-WAGE", "urgency": "normal",
                "content": text, "district": district, "employer_name": employer,
                "contact_name": "王师傅", "contact_phone": phone, "channel": "phone",
                "received_at": (now - datetime.timedelta(days=days_ago)).isoformat(),
            },
            idempotency_key=f"demo-arrears-{key}",
        )  # fmt: skip
    return services.scan_arrears(now)["created"]
