"""Who among staff may do what: one map of role → permissions that every staff page and
endpoint asks (`staff_may`, `permission_require`), and the rule of 三员分立.

等保 2.0 (GB/T 22239-2019) at level 3 asks for the least privilege each administrator
needs and their separation (8.1.4.2 d: "应授予管理用户所需的最小权限，实现管理用户的权限
分离"), and for the system, audit and security administrators to work each through their
own pages, every operation audited (8.1.5.1–8.1.5.3). So here:

- the three administrators' permissions are disjoint, and none of them handles cases or
  reads anyone's identity data;
- no account holds two of the three (`admin_roles_combined`), and the audit administrator
  holds no other role at all (`audit_admin_combined`): an auditor who also worked cases
  or ran the platform would be reading the record of their own work.

`roles_check` is the guard of every write of roles (`staff_create`, `staff_roles_set`);
the database refuses the same combinations (`StaffProfile`'s check constraint) and
`tongban check --database default` names any account that holds them (`checks.py`).
"""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.utils.translation import gettext as _

from tongban.accounts.constants import Permission
from tongban.accounts.models import StaffProfile
from tongban.catalog.constants import ADMINISTRATOR_ROLES, StaffRole
from tongban.core.errors import Forbidden, InvalidInput

P = Permission
_DEPARTMENT_WORK = frozenset({P.CASES_HANDLE, P.PERSONS_READ})

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    StaffRole.INTAKE_CLERK: _DEPARTMENT_WORK,
    StaffRole.REVIEWER: _DEPARTMENT_WORK,
    StaffRole.APPROVER: _DEPARTMENT_WORK,
    StaffRole.DEPARTMENT_HEAD: _DEPARTMENT_WORK | {P.SUPERVISION_DEPARTMENT},
    StaffRole.LICENCE_OFFICER: _DEPARTMENT_WORK,
    StaffRole.INSPECTOR: _DEPARTMENT_WORK,
    StaffRole.EXPERT: _DEPARTMENT_WORK,
    StaffRole.DEPARTMENT_ADMIN: _DEPARTMENT_WORK,
    StaffRole.SUPERVISOR: _DEPARTMENT_WORK | {P.SUPERVISION_ALL},
    # 8.1.5.1: the system's resources and how it runs — the catalogue, the calendar, jobs
    # and tasks (in the admin site); the console commands (`catalog load`, `tick`) are
    # theirs too, by whoever holds the server.
    StaffRole.SYSTEM_ADMIN: frozenset(
        {P.CATALOG_VIEW, P.CALENDAR_MANAGE, P.OPERATIONS_VIEW}
    ),
    # 8.1.5.3: the security policy, 对主体进行授权 — staff roles, locked accounts. 8.1.5.1
    # names 用户身份 among the system administrator's things; here an account is created
    # with its roles, which is authorisation, so both stay with the security administrator.
    StaffRole.SECURITY_ADMIN: frozenset({P.STAFF_ROLES_MANAGE, P.STAFF_UNLOCK}),
    # 8.1.5.2: the audit records — read, searched, verified — and nothing else.
    StaffRole.AUDIT_ADMIN: frozenset({P.AUDIT_READ}),
}

# What a permission opens in Django's admin site: per app label, the model actions
# ("view", "add", "change", "delete") on every model of that app. Read by
# `backends.StaffRoleBackend`; a permission not named here opens nothing there.
ADMIN_SITE_GRANTS: dict[Permission, dict[str, tuple[str, ...]]] = {
    P.CATALOG_VIEW: {"catalog": ("view",)},
    P.CALENDAR_MANAGE: {"workdays": ("view", "add", "change", "delete")},
    P.OPERATIONS_VIEW: {"ops": ("view",), "django_tasks_database": ("view",)},
}


def permissions_of(staff: StaffProfile | None) -> frozenset[Permission]:
    """Everything a staff member's roles allow (a role no longer known allows nothing)."""
    if staff is None:
        return frozenset()
    return frozenset().union(*(ROLE_PERMISSIONS.get(role, ()) for role in staff.roles))


def staff_may(staff: StaffProfile | None, permission: Permission) -> bool:
    return permission in permissions_of(staff)


def permission_require(staff: StaffProfile | None, permission: Permission) -> None:
    """403 `not_authorised` unless one of the staff member's roles allows `permission`."""
    if not staff_may(staff, permission):
        raise Forbidden(
            "not_authorised",
            _("您的角色不含此项权限：%(permission)s。")
            % {"permission": permission.label},
        )


def roles_with(permission: Permission) -> list[StaffRole]:
    return [StaffRole(r) for r, held in ROLE_PERMISSIONS.items() if permission in held]


def roles_problem(roles: Iterable[str]) -> str | None:
    """The code of what is wrong with holding `roles` together under 三员分立, or None."""
    held = set(roles)
    if len(held & ADMINISTRATOR_ROLES) > 1:
        return "admin_roles_combined"
    if StaffRole.AUDIT_ADMIN in held and len(held) > 1:
        return "audit_admin_combined"
    return None


def roles_check(roles: Iterable[str]) -> list[str]:
    """The roles, sorted and each once, if one account may hold them all; else 422."""
    held = sorted(set(roles))
    unknown = [role for role in held if role not in StaffRole.values]
    if unknown or not held:
        message = (
            _("未知角色：%(r)s") % {"r": ", ".join(unknown)}
            if unknown
            else _("工作人员至少要有一个角色。")
        )
        raise InvalidInput("invalid_roles", message, fields={"roles": message})
    problem = roles_problem(held)
    if problem == "admin_roles_combined":
        names = "、".join(
            str(StaffRole(r).label) for r in held if r in ADMINISTRATOR_ROLES
        )
        message = _(
            "系统管理员、安全管理员和审计管理员须由不同的人担任（三员分立），"
            "一个账户不能兼任：%(roles)s。"
        ) % {"roles": names}
        raise InvalidInput(problem, message, fields={"roles": message})
    if problem == "audit_admin_combined":
        message = _("审计管理员只查阅审计日志，不能兼任其他角色。")
        raise InvalidInput(problem, message, fields={"roles": message})
    return held


def django_permissions(staff: StaffProfile | None) -> frozenset[str]:
    """The Django permissions ("app_label.view_model") a staff member's roles open in the
    admin site (`ADMIN_SITE_GRANTS`)."""
    found: set[str] = set()
    for permission in permissions_of(staff):
        for label, actions in ADMIN_SITE_GRANTS.get(permission, {}).items():
            if label not in apps.app_configs:
                continue
            for model in apps.get_app_config(label).get_models():
                for action in actions:
                    codename = get_permission_codename(action, model._meta)
                    found.add(f"{label}.{codename}")
    return frozenset(found)
