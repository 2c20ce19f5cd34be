"""Staff roles and what each may do: the single table every permission check reads.

Who may do what is ``PERMISSIONS`` below (permission -> roles); docs/roles.md explains it in
words. Two rules keep the roles true to their names, and the tests in
``people/tests/test_permission_table.py`` check them for every permission, so a new one is
covered the day it is added:

- a permission is a *read* (``READ_PERMISSIONS``: it lets one look, never change anything)
  or a *write* (everything else);
- a read-only role (``READ_ONLY_ROLES``: ``leader`` and any future ``*viewer*``) holds reads
  only, and every API write answered to it is a 4xx — but for the leader's own decisions
  (``LEADER_DECISIONS``: adopting a 每月一题), which only the leader holds among them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    LEADER = "leader", _("领导（只读）")
    HOTLINE_OPERATOR = "hotline_operator", _("热线接线员")
    CASE_HANDLER = "case_handler", _("承办人员")
    SOCIAL_WORKER = "social_worker", _("工会社会工作者")
    STATION_MANAGER = "station_manager", _("驿站管理员")
    AID_OFFICER = "aid_officer", _("帮扶干部")
    HOSPITAL_STAFF = "hospital_staff", _("合作医院人员")


ALL_ROLES = frozenset(Role)

# permission -> roles that hold it. A role held at an org grants the permission over that
# org's whole subtree and nowhere else (see scope.py).
PERMISSIONS: dict[str, frozenset[str]] = {
    "orgs.view": ALL_ROLES,
    "workers.view": ALL_ROLES,
    "workers.create": frozenset(
        {Role.ADMIN, Role.HOTLINE_OPERATOR, Role.CASE_HANDLER, Role.SOCIAL_WORKER, Role.AID_OFFICER}
    ),
    # 实名登记 queue: confirm stated membership, link or reject registrations matching a record
    "workers.confirm": frozenset(
        {Role.ADMIN, Role.CASE_HANDLER, Role.SOCIAL_WORKER, Role.AID_OFFICER}
    ),
    "workers.import": frozenset({Role.ADMIN, Role.SOCIAL_WORKER, Role.AID_OFFICER}),
    # Full 身份证号: people who must identify the worker for aid, files or legal help.
    "workers.reveal_id_number": frozenset(
        {Role.ADMIN, Role.CASE_HANDLER, Role.SOCIAL_WORKER, Role.AID_OFFICER}
    ),
    # Full phone: also the hotline, which calls workers back.
    "workers.reveal_phone": frozenset(
        {
            Role.ADMIN,
            Role.HOTLINE_OPERATOR,
            Role.CASE_HANDLER,
            Role.SOCIAL_WORKER,
            Role.AID_OFFICER,
        }
    ),
    "admin.site": frozenset({Role.ADMIN}),
    # 12351 hotline. Viewing covers appeals that happened in, or were dispatched to, the scope.
    "hotline.view": frozenset(
        {Role.ADMIN, Role.LEADER, Role.HOTLINE_OPERATOR, Role.CASE_HANDLER, Role.SOCIAL_WORKER}
    ),
    "hotline.intake": frozenset({Role.ADMIN, Role.HOTLINE_OPERATOR}),
    # dispatch / re-dispatch, approve extensions, callback, reopen, close, merge, supervise
    "hotline.dispatch": frozenset({Role.ADMIN, Role.HOTLINE_OPERATOR}),
    # accept, contact, resolve, return, request extension — at the responsible org
    # (专职工会社会工作者 take 12351 cases at street and district unions, like case handlers)
    "hotline.handle": frozenset({Role.ADMIN, Role.CASE_HANDLER, Role.SOCIAL_WORKER}),
    "hotline.reveal_contact": frozenset({Role.ADMIN, Role.HOTLINE_OPERATOR, Role.CASE_HANDLER}),
    "hotline.metrics": frozenset(
        {Role.ADMIN, Role.LEADER, Role.HOTLINE_OPERATOR, Role.CASE_HANDLER}
    ),
    # 主动治理: 欠薪预警 go to the district union where the appeals happened; acknowledged
    # (签收) and closed (销号) there by the people who handle 12351 cases
    "governance.view": frozenset(
        {Role.ADMIN, Role.LEADER, Role.HOTLINE_OPERATOR, Role.CASE_HANDLER, Role.SOCIAL_WORKER}
    ),
    "governance.handle": frozenset({Role.ADMIN, Role.CASE_HANDLER, Role.SOCIAL_WORKER}),
    # 每月一题: the month's topics (read by leaders and the people who handle 12351 cases);
    # adopting one, its measures and states, and recomputing a month: a leader's decision
    # (issue 15: "a leader adopts a topic"), the one write the leader role holds
    # (LEADER_DECISIONS), and the admins who enter it for them
    "topics.view": frozenset(
        {Role.ADMIN, Role.LEADER, Role.HOTLINE_OPERATOR, Role.CASE_HANDLER, Role.SOCIAL_WORKER}
    ),
    "topics.adopt": frozenset({Role.ADMIN, Role.LEADER}),
    # 驿站 / 职工之家
    "stations.view": ALL_ROLES,
    "stations.manage": frozenset({Role.ADMIN, Role.STATION_MANAGER}),
    # approve opening/closing a station (the level above the station manager)
    "stations.review": frozenset({Role.ADMIN}),
    # 普惠服务项目: the catalog, sessions, rosters, attendance and person-time statistics
    "services.view": frozenset(
        {Role.ADMIN, Role.LEADER, Role.SOCIAL_WORKER, Role.AID_OFFICER, Role.STATION_MANAGER}
    ),
    "services.manage": frozenset({Role.ADMIN, Role.SOCIAL_WORKER}),
    # publish / unpublish: held at an org strictly above the project's organiser
    "services.review": frozenset({Role.ADMIN, Role.SOCIAL_WORKER}),
    # free health checks: programmes, quotas, hospitals and slots; completion at hospitals
    "health.view": frozenset({Role.ADMIN, Role.LEADER, Role.SOCIAL_WORKER, Role.HOSPITAL_STAFF}),
    "health.manage": frozenset({Role.ADMIN, Role.SOCIAL_WORKER}),
    "health.complete": frozenset({Role.ADMIN, Role.HOSPITAL_STAFF}),
    # 困难职工帮扶: the hardship registry. A file's org is the grassroots union holding it;
    # verification happens there, review at the street/district union above it (a reviewer's
    # scope must contain the file org's parent), like service-project review.
    "assistance.view": frozenset({Role.ADMIN, Role.LEADER, Role.SOCIAL_WORKER, Role.AID_OFFICER}),
    "assistance.apply": frozenset({Role.ADMIN, Role.SOCIAL_WORKER, Role.AID_OFFICER}),
    "assistance.verify": frozenset({Role.ADMIN, Role.AID_OFFICER}),
    "assistance.review": frozenset({Role.ADMIN, Role.AID_OFFICER}),
    # household income, health causes and documents in full (masked otherwise), audited
    "assistance.reveal": frozenset({Role.ADMIN, Role.AID_OFFICER}),
    # aid campaigns (送温暖, 金秋助学, …) and their disbursement
    "campaigns.view": frozenset({Role.ADMIN, Role.LEADER, Role.AID_OFFICER}),
    "campaigns.manage": frozenset({Role.ADMIN, Role.AID_OFFICER}),
    "campaigns.approve": frozenset({Role.ADMIN, Role.AID_OFFICER}),
    # 关爱职工伙伴计划
    "partners.view": frozenset({Role.ADMIN, Role.LEADER, Role.SOCIAL_WORKER, Role.AID_OFFICER}),
    "partners.manage": frozenset({Role.ADMIN, Role.AID_OFFICER}),
    # 评选表彰: programmes are set up by the organising union; lower unions nominate; review,
    # 公示 and award happen one level up (the reviewer's scope contains the nominator's parent).
    "honors.view": frozenset({Role.ADMIN, Role.LEADER, Role.SOCIAL_WORKER, Role.AID_OFFICER}),
    "honors.nominate": frozenset({Role.ADMIN, Role.SOCIAL_WORKER, Role.AID_OFFICER}),
    "honors.manage": frozenset({Role.ADMIN}),
    # 年度职工服务清单: read by everyone who works to it; written by the plan's union
    "plans.view": ALL_ROLES - {Role.HOSPITAL_STAFF},
    "plans.manage": frozenset({Role.ADMIN}),
    # figures for manual indicators, with evidence; approved by the plan's union
    "plans.report": frozenset(
        {Role.ADMIN, Role.SOCIAL_WORKER, Role.AID_OFFICER, Role.STATION_MANAGER}
    ),
    "plans.approve": frozenset({Role.ADMIN}),
    # leaders' dashboards, the 数据大屏 and the annual report
    "reports.view": frozenset({Role.ADMIN, Role.LEADER}),
    # 专职工会社会工作者: assigning files and reading workload per social worker
    "socialwork.assign": frozenset({Role.ADMIN, Role.AID_OFFICER}),
    "socialwork.workload": frozenset({Role.ADMIN, Role.LEADER}),
}

# Roles that may look but never change anything (any role named "*viewer*" belongs here),
# except, for the leader, the decisions that are a leader's by definition (LEADER_DECISIONS).
READ_ONLY_ROLES = frozenset({Role.LEADER})

# The writes a leader holds: adopting a month's hot topic as 每月一题 and following it through
# (its measures and states). Nothing else a leader does changes anything.
LEADER_DECISIONS = frozenset({"topics.adopt"})

# Permissions that only let one look. Every other permission changes something and must not
# be held by a read-only role.
READ_PERMISSIONS = frozenset(
    {
        "orgs.view",
        "workers.view",
        "hotline.view",
        "hotline.metrics",
        "governance.view",
        "topics.view",
        "stations.view",
        "services.view",
        "health.view",
        "assistance.view",
        "campaigns.view",
        "partners.view",
        "honors.view",
        "plans.view",
        "reports.view",
        "socialwork.workload",
    }
)

# Roles that must use TOTP as a second factor.
TOTP_REQUIRED_ROLES = frozenset({Role.ADMIN})

REVEALABLE_WORKER_FIELDS = {
    "id_number": "workers.reveal_id_number",
    "phone": "workers.reveal_phone",
}
