"""Time limits: the one extension (延期, Art. 42), special procedures whose time is not
counted (特别程序, Art. 45), and deadlines left pending for a missing calendar year."""

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.models import StaffProfile
from tongban.cases import events
from tongban.cases.constants import Action, DocumentKind, SpecialProcedureKind
from tongban.cases.deadlines import deadlines_compute, iso, limit_of
from tongban.cases.models import Case, SpecialProcedure
from tongban.cases.services._step import (
    case_save,
    document_issue,
    staff_step,
    text_require,
)
from tongban.core import clock
from tongban.core.errors import Conflict, InvalidInput

MAX_LIMIT_DAYS = 3650


def case_extend(
    *, case: Case, staff: StaffProfile, expected_version: int, reason: str
) -> Case:
    def work() -> events.Happened:
        if case.extended:
            raise Conflict("invalid_transition", _("审查期限只能延长一次。"))
        legal = limit_of(case, "legal_limit")
        if not legal or legal[1] != "working_days":
            raise Conflict(
                "invalid_transition",
                _("该事项的法定期限不按工作日计，不能按第四十二条延长。"),
            )
        text = text_require(reason, "reason", _("请写明延长期限的理由，将告知申请人。"))
        case.extended = True
        deadlines_compute(case)
        document = document_issue(
            case,
            DocumentKind.EXTENSION,
            {"reason": text, "legal_deadline": iso(case.legal_deadline)},
        )
        return events.extended(case, reason=text, document=document)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.EXTEND,
        expected_version=expected_version,
        work=work,
    )


def case_special_start(
    *,
    case: Case,
    staff: StaffProfile,
    expected_version: int,
    kind: str,
    reason: str,
    basis: str,
    limit_days: int | None = None,
) -> Case:
    def work() -> events.Happened:
        if kind not in SpecialProcedureKind.values:
            message = _("请选择特别程序的种类。")
            raise InvalidInput("invalid_input", message, fields={"kind": message})
        if limit_days is not None and not 1 <= limit_days <= MAX_LIMIT_DAYS:
            message = _("特别程序的期限请填写天数（1 至 3650）。")
            raise InvalidInput("invalid_input", message, fields={"limit_days": message})
        if case.special_procedures.filter(ended_on__isnull=True).exists():
            raise Conflict("invalid_transition", _("已有进行中的特别程序，请先结束。"))
        procedure = SpecialProcedure.objects.create(
            case=case,
            kind=kind,
            reason=text_require(reason, "reason", _("请写明特别程序的理由。")),
            basis=text_require(basis, "basis", _("请写明特别程序的法律依据。")),
            started_on=clock.today(),
            limit_days=limit_days or None,
        )
        document = document_issue(
            case,
            DocumentKind.SPECIAL_PROCEDURE,
            {
                "kind": kind,
                "reason": procedure.reason,
                "basis": procedure.basis,
                "started_on": iso(procedure.started_on),
            },
        )
        deadlines_compute(case)
        return events.special_started(procedure=procedure, document=document)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.SPECIAL_START,
        expected_version=expected_version,
        work=work,
    )


def case_special_end(
    *, case: Case, staff: StaffProfile, expected_version: int, result: str
) -> Case:
    def work() -> events.Happened:
        procedure = case.special_procedures.filter(ended_on__isnull=True).first()
        if procedure is None:
            raise Conflict("invalid_transition", _("没有进行中的特别程序。"))
        procedure.ended_on = clock.today()
        procedure.result = text_require(result, "result", _("请填写特别程序的结果。"))
        procedure.save(update_fields=["ended_on", "result"])
        deadlines_compute(case)
        return events.special_ended(case, procedure=procedure)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.SPECIAL_END,
        expected_version=expected_version,
        work=work,
    )


def _deadlines_of(case: Case) -> tuple[object, ...]:
    return (
        case.deadline_pending_year,
        case.correction_due,
        case.legal_deadline,
        case.promised_deadline,
    )


def deadlines_pending_recompute() -> int:
    """After an administrator adds a missing calendar year, compute pending deadlines; the
    number of cases whose deadlines are all known now. A case some of whose deadlines
    still wait (for the year after) keeps those it now has, pending on that year."""
    count = 0
    for case in Case.objects.filter(deadline_pending_year__isnull=False).select_related(
        "version"
    ):
        with transaction.atomic(durable=True):
            before = _deadlines_of(case)
            deadlines_compute(case)
            if _deadlines_of(case) != before:
                case_save(case)
            if case.deadline_pending_year is None:
                events.event_record(
                    case,
                    events.deadlines_computed(case),
                    actor=None,
                    before=case.status,
                )
                count += 1
    return count
