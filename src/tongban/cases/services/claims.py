"""Claiming a case (认领) so colleagues see who works on it, and releasing it."""

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.models import StaffProfile
from tongban.cases import events
from tongban.cases.models import Case
from tongban.cases.services._step import case_save
from tongban.core.errors import Conflict, NotFound


def case_claim(*, case: Case, staff: StaffProfile) -> Case:
    if staff.department_id != case.department_id:
        raise NotFound("not_found", _("未找到。"))
    with transaction.atomic(durable=True):
        if case.claimed_by_id not in (None, staff.user_id):
            raise Conflict("conflict", _("该办件已被其他人认领。"))
        case.claimed_by = staff.user
        case_save(case)
        events.event_record(
            case, events.claimed(), actor=staff.user, before=case.status
        )
    return case


def case_release(*, case: Case, staff: StaffProfile) -> Case:
    if staff.department_id != case.department_id:
        raise NotFound("not_found", _("未找到。"))
    with transaction.atomic(durable=True):
        if case.claimed_by_id != staff.user_id:
            raise Conflict("conflict", _("该办件不是由您认领的。"))
        case.claimed_by = None
        case_save(case)
        events.event_record(
            case, events.released(), actor=staff.user, before=case.status
        )
    return case
