"""Demo caseload for the social worker ``cy_social`` (朝阳社工): two registered hardship files
at 朝阳 assigned to them (one with its visit overdue) and the runner of some 朝阳 sessions.

Call after ``load_staff``, ``load_workers``, ``load_projects`` and ``load_hardship``.
Idempotent: does nothing once ``cy_social`` has files or sessions."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from gonghui.assistance import selectors as assistance_selectors
from gonghui.services import selectors as services_selectors

SOCIAL_WORKER = "cy_social"
FILES = 2


def _register_cy_files(admin, count: int) -> list:
    """Open and register ``count`` files for 朝阳 workers who have none (through the real
    workflow: apply, verify, approve, 公示 ended, concluded)."""
    from gonghui.assistance import services, services_flow
    from gonghui.assistance.demo import load_reference
    from gonghui.assistance.models import Application, HardshipFile
    from gonghui.people.models import Worker

    load_reference()
    taken = HardshipFile.objects.values("primary_worker_id")
    workers = Worker.objects.filter(union_org__path__startswith="/BJ/BJ-CY/").exclude(pk__in=taken)
    files = []
    for worker in workers.order_by("id")[:count]:
        app = services.submit_entry(
            worker=worker,
            user=admin,
            data={
                "annual_income": "30000",
                "expenses": {"medical": "8000"},
                "causes": ["illness"],
                "members": [],
            },
        )
        for action in ("verify", "approve"):
            services_flow.transition(
                user=admin,
                application_id=app.pk,
                action=action,
                **({"visit_notes": "入户核实：家庭情况属实"} if action == "verify" else {}),
            )
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        Application.objects.filter(pk=app.pk).update(publicity_end=yesterday)
        services_flow.conclude_expired_publicity()
        files.append(HardshipFile.objects.get(pk=app.file_id))
    return files


def load_socialwork() -> int:
    """Give ``cy_social`` a caseload; returns how many files and sessions were assigned."""
    from gonghui.assistance import services_flow
    from gonghui.services import services as services_app

    from . import services

    users = get_user_model().objects
    admin = users.filter(username="admin").first()
    social = users.filter(username=SOCIAL_WORKER).first()
    if admin is None or social is None:
        return 0
    if assistance_selectors.assigned_files(admin, contact=social).exists():
        return 0
    if services_selectors.sessions_run(admin, runner=social).exists():
        return 0
    done = 0
    for i, file in enumerate(_register_cy_files(admin, FILES)):
        services.assign_file(user=admin, file_id=file.pk, social_worker_id=social.pk)
        done += 1
        if i == 0:  # a visit long ago: the next one is overdue
            services_flow.record_visit(
                user=admin,
                file_id=file.pk,
                visited_on=timezone.localdate() - datetime.timedelta(days=400),
                notes="上门走访，了解就医情况",
            )
    from gonghui.services.models import Session

    upcoming = Session.objects.filter(
        project__organiser__path__startswith="/BJ/BJ-CY/",
        starts_at__gte=timezone.now(),
        runner__isnull=True,
    ).order_by("starts_at", "id")[:3]
    for session in upcoming:
        services_app.update_session(user=admin, session=session, data={"runner": social.pk})
        done += 1
    return done + _accept_appeals(social)


def _accept_appeals(social, count: int = 2) -> int:
    """签收 a few 朝阳 appeals waiting for a handler, as the social worker would."""
    from gonghui.hotline import selectors as hotline_selectors
    from gonghui.hotline import services as hotline_services
    from gonghui.hotline.models import Status

    visible = hotline_selectors.visible_appeals(social)
    waiting = visible.filter(
        status=Status.DISPATCHED, responsible_org__path__startswith="/BJ/BJ-CY/"
    ).order_by("received_at")[:count]
    for appeal in waiting:
        hotline_services.perform_action(
            actor=social, appeal_id=appeal.pk, action="accept", params={}, visible=visible
        )
    return len(waiting)
