"""Review and decision (审查, 决定): the reviewer's opinion, then approval or refusal by
someone else (审批分离)."""

from django.utils.translation import gettext as _

from tongban.accounts.models import StaffProfile
from tongban.cases import events
from tongban.cases.constants import Action, DocumentKind
from tongban.cases.deadlines import delivery_due, iso
from tongban.cases.machine import role_for
from tongban.cases.models import Case, CaseDocument
from tongban.cases.services._step import (
    department_staff,
    document_issue,
    staff_step,
    tell_staff,
    text_require,
    workflow_of,
)
from tongban.catalog.constants import WorkflowStep
from tongban.core import clock
from tongban.core.errors import Forbidden, InvalidInput

RECOMMENDATIONS = ("approve", "refuse")


def case_review(
    *,
    case: Case,
    staff: StaffProfile,
    expected_version: int,
    opinion: str,
    recommend: str,
) -> Case:
    """The reviewer's opinion and the recommendation they chose — approve or refuse,
    never implied; a refusal's opinion is its reasons. The approver reads both."""

    def work() -> events.Happened:
        if recommend not in RECOMMENDATIONS:
            message = _("请选择审查建议：建议准予许可或建议不予许可。")
            raise InvalidInput("invalid_input", message, fields={"recommend": message})
        required = (
            _("建议不予许可的，请在审查意见中写明理由。")
            if recommend == "refuse"
            else _("请填写审查意见。")
        )
        text = text_require(opinion, "opinion", required)
        return events.reviewed(opinion=text, recommend=recommend)

    def tell_approvers() -> None:
        approvers = department_staff(
            case.department_id, role_for(WorkflowStep.DECIDE, workflow_of(case))
        )
        others = [user for user in approvers if user.pk != staff.user_id]
        tell_staff(case, "staff.reviewed", others)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.REVIEW,
        expected_version=expected_version,
        work=work,
        after=tell_approvers,
    )


def _decider_check(case: Case, staff: StaffProfile) -> None:
    """审批分离: whoever reviewed the case does not decide it (checked before anything)."""
    reviewers = set(
        case.events.filter(action=Action.REVIEW).values_list("actor_id", flat=True)
    )
    if staff.user_id in reviewers:
        raise Forbidden(
            "not_authorised", _("同一办件的审查人不能作出决定（审批分离）。")
        )


def _decide(case: Case, kind: str, extra: dict[str, str]) -> CaseDocument:
    case.decided_on = clock.today()
    case.delivery_due = delivery_due(case)
    return document_issue(case, kind, {"decided_on": iso(case.decided_on), **extra})


def case_approve(*, case: Case, staff: StaffProfile, expected_version: int) -> Case:
    def work() -> events.Happened:
        _decider_check(case, staff)
        document = _decide(case, DocumentKind.APPROVAL, {})
        return events.approved(case, document=document)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.APPROVE,
        expected_version=expected_version,
        work=work,
    )


def case_refuse(
    *, case: Case, staff: StaffProfile, expected_version: int, reason: str
) -> Case:
    def work() -> events.Happened:
        _decider_check(case, staff)
        text = text_require(reason, "reason", _("请写明不予许可的理由。"))
        document = _decide(
            case,
            DocumentKind.REFUSAL,
            {"reason": text},
        )
        return events.refused(case, reason=text, document=document)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.REFUSE,
        expected_version=expected_version,
        work=work,
    )
