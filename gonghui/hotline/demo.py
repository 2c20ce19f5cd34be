"""Demo appeals in every state, so the console queues and charts have something to show."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import Appeal
from .selectors import visible_appeals

CONTENTS = {
    "LABOR-WAGE": "外卖站点拖欠两个月工资，站长联系不上。",
    "LABOR-CONTRACT": "快递公司不签劳动合同，只签承揽协议。",
    "LABOR-INSURANCE": "单位未给缴纳社保，想了解如何补缴。",
    "LABOR-INJURY": "送餐途中摔伤，平台说不算工伤。",
    "LABOR-HOURS": "环卫岗位节假日加班没有加班费。",
    "LEGAL": "被公司辞退，想申请工会法律援助。",
    "HARDSHIP": "家人重病，生活困难，申请帮扶。",
    "STATION": "望京附近的暖心驿站晚上关门太早。",
    "MEMBER": "如何加入工会？新就业形态劳动者可以入会吗？",
    "NEWFORM": "平台算法派单时间太紧，经常超时被罚款。",
}
DISTRICTS = ["BJ-CY", "BJ-HD", "BJ-DC", "BJ-XC", "BJ-FT", "BJ-TZ", "BJ-DX", "BJ-CP"]
# how far each demo appeal gets
PATHS = [
    [],
    ["dispatch"],
    ["dispatch", "accept"],
    ["dispatch", "accept", "contact"],
    ["dispatch", "accept", "contact", "resolve"],
    ["dispatch", "accept", "contact", "resolve", "callback"],
    ["dispatch", "accept", "contact", "resolve", "callback", "close"],
    ["dispatch", "return"],
]


def load_appeals(count: int = 48) -> int:
    """Create ``count`` demo appeals (idempotent: keyed by an Idempotency-Key)."""
    User = get_user_model()
    operator = User.objects.get(username="hotline")
    rng = random.Random(12351)  # noqa: S311 - demo data
    codes = list(CONTENTS)
    now = timezone.now()
    created = 0
    for i in range(count):
        code = codes[i % len(codes)]
        path = PATHS[i % len(PATHS)]
        # handled demo appeals arrived recently (their actions happen now, on time);
        # the untouched ones are spread over four weeks and show up as overdue.
        days_ago = rng.randrange(0, 28) if len(path) < 2 else 0
        received = now - datetime.timedelta(days=days_ago, hours=rng.randrange(1, 20))
        appeal, is_new = services.create_appeal(
            actor=operator,
            data={
                "type": "consultation"
                if code == "MEMBER"
                else "complaint"
                if i % 5 == 0
                else "help",
                "category": code,
                "urgency": "urgent" if i % 11 == 0 else "normal",
                "content": CONTENTS[code],
                "district": DISTRICTS[i % len(DISTRICTS)],
                "contact_name": "张师傅" if i % 2 else "李女士",
                "contact_phone": f"135{i:08d}",
                "channel": "phone" if i % 3 else "web",
                "received_at": received.isoformat(),
            },
            idempotency_key=f"demo-{i}",
        )
        if not is_new:
            continue
        created += 1
        handler = _handler_for(appeal)
        for action in path:
            actor = operator if action in ("dispatch", "callback", "close") else handler
            if actor is None:
                break
            params = {
                "note": "已电话联系诉求人" if action == "contact" else "已协调解决",
                "reason": "不属于本单位职责",
                "contacted": True,
                "resolved": rng.choice(["resolved", "resolved", "partly", "unresolved"]),
                "satisfaction": rng.choice(
                    ["satisfied", "satisfied", "basically_satisfied", "unsatisfied"]
                ),
            }
            services.perform_action(
                actor=actor, appeal_id=appeal.pk, action=action, params=params,
                visible=visible_appeals(actor),
            )  # fmt: skip
            appeal.refresh_from_db()
            handler = handler or _handler_for(appeal)
    return created


def _handler_for(appeal: Appeal):
    """The demo case handler for the appeal's district, if there is one."""
    User = get_user_model()
    name = {"BJ-CY": "cy_handler", "BJ-HD": "hd_handler"}.get(appeal.district.code)
    return User.objects.filter(username=name).first() if name else None
