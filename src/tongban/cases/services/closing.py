"""Closing (办结), delivering the decision (送达, Art. 44) and voiding (作废)."""

from django.utils.translation import gettext as _

from tongban.accounts.models import StaffProfile
from tongban.cases import events
from tongban.cases.constants import Action, ClosingType, Status
from tongban.cases.models import Case
from tongban.cases.services._step import staff_step, text_require
from tongban.core import clock
from tongban.core.errors import Conflict

CLOSING_FOR = {
    Status.APPROVED: ClosingType.RESULT_ISSUED,
    Status.REFUSED: ClosingType.REFUSED,
    Status.NOT_ACCEPTED: ClosingType.NOT_ACCEPTED,
    Status.CORRECTION_REQUESTED: ClosingType.CORRECTION_NOT_SUPPLIED,
}

# Closings with a decision to hand over; the others have nothing to deliver.
DELIVERABLE = frozenset(
    {ClosingType.RESULT_ISSUED, ClosingType.REFUSED, ClosingType.NOT_ACCEPTED}
)


def case_close(*, case: Case, staff: StaffProfile, expected_version: int) -> Case:
    def work() -> events.Happened:
        case.closing_type = CLOSING_FOR[Status(case.status)]
        case.closed_at = clock.now()
        return events.closed(case)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.CLOSE,
        expected_version=expected_version,
        work=work,
    )


def case_deliver(
    *, case: Case, staff: StaffProfile, expected_version: int, proof: str
) -> Case:
    def work() -> events.Happened:
        if case.delivered_at is not None:
            raise Conflict("invalid_transition", _("已记录送达。"))
        if case.status == Status.CLOSED and case.closing_type not in DELIVERABLE:
            raise Conflict(
                "invalid_transition",
                _("该办件没有需要送达的决定（转办、作废或逾期未补正）。"),
            )
        case.delivery_proof = text_require(
            proof, "proof", _("请填写送达方式和凭证（如电子送达回执号、快递单号）。")
        )[:200]
        case.delivered_at = clock.now()
        on_time = case.delivery_due is None or clock.today() <= case.delivery_due
        return events.delivered(case, on_time=on_time)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.DELIVER,
        expected_version=expected_version,
        work=work,
    )


def case_void(
    *, case: Case, staff: StaffProfile, expected_version: int, reason: str
) -> Case:
    """Set aside a case that should never have been made, e.g. a duplicate."""

    def work() -> events.Happened:
        text = text_require(
            reason, "reason", _("请写明作废原因（如重复申请、误录入）。")
        )
        case.closing_type = ClosingType.VOIDED
        case.closed_at = clock.now()
        return events.voided(reason=text)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.VOID,
        expected_version=expected_version,
        work=work,
    )
