"""The applicant's own steps on a case: change a draft, supplement, withdraw."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.models import Person
from tongban.audit.services import audit_record
from tongban.cases import events
from tongban.cases.constants import Action, ClosingType, Status
from tongban.cases.deadlines import deadlines_compute
from tongban.cases.models import Case
from tongban.cases.services._step import (
    case_save,
    claimer,
    tell,
    tell_staff,
    transition_check,
)
from tongban.cases.services.apply import applicant_check, form_check
from tongban.core import clock
from tongban.core.errors import Conflict


def case_draft_update(*, case: Case, person: Person, form: dict[str, Any]) -> Case:
    applicant_check(case, person)
    if case.status != Status.DRAFT:
        raise Conflict("invalid_transition", _("只有草稿可以修改。"))
    with transaction.atomic(durable=True):
        case.form_data = form
        case_save(case)
    return case


def case_supplement(
    *, case: Case, person: Person, form: dict[str, Any] | None = None, note: str = ""
) -> Case:
    """The applicant answers a correction notice; the case is received again (Art. 32)."""
    applicant_check(case, person)
    transition_check(case, Action.SUPPLEMENT)
    new_form = form if form is not None else case.form_data
    form_check(case, new_form)
    with transaction.atomic(durable=True):
        before = case.status
        case.form_data = new_form
        case.status = Status.RECEIVED
        case.received_on = clock.today()
        deadlines_compute(case)
        case_save(case)
        events.event_record(
            case, events.supplemented(note=note), actor=person.user, before=before
        )
        asked = User.objects.filter(
            pk__in=case.events.filter(action=Action.REQUEST_CORRECTION).values(
                "actor_id"
            )
        )
        tell_staff(case, "staff.supplement", [*claimer(case), *asked])
        audit_record(
            action="case.supplement",
            actor=person.user,
            subject_type="case",
            subject_id=case.pk,
        )
    return case


def case_withdraw(*, case: Case, person: Person, reason: str = "") -> Case:
    applicant_check(case, person)
    transition_check(case, Action.WITHDRAW)
    with transaction.atomic(durable=True):
        before = case.status
        case.status = Status.WITHDRAWN
        case.closing_type = ClosingType.WITHDRAWN
        case.closed_at = clock.now()
        case_save(case)
        happened = events.withdrawn(reason=reason)
        events.event_record(case, happened, actor=person.user, before=before)
        tell(case, happened)
        tell_staff(case, "staff.withdraw", claimer(case))
        audit_record(
            action="case.withdraw",
            actor=person.user,
            subject_type="case",
            subject_id=case.pk,
        )
    return case
