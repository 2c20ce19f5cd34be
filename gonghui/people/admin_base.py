"""Django admin for reference data: staff with the ``admin`` role, TOTP-verified, scoped. The
site set-up and the two bases every app's ``admin.py`` uses: ``ScopedAdmin`` (rows inside the
user's ``admin.site`` scope) and ``SuperuserOnlyAdmin`` (city-wide reference data)."""

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from gonghui.orgs.models import Org

from .scope import can, scope_for


def configure_admin_site(site):
    site.site_header = "工会职工服务平台 · 参考数据管理"
    site.site_title = "Gonghui admin"
    site.index_title = "参考数据"

    def has_permission(request):
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user.is_verified()
            and (user.is_superuser or can(user, "admin.site"))
        )

    def login(request, extra_context=None):
        return redirect(f"{reverse('console:login')}?next={request.get_full_path()}")

    site.has_permission = has_permission
    site.login = login


class ScopedAdmin(ModelAdmin):
    """Admin pages list and edit only rows inside the user's ``admin.site`` scope."""

    scope_field = ""  # lookup from the model to its Org ("" when the model is Org)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope_for(request.user, "admin.site").filter(qs, self.scope_field)

    def _role_ok(self, request):
        return request.user.is_superuser or can(request.user, "admin.site")

    def has_view_permission(self, request, obj=None):
        return self._role_ok(request)

    def has_change_permission(self, request, obj=None):
        return self._role_ok(request)

    def has_add_permission(self, request):
        return self._role_ok(request)

    def has_delete_permission(self, request, obj=None):
        return self._role_ok(request)

    def has_module_permission(self, request):
        return self._role_ok(request)

    def org_of(self, obj):
        """The org that decides whether ``obj`` may be saved by this user."""
        org = obj
        for part in self.scope_field.split("__") if self.scope_field else []:
            org = getattr(org, part)
        return org

    def save_model(self, request, obj, form, change):
        if not scope_for(request.user, "admin.site").contains(self.org_of(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class SuperuserOnlyAdmin(ModelAdmin):
    """City-wide reference data: editable by the federation's admins (admin role at the root)."""

    def _ok(self, request):
        root = Org.objects.filter(parent=None).first()
        return request.user.is_superuser or (
            root is not None and scope_for(request.user, "admin.site").contains(root)
        )

    def has_module_permission(self, request):
        return self._ok(request)

    def has_view_permission(self, request, obj=None):
        return self._ok(request)

    def has_add_permission(self, request):
        return self._ok(request)

    def has_change_permission(self, request, obj=None):
        return self._ok(request)

    def has_delete_permission(self, request, obj=None):
        return self._ok(request)
