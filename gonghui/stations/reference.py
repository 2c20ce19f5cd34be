"""Seed station types and the standard amenity list (editable in the admin afterwards)."""

TYPES = [
    ("warm_station", "户外劳动者暖心驿站"),
    ("worker_home", "公共区域职工之家"),
    ("service_point", "职工服务站点"),
]

AMENITIES = [
    ("drinking_water", "饮用水"),
    ("hot_water", "热水"),
    ("microwave", "微波炉"),
    ("phone_charging", "手机充电"),
    ("ebike_charging", "电动车充电"),
    ("seating", "座椅休息"),
    ("toilet", "卫生间"),
    ("air_conditioning", "空调/取暖"),
    ("first_aid", "急救药箱"),
    ("umbrella", "爱心雨伞"),
    ("wifi", "无线网络"),
    ("reading", "阅读角"),
    ("consultation", "法律/心理咨询"),
]


def load_reference(StationType, Amenity) -> None:
    for order, (code, name) in enumerate(TYPES):
        StationType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for bit, (code, name) in enumerate(AMENITIES):
        Amenity.objects.get_or_create(code=code, defaults={"name": name, "bit": bit})
