"""The console menu: each role sees the modules it can use (a permission anywhere in its
scope), in one list so templates never decide access themselves."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .scope import assignments, roles, scope_for

# (label, url name, permission or a callable(user) -> bool)
MODULES = [
    (_("组织"), "console:org-tree", "orgs.view"),
    (_("职工"), "console:worker-list", "workers.view"),
    (_("实名登记审核"), "registration:queue", "workers.confirm"),
    (_("个人信息删除申请"), "registration:deletion-queue", "workers.confirm"),
    (_("12351诉求"), "console:appeal-list", "hotline.view"),
    (_("欠薪预警"), "console-governance:warnings", "governance.view"),
    (_("每月一题"), "console-topics:list", "topics.view"),
    (_("驿站"), "console-stations:list", "stations.view"),
    (_("普惠服务"), "console-services:list", "services.view"),
    (_("免费体检"), "console-health:list", "health.view"),
    (_("伙伴计划"), "console-partners:list", "partners.view"),
    (_("困难职工帮扶"), "console-assistance:list", "assistance.view"),
    (_("帮扶活动"), "console-assistance:campaign-list", "campaigns.view"),
    (_("评选表彰"), "console-honors:list", "honors.view"),
    (_("服务清单"), "console-plans:list", "plans.view"),
    (
        _("社工工作台"),
        "console-socialwork:home",
        lambda user: (
            Role.SOCIAL_WORKER in roles(user)
            or bool(scope_for(user, "socialwork.workload"))
            or bool(scope_for(user, "socialwork.assign"))
        ),
    ),
    (_("数据看板"), "console-reports:dashboard", "reports.view"),
    (_("年度报告"), "console-reports:annual", "reports.view"),
    (_("审计日志"), "audit:search", lambda user: _can_search_audit(user)),
    (_("Open311接口密钥"), "console-open311:keys", lambda user: _federation_admin(user)),
]


def _federation_admin(user) -> bool:
    """The admin role at the root org (the keys of the Open311 interface, docs/open311.md);
    read from the cached assignments, no query."""
    return user.is_superuser or any(
        a.role == Role.ADMIN and a.org.parent_id is None and a.org.is_active
        for a in assignments(user)
    )


def _can_search_audit(user) -> bool:
    from .selectors import can_search_audit

    return can_search_audit(user)


def modules_for(user) -> list[dict]:
    """Menu entries ``{"label", "url"}`` the user may open."""
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    for label, url_name, rule in MODULES:
        allowed = rule(user) if callable(rule) else bool(scope_for(user, rule))
        if allowed:
            out.append({"label": label, "url": reverse(url_name)})
    return out


def console_nav(request):
    """Context processor: ``console_modules`` for base.html."""
    user = getattr(request, "user", None)
    return {"console_modules": (lambda: modules_for(user))}
