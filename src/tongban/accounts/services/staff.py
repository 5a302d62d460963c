"""Staff: accounts, TOTP enrolment, logging in, reading identity data (audited)."""

import datetime as dt
import secrets
from dataclasses import dataclass

import pyotp
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.constants import Permission
from tongban.accounts.models import Person, StaffProfile
from tongban.accounts.permissions import permission_require, roles_check
from tongban.accounts.services._common import _bad_credentials
from tongban.accounts.services.limits import (
    _attempt_allow,
    _attempt_failed,
    _attempt_succeeded,
    _guard_key,
)
from tongban.audit.services import audit_record
from tongban.catalog.models import Department
from tongban.core import clock, protect
from tongban.core.errors import Conflict, InvalidInput, NotAuthenticated


def staff_create(
    *,
    username: str,
    email: str,
    password: str,
    department: Department,
    roles: list[str],
    totp_secret: str = "",
) -> StaffProfile:
    """A staff member of `department` with `roles`, which one account may hold together
    (`permissions.roles_check`: known, and 三员分立)."""
    roles = roles_check(roles)
    # Not durable: the demo data (`demo.py`) creates its staff inside its own transaction.
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, email=email, password=password, is_staff=False
        )
        profile = StaffProfile.objects.create(
            user=user, department=department, roles=roles
        )
        if totp_secret:
            profile.totp_encrypted = protect.encrypt(totp_secret, context="staff.totp")
            profile.totp_confirmed_at = clock.now()
            profile.save()
        audit_record(
            action="staff.create",
            subject_type="staff",
            subject_id=profile.pk,
            data={"department": department.pk, "roles": profile.roles},
        )
    return profile


def _totp(profile: StaffProfile) -> pyotp.TOTP:
    return pyotp.TOTP(protect.decrypt(profile.totp_encrypted, context="staff.totp"))


def staff_totp_begin(profile: StaffProfile) -> str:
    """A new secret for an authenticator app; answers its provisioning URI."""
    if profile.totp_confirmed_at is not None:
        raise Conflict("totp_enrolled", _("已绑定动态口令。"))
    secret = pyotp.random_base32()
    profile.totp_encrypted = protect.encrypt(secret, context="staff.totp")
    profile.save(update_fields=["totp_encrypted"])
    return pyotp.TOTP(secret).provisioning_uri(
        name=profile.user.get_username(), issuer_name="tongban"
    )


def staff_totp_pending_uri(profile: StaffProfile) -> str:
    """The provisioning URI of the secret being enrolled, to show it again after a typo."""
    return _totp(profile).provisioning_uri(
        name=profile.user.get_username(), issuer_name="tongban"
    )


def _totp_accept(profile: StaffProfile, code: str) -> bool:
    """A code of the current or neighbouring 30-second step, never the same step twice."""
    if not profile.totp_encrypted:
        return False
    totp = _totp(profile)
    moment = clock.now()
    for drift in (0, -1, 1):
        at = moment + dt.timedelta(seconds=30 * drift)
        step = int(at.timestamp()) // 30
        if step > profile.totp_last_step and secrets.compare_digest(
            totp.at(at), code.strip()
        ):
            StaffProfile.objects.filter(pk=profile.pk).update(totp_last_step=step)
            profile.totp_last_step = step
            return True
    return False


def staff_totp_confirm(profile: StaffProfile, code: str) -> StaffProfile:
    if not _totp_accept(profile, code):
        raise InvalidInput("invalid_totp", _("动态口令不正确。"))
    profile.totp_confirmed_at = clock.now()
    profile.save(update_fields=["totp_confirmed_at"])
    audit_record(
        action="staff.totp_enrol",
        actor=profile.user,
        subject_type="staff",
        subject_id=profile.pk,
    )
    return profile


@dataclass(frozen=True)
class StaffLogin:
    user: User
    needs_enrolment: bool


def staff_login(
    *, username: str, password: str, totp: str, client_address: str
) -> StaffLogin:
    """Password plus a time-based one-time code; a staff member without one must enrol.

    Five failures lock the account for 15 minutes (等保 2.0), audited; failures count
    against the client address too (`limits.py`).
    """
    profile = (
        StaffProfile.objects.select_related("user")
        .filter(user__username=username, user__is_active=True)
        .first()
    )
    # Only a staff account is counted as one: a person's user named here is a stranger's
    # spelling, never a reason to lock that person out.
    user = profile.user if profile is not None else None
    key = _guard_key(user=user, spelling="staff:" + username)
    _attempt_allow(key=key, staff=True, client_address=client_address)
    if user is None:
        User().set_password(password)  # the hashing time of a real check, as applicants
    if user is None or profile is None or not user.check_password(password):
        _attempt_failed(key=key, staff=True, user=user, client_address=client_address)
        raise _bad_credentials()
    if profile.totp_confirmed_at is None:
        _attempt_succeeded(key)
        return StaffLogin(user=user, needs_enrolment=True)
    if not _totp_accept(profile, totp):
        _attempt_failed(key=key, staff=True, user=user, client_address=client_address)
        raise NotAuthenticated("invalid_totp", _("动态口令不正确。"))
    _attempt_succeeded(key)
    audit_record(
        action="staff.login", actor=user, subject_type="staff", subject_id=profile.pk
    )
    return StaffLogin(user=user, needs_enrolment=False)


# --- staff reading identity data ---------------------------------------------------------


def person_identity_read(
    *, staff: StaffProfile, person: Person, reason: str, reveal: bool = False
) -> dict[str, str]:
    """Staff read someone's identity data: always with a reason, always audited; only a
    role of a department's work may (`persons.read`: never an administrator)."""
    permission_require(staff, Permission.PERSONS_READ)
    if not reason.strip():
        message = _("查看他人身份信息须填写事由。")
        raise InvalidInput("reason_required", message, fields={"reason": message})
    data = {
        "name": person.name,
        "doc_type": person.doc_type,
        "doc_number": person.doc_number if reveal else person.doc_masked,
        "phone": person.phone_masked,
    }
    audit_record(
        action="identity.reveal" if reveal else "identity.read",
        actor=staff.user,
        subject_type="person",
        subject_id=person.pk,
        reason=reason.strip(),
        data={"department": staff.department_id},
    )
    return data
