"""A synthetic month with planted topics of known sizes, paraphrased, plus noise.

Each topic's texts are built from slots of synonyms and optional details, so no two need share
more than a couple of words; the noise appeals are about unrelated things, one each."""

import random

WAGE, INSURANCE, STATION, NEWFORM = "LABOR-WAGE", "LABOR-INSURANCE", "STATION", "NEWFORM"

# name: (category, size, employer or "", slots)
TOPICS = {
    "construction": (
        WAGE, 30, "",
        [
            ["", "朝阳", "通州", "大兴"],
            ["工地包工头", "建筑工地老板", "工地项目部", "施工队老板", "工地总包方"],
            ["拖欠", "一直拖欠", "克扣并拖欠", "欠着"],
            ["农民工工资", "我们农民工的工钱", "农民工的工资", "农民工劳务费和工资"],
            ["", "已经三个月", "快过年了还没发", "找了好几次都推脱", "说等甲方结款"],
        ],
    ),
    "restaurant": (
        WAGE, 20, "",
        [
            ["", "海淀", "西城"],
            ["饭店老板", "餐馆", "餐饮店", "连锁餐厅"],
            ["拖欠", "压着", "扣着不发"],
            ["服务员和后厨的工资", "后厨工资", "服务员两个月的工资"],
            ["", "店要关门了", "老板说营业额不好", "辞职后也不结算"],
        ],
    ),
    "courier_insurance": (
        INSURANCE, 12, "北京某某速递有限公司",
        [
            ["", "入职半年", "签约以后"],
            [
                "单位不给缴纳社保", "社保一直没交", "五险一金都没有", "医保断缴了",
                "说好的社保没有上",
            ],
            ["", "想知道怎么补缴", "生病看不了病", "要求补缴"],
        ],
    ),
    "station_heating": (
        STATION, 5, "",
        [
            ["望京", "酒仙桥", "三里屯"],
            ["暖心驿站", "户外劳动者驿站"],
            ["冬天没有暖气", "暖气不热", "暖气坏了没人修"],
            ["", "进去也很冷", "没法休息"],
        ],
    ),
}  # fmt: skip

NOISE = [
    (WAGE, "公司以疫情为由降薪一半，没有协商。"),
    (WAGE, "试用期结束后被辞退，押金不退。"),
    (WAGE, "年终奖说好发的，现在不认账了。"),
    (WAGE, "离职时加班费没有结清，计算方式有争议。"),
    (INSURANCE, "想咨询灵活就业人员怎么参加职工医保。"),
    (INSURANCE, "退休年龄怎么算，缴费年限够不够。"),
    (INSURANCE, "生育津贴迟迟没有到账。"),
    (INSURANCE, "异地转移养老保险关系办理流程。"),
    (STATION, "希望在回龙观新建一个驿站，方便快递员歇脚。"),
    (STATION, "驿站的微波炉坏了，饭热不了。"),
    (STATION, "驿站周末不开门，找不到地方喝水。"),
    (NEWFORM, "平台算法派单时间太紧，经常超时被罚款。"),
    (NEWFORM, "骑手被封号，申诉一直没有回音。"),
    (NEWFORM, "网约车司机抽成太高，想了解工会能不能帮忙。"),
    (NEWFORM, "外卖骑手入会流程是什么。"),
]


def texts(name: str, size: int | None = None, seed: int = 7) -> list[str]:
    """``size`` paraphrases for a planted topic (its planted size by default)."""
    rng = random.Random(f"{name}-{seed}")
    slots = TOPICS[name][3]
    out = []
    for _ in range(size if size is not None else TOPICS[name][1]):
        parts = [rng.choice(s) for s in slots]
        head, tail = "".join(parts[:-1]), parts[-1]
        out.append(f"{head}，{tail}。" if tail else f"{head}。")
    return out


def month_rows(category_ids: dict[str, int], *, sizes: dict | None = None, seed: int = 7):
    """Appeal rows (as ``hotline.selectors.month_appeals`` gives them) of a planted month:
    ``[(topic name or "noise", row)]``; ``sizes`` overrides the planted sizes."""
    sizes = sizes or {}
    out, n = [], 0
    for name, (category, size, employer, _slots) in TOPICS.items():
        for text in texts(name, sizes.get(name, size), seed):
            n += 1
            out.append((name, row(n, category_ids[category], text, employer)))
    for category, text in NOISE:
        n += 1
        out.append(("noise", row(n, category_ids[category], text, "")))
    random.Random(seed).shuffle(out)
    return out


def row(n: int, category_id: int, content: str, employer: str) -> dict:
    return {
        "id": n, "number": f"T{n}", "content": content, "category_id": category_id,
        "district_id": 1, "responsible_org_id": None, "employer_name": employer,
        "employer_credit_code": "", "received_at": None,
    }  # fmt: skip
