"""Who calls the API: a bearer token (staff or worker) or the console's session. The project's
API (``gonghui/api.py``) takes both as its default authentication; open routes list them with
their anonymous fallback."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .auth import _token_hash, resolve_token
from .models import ApiToken
from .scope import assignments
from .services import (
    TOKEN_CACHE_GENERATION,
    TOKEN_CACHE_GONE,
    TOKEN_CACHE_TTL,
    token_cache_key,
)


def cached_token(raw: str) -> ApiToken | None:
    """``auth.resolve_token`` with staff tokens kept in the cache (issue 14).

    A hit saves the token + user SELECT and the role-assignment SELECT (the user is cached
    with its assignments, ``scope.assignments``, and without its password hash, which stays
    deferred). Entries live ``TOKEN_CACHE_TTL`` (60) seconds and are dropped at once by the hooks
    in ``people/services.py``: the token deleted (logout, revoke), the user saved (deactivated,
    password changed), a role assignment saved or deleted, an org changed (a new generation).
    Changes that bypass ``save``/``delete`` (``QuerySet.update``) and, on a per-process locmem
    cache, changes made in another process show within the TTL. Expiry and the idle timeout
    are checked on every call, as ``resolve_token`` does. Worker tokens are not cached.
    The hooks leave a 5-second tombstone instead of deleting, and a fresh entry is stored
    with ``cache.add``, so a request that read the token just before its revocation cannot
    put it back afterwards.
    """
    if not raw:
        return None
    key = token_cache_key(_token_hash(raw))
    found = cache.get_many([key, TOKEN_CACHE_GENERATION])
    generation = found.get(TOKEN_CACHE_GENERATION, 0)
    entry = found.get(key)
    if entry is None or entry == TOKEN_CACHE_GONE or entry[0] != generation:
        token = resolve_token(raw)
        if token is not None and token.user_id and entry != TOKEN_CACHE_GONE:
            assignments(token.user)  # loaded now, so cached with the user
            # add, not set, for a fresh entry: a revocation that lands between our read and
            # this store has left a tombstone, which stays
            _store(key, generation, token, replace=entry is not None)
        return token
    token = entry[1]
    now = timezone.now()
    if token.expires_at <= now or token.last_used_at + settings.API_TOKEN_IDLE_TIMEOUT <= now:
        cache.delete(key)
        return None
    if now - token.last_used_at > timedelta(seconds=30):
        if not ApiToken.objects.filter(pk=token.pk).update(last_used_at=now):
            cache.delete(key)  # deleted behind the cache's back
            return None
        token.last_used_at = now
        _store(key, generation, token)
    return token


def _store(key: str, generation: int, token: ApiToken, *, replace: bool = True) -> None:
    user = token.user
    password = user.__dict__.pop("password", None)  # not in the cache: deferred there
    try:
        (cache.set if replace else cache.add)(key, (generation, token), TOKEN_CACHE_TTL)
    finally:
        if password is not None:
            user.password = password


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` for staff and workers."""

    def authenticate(self, request, token):
        api_token = cached_token(token)
        if api_token is None:
            return None
        if api_token.user_id:
            request.user = api_token.user
            request.worker_account = None
        else:
            request.worker_account = api_token.worker_account
        request.api_token = api_token
        return api_token


class ConsoleSessionAuth(SessionAuth):
    """The console's session (CSRF-checked), for htmx calls from staff pages.

    The CSRF check runs only when the session does log someone in: a request without a logged-in
    session carries no credentials to forge, so open routes serve plain HTTP clients and
    protected routes answer 401 instead of a CSRF 403.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.worker_account = None
        return user
