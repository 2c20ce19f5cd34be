import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .scope import assignments


def staff_required(view):
    """Console views: a logged-in, active staff user with at least one role."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_superuser or assignments(user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
