"""Who calls the API: a bearer token (staff or worker) or the console's session. The project's
API (``gonghui/api.py``) takes both as its default authentication; open routes list them with
their anonymous fallback."""

from ninja.security import HttpBearer, SessionAuth

from .auth import resolve_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` for staff and workers."""

    def authenticate(self, request, token):
        api_token = resolve_token(token)
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
