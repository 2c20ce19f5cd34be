"""Writing the audit trail. Every full read of personal data goes through ``record``; every
state change of a registered model is written by ``track_state``'s signals."""

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import models, router, transaction
from django.db.models.signals import post_save, pre_save

from .models import STATE_CHANGE, AuditLog


def client_ip(request) -> str | None:
    """The client's address. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (nginx in front of
    gunicorn) it is taken from X-Forwarded-For, counting from the right so a client cannot
    forge it; otherwise REMOTE_ADDR."""
    if request is None:
        return None
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(chain) >= hops:
            candidate = chain[-hops]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor,
    action: str,
    obj,
    fields=(),
    reason: str = "",
    request=None,
    source: str = "",
) -> AuditLog:
    """Append one audit row. ``actor`` is a staff user, a worker account or None (system)."""
    user = actor if getattr(actor, "_meta", None) and actor._meta.model_name == "user" else None
    label = getattr(actor, "get_username", lambda: str(actor or "system"))()
    if request is not None:
        # an audited request read or changed personal data: its response is never cached
        # (core.nostore.NoStoreAuditedMiddleware)
        request.audited = True
    if not source and request is not None:
        source = f"{request.method} {request.path}"[:200]
    return AuditLog.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=",".join(fields)[:200],
        reason=reason[:500],
        source=source[:200],
        ip_address=client_ip(request),
    )


# --- state changes -------------------------------------------------------------------------------
# Every change of a tracked status/state field becomes one AuditLog row (action "state_change",
# fields = the field, reason = "old→new"; creation is ""→initial), written by the model signals
# below in the same transaction as the save. Apps register their state machines in
# AppConfig.ready() with ``track_state``; a queryset ``update()`` bypasses signals, so the code
# doing one calls ``record_states`` next to it. Who acted comes from ``AuditActorMiddleware``
# (the request's staff user or worker account) or ``acting_as`` (tasks, commands); else "system".

SYSTEM = "system"
ANONYMOUS = "anonymous"

_actor: ContextVar = ContextVar("gonghui_audit_actor", default=None)
_tracked: dict[type[models.Model], tuple[str, ...]] = {}
_actor_resolvers: list = []
_OLD = "_gonghui_state_audit"


class _RequestActor:
    """Whoever the request turns out to be: the API authenticates inside the view, after the
    middleware, so the actor is looked up when a row is written."""

    __slots__ = ("request",)

    def __init__(self, request):
        self.request = request


class AuditActorMiddleware:
    """Makes the request's user (or worker account) the actor of its state changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(_RequestActor(request))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


@contextmanager
def acting_as(actor):
    """State changes inside the block are recorded as done by ``actor``: a staff user, a worker
    account or a label such as ``"task:hardship_tick"`` (tasks, management commands)."""
    token = _actor.set(actor if actor is not None else SYSTEM)
    try:
        yield
    finally:
        _actor.reset(token)


def register_actor_resolver(fn) -> None:
    """A later app tells core how to find a request's actor beyond ``request.user`` and the API's
    ``request.worker_account`` (the worker app's session): ``fn(request)`` → actor or None."""
    if fn not in _actor_resolvers:
        _actor_resolvers.append(fn)


def _request_actor(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    account = getattr(request, "worker_account", None)
    if account is not None:
        return account
    for resolve in _actor_resolvers:
        found = resolve(request)
        if found is not None:
            return found
    return ANONYMOUS


def current_actor() -> tuple[object, object]:
    """``(actor, request)``: the innermost ``acting_as`` or request, else ``("system", None)``."""
    value = _actor.get()
    if isinstance(value, _RequestActor):
        return _request_actor(value.request), value.request
    return (value if value is not None else SYSTEM), None


def _actor_fields(actor) -> tuple[object, str]:
    """The user FK (staff only) and an unambiguous label without personal data."""
    meta = getattr(actor, "_meta", None)
    if meta is None:
        return None, str(actor)[:150]
    if meta.label == settings.AUTH_USER_MODEL:
        return actor, actor.get_username()[:150]
    return None, f"{meta.label_lower}:{actor.pk}"[:150]


def _state_row(model, pk, field: str, old, new, actor, request) -> AuditLog:
    user, label = _actor_fields(actor)
    return AuditLog(
        actor=user,
        actor_label=label,
        action=STATE_CHANGE,
        object_type=model._meta.label_lower,
        object_id=str(pk),
        fields=field,
        reason=f"{'' if old is None else old}→{'' if new is None else new}"[:500],
        source=f"{request.method} {request.path}"[:200] if request is not None else "",
        ip_address=client_ip(request),
    )


def track_state(model, field: str = "status") -> None:
    """Audit every change of ``model.<field>`` saved through ``Model.save`` (creation too)."""
    model = model._meta.concrete_model
    model._meta.get_field(field)  # a typo fails at start-up, not silently
    if field not in _tracked.get(model, ()):
        _tracked[model] = (*_tracked.get(model, ()), field)
    pre_save.connect(_before_save, dispatch_uid="gonghui.core.audit.state.pre")
    post_save.connect(_after_save, dispatch_uid="gonghui.core.audit.state.post")


def tracked_states() -> dict[type[models.Model], tuple[str, ...]]:
    """The registered models and their state fields."""
    return dict(_tracked)


def record_states(model, pks, *, old: str, new: str, field: str = "status", using=None) -> int:
    """Audit rows for a queryset ``update()`` (or ``bulk_create``) that moved the rows ``pks``
    of ``model`` from ``old`` to ``new``; signals do not fire for those, so call this next to
    it, in the same transaction. Returns the number of rows written."""
    model = model._meta.concrete_model
    if field not in _tracked.get(model, ()):
        raise ValueError(f"{model._meta.label}.{field} is not registered with track_state")
    actor, request = current_actor()
    rows = [_state_row(model, pk, field, old, new, actor, request) for pk in pks]
    AuditLog.objects.using(using or router.db_for_write(AuditLog)).bulk_create(rows, 500)
    return len(rows)


def update_states(queryset, *, new: str, field: str = "status") -> int:
    """``queryset.update(<field>=new)`` that is audited: the rows are locked and their old values
    read first, then changed and one row per change written, in one transaction. Returns the
    number of rows changed (rows already at ``new`` are left alone)."""
    model = queryset.model._meta.concrete_model
    if field not in _tracked.get(model, ()):
        raise ValueError(f"{model._meta.label}.{field} is not registered with track_state")
    with transaction.atomic(using=queryset.db):
        rows = queryset.select_for_update(of=("self",)).values_list("pk", field)
        changed = [(pk, old) for pk, old in rows if old != new]
        for i in range(0, len(changed), 500):  # bounded IN lists on both databases
            chunk = [pk for pk, _old in changed[i : i + 500]]
            queryset.filter(pk__in=chunk).update(**{field: new})
        actor, request = current_actor()
        audit = [_state_row(model, pk, field, old, new, actor, request) for pk, old in changed]
        AuditLog.objects.using(queryset.db).bulk_create(audit, 500)
    return len(changed)


def _before_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    fields = _tracked.get(sender._meta.concrete_model)
    if not fields or raw:  # raw: loaddata replays stored rows, nobody changes them
        return
    if update_fields is not None:
        fields = tuple(f for f in fields if f in update_fields)
        if not fields:
            return
    # The value in the database, not one remembered at load time: refresh_from_db, a second
    # save of the same instance and a row changed meanwhile would all make that one stale.
    old = None
    if instance.pk is not None:
        old = sender._base_manager.using(using).filter(pk=instance.pk).values(*fields).first()
    instance.__dict__[_OLD] = (fields, old or {})


def _after_save(sender, instance, created, raw=False, using=None, **kwargs):
    pending = instance.__dict__.pop(_OLD, None)
    if pending is None:
        return
    fields, old = pending
    rows = _change_rows(sender, instance, fields, {} if created else old)
    if rows:
        AuditLog.objects.using(using).bulk_create(rows)


def creation_rows(instance) -> list[AuditLog]:
    """The audit rows ``Model.save`` would write for creating ``instance``, for rows inserted
    without it (``core.batch.NewRows``): one per tracked state field not left blank."""
    fields = _tracked.get(type(instance)._meta.concrete_model)
    return _change_rows(type(instance), instance, fields, {}) if fields else []


def _change_rows(model, instance, fields, old: dict) -> list[AuditLog]:
    actor, request = current_actor()
    rows = []
    for field in fields:
        before = old.get(field, "")
        after = getattr(instance, field)
        after = "" if after is None else str(after)
        if str(before) != after:  # creation in a blank state is no state change
            rows.append(_state_row(model, instance.pk, field, before, after, actor, request))
    return rows
