"""Demo organisation tree: Beijing's federation, districts, industries, streets, grassroots."""

from pypinyin import Style, lazy_pinyin

from .models import Org, OrgType

CITY = ("BJ", "北京市总工会", "110000")

# (code, name, region code, streets/townships)
DISTRICTS = [
    ("BJ-DC", "东城区总工会", "110101", ["东华门街道", "景山街道", "交道口街道", "和平里街道"]),
    ("BJ-XC", "西城区总工会", "110102", ["西长安街街道", "新街口街道", "金融街街道", "德胜街道"]),
    (
        "BJ-CY",
        "朝阳区总工会",
        "110105",
        ["建外街道", "朝外街道", "呼家楼街道", "望京街道", "酒仙桥街道"],
    ),
    ("BJ-FT", "丰台区总工会", "110106", ["丰台街道", "卢沟桥街道", "方庄街道"]),
    ("BJ-SJS", "石景山区总工会", "110107", ["八宝山街道", "鲁谷街道", "古城街道"]),
    ("BJ-HD", "海淀区总工会", "110108", ["中关村街道", "海淀街道", "学院路街道", "上地街道"]),
    ("BJ-MTG", "门头沟区总工会", "110109", ["大峪街道", "城子街道", "永定镇"]),
    ("BJ-FS", "房山区总工会", "110111", ["拱辰街道", "良乡镇", "长阳镇"]),
    ("BJ-TZ", "通州区总工会", "110112", ["北苑街道", "新华街道", "永顺镇", "梨园镇"]),
    ("BJ-SY", "顺义区总工会", "110113", ["胜利街道", "光明街道", "后沙峪镇"]),
    ("BJ-CP", "昌平区总工会", "110114", ["城北街道", "回龙观街道", "天通苑北街道"]),
    ("BJ-DX", "大兴区总工会", "110115", ["兴丰街道", "黄村镇", "西红门镇"]),
    ("BJ-HR", "怀柔区总工会", "110116", ["泉河街道", "龙山街道", "怀柔镇"]),
    ("BJ-PG", "平谷区总工会", "110117", ["滨河街道", "兴谷街道", "平谷镇"]),
    ("BJ-MY", "密云区总工会", "110118", ["鼓楼街道", "果园街道", "溪翁庄镇"]),
    ("BJ-YQ", "延庆区总工会", "110119", ["儒林街道", "百泉街道", "延庆镇"]),
]
ZONE = ("BJ-JK", "北京经济技术开发区总工会", "", ["荣华街道", "博兴街道"])
INDUSTRIES = [
    ("BJ-JYGH", "北京市教育工会"),
    ("BJ-WJGH", "北京市卫生健康工会"),
    ("BJ-JTGH", "北京市交通运输工会"),
    ("BJ-KDGH", "北京市快递行业工会联合会"),
]
GRASSROOTS_KINDS = ["物流配送站", "商贸有限公司", "环卫服务中心"]


def _initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).upper()


def _stem(street: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if street.endswith(suffix) and len(street) > len(suffix) + 1:
            return street[: -len(suffix)]
    return street


def _upsert(code, **fields) -> Org:
    org = Org.objects.filter(code=code).first()
    if org is None:
        org = Org(code=code)
    changed = org.pk is None
    parent = fields.pop("parent")
    if org.parent_id != (parent.pk if parent else None):
        org.parent = parent
        changed = True
    for key, value in fields.items():
        if getattr(org, key) != value:
            setattr(org, key, value)
            changed = True
    if changed:
        org.save()
    return org


def load_orgs() -> dict[str, Org]:
    """Create or update the demo tree; safe to run any number of times."""
    city = _upsert(CITY[0], name=CITY[1], region_code=CITY[2], type=OrgType.CITY, parent=None)
    out = {city.code: city}
    for order, (code, name, region, streets) in enumerate([*DISTRICTS, ZONE]):
        kind = OrgType.ZONE if code == "BJ-JK" else OrgType.DISTRICT
        district = _upsert(
            code, name=name, region_code=region, type=kind, parent=city, sort_order=order
        )
        out[code] = district
        seen: set[str] = set()
        for s_order, street in enumerate(streets):
            s_code = f"{code}-{_initials(_stem(street))}"
            while s_code in seen:
                s_code += "X"
            seen.add(s_code)
            s_type = OrgType.TOWNSHIP if street.endswith(("镇", "乡")) else OrgType.STREET
            street_org = _upsert(
                s_code,
                name=f"{street}总工会" if s_type == OrgType.TOWNSHIP else f"{street}工会",
                type=s_type,
                parent=district,
                sort_order=s_order,
            )
            out[s_code] = street_org
            for g_order, kind_name in enumerate(GRASSROOTS_KINDS[: 2 if s_order else 3]):
                g_code = f"{s_code}-{g_order + 1:03d}"
                out[g_code] = _upsert(
                    g_code,
                    name=f"{_stem(street)}{kind_name}工会",
                    type=OrgType.GRASSROOTS,
                    parent=street_org,
                    sort_order=g_order,
                )
    for order, (code, name) in enumerate(INDUSTRIES, start=100):
        out[code] = _upsert(code, name=name, type=OrgType.INDUSTRY, parent=city, sort_order=order)
    return out
