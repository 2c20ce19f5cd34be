"""Standard service categories, loaded by a data migration and editable in the admin."""

CATEGORIES = [
    ("psych", "心理关爱"),
    ("legal", "法律服务"),
    ("women", "女职工"),
    ("skills", "技能培训"),
    ("jobs", "就业 春送岗位"),
    ("health", "健康体检"),
    ("culture_sports", "文体"),
    ("summer_cooling", "夏送清凉"),
    ("other", "其他"),
]


def load_categories(Category) -> None:
    for i, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": i})
