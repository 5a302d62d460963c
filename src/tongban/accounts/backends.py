"""Django's permissions of a staff member, from their roles: what the admin site asks."""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from tongban.accounts.permissions import django_permissions
from tongban.accounts.selectors import staff_of

_CACHE = "_tongban_role_permissions"


class StaffRoleBackend(BaseBackend):
    """`user.has_perm("workdays.change_calendaryear")` for a staff member: true when one of
    their roles' permissions opens it (`permissions.ADMIN_SITE_GRANTS`). Authenticates no
    one — staff log in with a password and a one-time code (`staff_login`) — and never
    reads Django's permission tables: roles are the one place rights are given."""

    def get_all_permissions(self, user_obj: Any, obj: object | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, _CACHE):
            setattr(user_obj, _CACHE, django_permissions(staff_of(user_obj)))
        return set(getattr(user_obj, _CACHE))

    def has_perm(self, user_obj: Any, perm: str, obj: object | None = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        prefix = f"{app_label}."
        return any(p.startswith(prefix) for p in self.get_all_permissions(user_obj))
