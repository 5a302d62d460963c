"""The security administrator's writes: a staff member's roles, a locked account opened.

`by` is the security administrator on a page, or None for the console (`tongban staff`),
whose operator holds the server anyway; either way the change is audited.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.constants import Permission
from tongban.accounts.models import LoginGuard, StaffProfile
from tongban.accounts.permissions import permission_require, roles_check
from tongban.audit.services import audit_record
from tongban.core import clock
from tongban.core.errors import Conflict, Forbidden


def _not_oneself(by: StaffProfile | None, member: StaffProfile) -> None:
    # Separation means nobody widens or narrows their own rights: a security
    # administrator who could make themself the auditor would audit their own work.
    if by is not None and by.pk == member.pk:
        raise Forbidden(
            "own_account", _("不能修改自己的角色或锁定状态，请由另一位安全管理员办理。")
        )


def staff_roles_set(
    *, by: StaffProfile | None, member: StaffProfile, roles: list[str]
) -> StaffProfile:
    """Give `member` exactly `roles` (`roles_check`: known, and 三员分立); audited
    `staff.roles_change` with the roles before and after."""
    if by is not None:
        permission_require(by, Permission.STAFF_ROLES_MANAGE)
    _not_oneself(by, member)
    roles = roles_check(roles)
    with transaction.atomic(durable=True):
        locked = StaffProfile.objects.select_for_update().get(pk=member.pk)
        before = list(locked.roles)
        if before == roles:
            return locked
        locked.roles = roles
        locked.save(update_fields=["roles"])
        audit_record(
            action="staff.roles_change",
            actor=by.user if by is not None else None,
            subject_type="staff",
            subject_id=locked.pk,
            data={"before": before, "after": roles},
        )
    member.roles = roles
    return member


def staff_unlock(*, by: StaffProfile | None, member: StaffProfile) -> None:
    """End the lock that failed logins put on `member`'s account (`limits.py`), and forget
    those failures; audited `account.unlocked`. 409 `not_locked` when it is not locked."""
    if by is not None:
        permission_require(by, Permission.STAFF_UNLOCK)
    _not_oneself(by, member)
    key = f"user:{member.user_id}"  # the key `limits._guard_key` gives an account
    with transaction.atomic(durable=True):
        guard = LoginGuard.objects.select_for_update().filter(key=key).first()
        if (
            guard is None
            or guard.locked_until is None
            or guard.locked_until <= clock.now()
        ):
            raise Conflict("not_locked", _("该账户没有被锁定。"))
        failures = guard.failures
        guard.delete()
        audit_record(
            action="account.unlocked",
            actor=by.user if by is not None else None,
            subject_type="user",
            subject_id=member.user_id,
            data={"failures": failures},
        )
