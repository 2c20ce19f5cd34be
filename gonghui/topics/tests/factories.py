import datetime

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.hotline.models import Appeal
from gonghui.hotline.tests.factories import make_appeal, make_operator
from gonghui.people.tests.factories import PASSWORD
from gonghui.topics import services

from . import planted

MONTH = datetime.date(2026, 3, 1)


def put(op, month, text, *, district="BJ-CY", category="LABOR-WAGE", employer="", day=10):
    """An appeal through the real intake, received on ``day`` of ``month``."""
    appeal = make_appeal(op, content=text, district=district, category=category,
                         employer_name=employer)  # fmt: skip
    at = timezone.make_aware(datetime.datetime(month.year, month.month, day, 10))
    Appeal.objects.filter(pk=appeal.pk).update(received_at=at)
    return appeal


def planted_month(orgs) -> dict:
    """March: construction wages 6 in 朝阳 + 2 in 海淀, restaurant wages 4 in 海淀, noise;
    February: construction wages 4 (朝阳). Builds March's topics."""
    op = make_operator(orgs["BJ"], "op_topics")
    for i, text in enumerate(planted.texts("construction", 8)):
        put(op, MONTH, text, district="BJ-CY" if i < 6 else "BJ-HD")
    for text in planted.texts("restaurant", 4, seed=1):
        put(op, MONTH, text, district="BJ-HD")
    for category, text in planted.NOISE[:3]:
        put(op, MONTH, text, category=category)
    for text in planted.texts("construction", 4, seed=3):
        put(op, datetime.date(2026, 2, 1), text)
    return services.build_topics(MONTH)


def verified_login(client, user):
    """Admins must pass TOTP before any console page."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    r = client.post(
        "/console/login/", {"username": user.username, "password": PASSWORD, "otp": code}
    )
    assert r.status_code == 302
    return client
