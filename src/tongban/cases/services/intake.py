"""Intake (受理): a correction notice, acceptance, refusal to accept — and acceptance by
law when the correction window passed with no notice (行政许可法 Art. 32)."""

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.models import StaffProfile
from tongban.cases import events
from tongban.cases.constants import Action, DocumentKind, Status
from tongban.cases.deadlines import deadlines_compute, iso
from tongban.cases.models import Case
from tongban.cases.services._step import (
    accept_by_law,
    document_issue,
    staff_step,
    text_require,
)
from tongban.core import clock
from tongban.core.errors import Conflict, InvalidInput


def case_request_correction(
    *, case: Case, staff: StaffProfile, expected_version: int, items: list[str]
) -> Case:
    """一次性告知: one notice lists everything missing or faulty; there is no second one."""

    def work() -> events.Happened:
        if case.events.filter(action=Action.REQUEST_CORRECTION).exists():
            raise Conflict(
                "correction_already_sent",
                _("补正通知已经发出过；补正通知须一次性告知全部内容，不能再发。"),
            )
        listed = [item.strip() for item in items if item.strip()]
        if not listed:
            message = _("请逐项列出需要补正的全部材料和内容。")
            raise InvalidInput("invalid_input", message, fields={"items": message})
        document = document_issue(case, DocumentKind.CORRECTION, {"items": listed})
        return events.correction_requested(items=listed, document=document)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.REQUEST_CORRECTION,
        expected_version=expected_version,
        work=work,
    )


def case_accept(*, case: Case, staff: StaffProfile, expected_version: int) -> Case:
    def work() -> events.Happened:
        case.accepted_on = clock.today()
        deadlines_compute(case)
        document = document_issue(
            case,
            DocumentKind.ACCEPTANCE,
            {
                "accepted_on": iso(case.accepted_on),
                "legal_deadline": iso(case.legal_deadline),
                "promised_deadline": iso(case.promised_deadline),
            },
        )
        return events.accepted(case, document=document)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.ACCEPT,
        expected_version=expected_version,
        work=work,
    )


def case_refuse_intake(
    *, case: Case, staff: StaffProfile, expected_version: int, reason: str
) -> Case:
    def work() -> events.Happened:
        text = text_require(reason, "reason", _("请写明不予受理的理由。"))
        document = document_issue(
            case,
            DocumentKind.NON_ACCEPTANCE,
            {"reason": text},
        )
        return events.intake_refused(case, reason=text, document=document)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.REFUSE_INTAKE,
        expected_version=expected_version,
        work=work,
    )


def accept_by_law_due() -> int:
    """Accept every case whose correction window passed with no notice (Art. 32): accepted
    from the day it was received. Idempotent; the scheduler runs it."""
    today = clock.today()
    count = 0
    due = Case.objects.filter(status=Status.RECEIVED, correction_due__lt=today)
    for case_id in due.values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            case = Case.objects.select_related("version", "department", "item").get(
                pk=case_id
            )
            if accept_by_law(case):
                count += 1
    return count
