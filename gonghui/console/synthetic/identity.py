"""Valid Chinese identifiers and names, drawn from a seeded ``random.Random``: 身份证号 (GB 11643
check digit by ``stdnum.cn.ric``, area code of the district, birth date, sex digit), mobile
numbers (``core.validators.normalize_phone``'s rule), 统一社会信用代码 (GB 32100 check character
by ``stdnum.cn.uscc``, with a GB 11714 organisation code inside). Plain Python: no Django."""

import datetime
import functools

from stdnum.cn import ric, uscc

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
# Weights: the most common surnames far ahead (王李张刘陈 ≈ 30 % of people).
SURNAME_WEIGHTS = [max(1, 60 - 3 * i) if i < 15 else 5 for i in range(len(SURNAMES))]
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华飞玉兰萍红鹏建国建华志强晓东海燕"
    "丹婷雪梅浩宇子涵欣怡梓萱一诺浩然宇轩俊杰佳怡思远文博嘉怡晨曦鑫悦雨泽"
)
GIVEN_CHARS = list(dict.fromkeys(GIVEN))

# Mainland mobile prefixes in use (China Mobile, Unicom, Telecom, virtual operators).
MOBILE_PREFIXES = [
    "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
    "172", "178", "182", "183", "184", "187", "188", "195", "197", "198", "130", "131", "132",
    "145", "155", "156", "166", "175", "176", "185", "186", "196", "133", "149", "153", "173",
    "177", "180", "181", "189", "190", "191", "193", "199", "170", "171",
]  # fmt: skip

# Where people were born when not in the district they work in (real county codes, known to
# stdnum's table): Hebei, Shandong, Henan, Shanxi, Heilongjiang, Anhui, Sichuan, Hubei…
OTHER_AREAS = [
    "130102", "130104", "130203", "130304", "130406", "130503", "130602", "130682", "130702",
    "130802", "130902", "131002", "131102", "370102", "370202", "370302", "370402", "370502",
    "370602", "370702", "370802", "410102", "410202", "410302", "410402", "410502", "140105",
    "140202", "230102", "230202", "340102", "340202", "510104", "510107", "420102", "420106",
    "120101", "120103", "210102", "220102", "150102", "610102", "320102", "330102",
]  # fmt: skip

# GB 11714 organisation code check digit: weights of the 8 body characters.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_DIGITS36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def person_name(rng) -> str:
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    n = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(n))


@functools.lru_cache(maxsize=500_000)
def name_keys(name: str) -> tuple[str, str]:
    """The worker's pinyin search keys, computed by people.services (cached: names repeat)."""
    from gonghui.people.services import name_pinyin

    return name_pinyin(name)


def mobile(rng) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# Districts whose code came into use late (县 → 区): people born before carry the old code.
LEGACY_AREAS = {
    "110111": ["110225"], "110112": ["110223"], "110113": ["110222"], "110114": ["110221"],
    "110115": ["110224"], "110116": ["110227"], "110117": ["110226"], "110118": ["110228"],
    "110119": ["110229"],
}  # fmt: skip
CITY_AREAS = ["110101", "110102", "110105", "110106", "110108"]  # in use since before 1966


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # (it ignores the last character)


class IdNumbers:
    """Unique 身份证号 that ``stdnum.cn.ric`` accepts: the area code is the first of the
    preferred ones that stdnum's table has in use in the birth year; a per (area, birth date,
    sex) sequence makes each number distinct by construction (positions 15–17: order code,
    odd for men)."""

    def __init__(self):
        self._next: dict[tuple[str, datetime.date, int], int] = {}
        self._years: dict[str, set[int]] = {}

    def years(self, area: str) -> set[int]:
        if area not in self._years:
            self._years[area] = {
                y for y in range(1950, 2011) if ric.is_valid(_with_check(f"{area}{y}0615001"))
            }
        return self._years[area]

    def make(self, rng, areas, born_from: datetime.date, born_to: datetime.date, sex: str):
        span = (born_to - born_from).days
        male = 1 if sex == "M" else 0
        for _attempt in range(10_000):
            birth = born_from + datetime.timedelta(days=rng.randrange(span + 1))
            area = next((a for a in areas if birth.year in self.years(a)), None)
            if area is None:
                continue
            key = (area, birth, male)
            k = self._next.get(key, rng.randrange(50))
            if k < 500:
                self._next[key] = k + 1
                break
        else:
            raise ValueError(f"no 身份证号 left for {areas} born {born_from}–{born_to}")
        return _with_check(f"{area}{birth:%Y%m%d}{2 * k + male:03d}"), birth


def areas_for(rng, region: str) -> list[str]:
    """Preferred area codes of a worker of the district ``region``: mostly born there (its
    code, or the old county code before it), else in another province."""
    local = [region, *LEGACY_AREAS.get(region, [])]
    if rng.random() < 0.6:
        return [*local, *CITY_AREAS]
    return [*rng.sample(OTHER_AREAS, 3), *local, *CITY_AREAS]


def org_code(serial: int) -> str:
    """A GB 11714 organisation code (8 digits + check character), distinct per serial
    below 10**8 (7919 is coprime with 10**8)."""
    body = f"{(serial * 7919 + 12345) % 10**8:08d}"
    total = sum(_DIGITS36.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(serial: int, region: str, kind: str = "1") -> str:
    """统一社会信用代码: 9 (market regulator) + kind (1 enterprise, 2 individual business) +
    the 6-digit region + the organisation code + the GB 32100 check character."""
    body = "9" + kind + region + org_code(serial)
    return body + uscc.calc_check_digit(body)


COMPANY_WORDS = [
    "华信", "鑫源", "恒通", "京顺", "宏达", "瑞丰", "博远", "中联", "东方", "金桥",
    "天成", "盛世", "新程", "安和", "嘉禾", "永兴", "汇通", "启明", "远航", "同创",
    "德润", "佳和", "万达", "合众", "正阳", "云帆", "锦程", "泰和", "兴业", "海纳",
]  # fmt: skip
COMPANY_KINDS = (
    ("物流有限公司", 14), ("商贸有限公司", 12), ("科技有限公司", 14), ("餐饮管理有限公司", 8),
    ("建筑工程有限公司", 8), ("物业管理有限公司", 10), ("环卫服务有限公司", 5),
    ("汽车服务有限公司", 4), ("家政服务有限公司", 5), ("医药连锁有限公司", 3),
    ("制造有限公司", 7), ("信息技术有限公司", 10),
)  # fmt: skip


def company_name(rng, serial: int, place: str) -> str:
    """A fictional company; the serial keeps names distinct."""
    kind = rng.choices([k for k, _w in COMPANY_KINDS], [w for _k, w in COMPANY_KINDS])[0]
    return f"北京{place}{rng.choice(COMPANY_WORDS)}{serial}{kind}"
