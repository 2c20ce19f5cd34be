"""The seed appeal taxonomy (two levels). Admins edit the live one in the Django admin."""

TAXONOMY = [
    ("LABOR", "劳动关系", [
        ("LABOR-WAGE", "欠薪"),
        ("LABOR-CONTRACT", "劳动合同"),
        ("LABOR-INSURANCE", "社保"),
        ("LABOR-INJURY", "工伤"),
        ("LABOR-HOURS", "加班休假"),
    ]),
    ("LEGAL", "法律援助", []),
    ("HARDSHIP", "困难帮扶", []),
    ("PSYCH", "心理咨询", []),
    ("STATION", "驿站与职工之家", []),
    ("MEMBER", "会员服务", []),
    ("NEWFORM", "新就业形态权益", []),
    ("OTHER", "其他", []),
]  # fmt: skip


def load_categories(Category) -> None:
    """Create missing seed categories; ``Category`` is the model (real or historical)."""
    for order, (code, name, children) in enumerate(TAXONOMY):
        top, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
        for child_order, (child_code, child_name) in enumerate(children):
            Category.objects.get_or_create(
                code=child_code,
                defaults={"name": child_name, "parent": top, "sort_order": child_order},
            )
