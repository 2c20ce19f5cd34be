"""Staff accounts and their role assignments."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from gonghui.orgs.selectors import get_by_code

from .models import RoleAssignment
from .roles import Role


def create_or_update_staff(
    *, username: str, password: str | None, org_code: str, roles: list[str], name: str = ""
):
    """Create the user (or add roles to an existing one) holding ``roles`` at ``org_code``.

    Raises ``ValueError`` with a readable message for bad input; the password must meet the
    policy (10+ characters, three character classes).
    """
    User = get_user_model()
    org = get_by_code(org_code)
    if org is None:
        raise ValueError(f"组织代码不存在：{org_code}")
    bad = [r for r in roles if r not in Role.values]
    if bad or not roles:
        raise ValueError(
            f"角色无效：{', '.join(bad) or '（未指定）'}；可选：{', '.join(Role.values)}"
        )
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise ValueError("新建账号须提供密码")
            user = User(username=username, first_name=name[:150])
        if password:
            validate_password(password, user)
            user.set_password(password)
        if Role.ADMIN in roles:
            user.is_staff = True  # may open the Django admin (still scoped and TOTP-verified)
        user.save()
        for role in roles:
            RoleAssignment.objects.get_or_create(user=user, role=role, org=org)
    return user
