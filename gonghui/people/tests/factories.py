"""Test data builders: real services, real database."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from gonghui.people import auth, services
from gonghui.people.demo import fake_id_number
from gonghui.people.models import RoleAssignment

PASSWORD = "Test-Passw0rd!"
_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


def make_staff(username: str, org, *roles: str):
    user = UserFactory(username=username)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role, org=org)
    return user


def superuser():
    return get_user_model().objects.filter(is_superuser=True).first() or UserFactory(
        username="root", is_superuser=True, is_staff=True
    )


def region_of(org) -> str:
    from gonghui.orgs.models import Org

    for code in reversed(org.path.strip("/").split("/")):
        found = Org.objects.get(code=code)
        if found.region_code and found.region_code != "110000":
            return found.region_code
    return "110101"


def worker_data(union_org, **overrides) -> dict:
    n = next(_seq)
    data = {
        "name": overrides.pop("name", f"测试{n}"),
        "id_number": fake_id_number(
            region_of(union_org), datetime.date(1985, 1, 1) + datetime.timedelta(days=n), n, "M"
        ),
        "phone": f"139{n:08d}",
        "employment_form": "courier",
        "union_org": union_org.code,
    }
    data.update(overrides)
    return data


def make_worker(union_org, **overrides):
    return services.create_worker(actor=superuser(), data=worker_data(union_org, **overrides))


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {auth.issue_token(user=user)}"}


def console_login(client, user):
    """Log ``user`` into the console; admins (who must use TOTP) as verified by a device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
