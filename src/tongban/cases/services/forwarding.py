"""Forwarding (转办): the application goes to the department that may decide it."""

from django.utils.translation import gettext as _

from tongban.accounts.models import StaffProfile
from tongban.cases import events
from tongban.cases.constants import Action, ClosingType
from tongban.cases.machine import role_for
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services._step import (
    approval_mode,
    department_staff,
    staff_step,
    tell_staff,
    text_require,
    workflow_of,
)
from tongban.cases.services.apply import receive
from tongban.catalog.constants import WorkflowStep
from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.core.errors import InvalidInput


def _target(case: Case, service_code: str) -> ServiceItem:
    code = text_require(
        service_code, "service_code", _("请选择转往的部门所办理的事项。")
    )
    target = (
        ServiceItem.objects.select_related("current", "department")
        .filter(code=code, is_retired=False)
        .first()
    )
    if target is None or target.current is None:
        raise InvalidInput("invalid_forward", _("没有这个事项，或它已停止办理。"))
    if target.department_id == case.department_id:
        raise InvalidInput("invalid_forward", _("只能转给其他部门办理。"))
    if target.basic_code != case.item.basic_code:
        raise InvalidInput(
            "invalid_forward", _("只能转给办理同一事项（同一基本编码）的部门。")
        )
    return target


def case_forward(
    *,
    case: Case,
    staff: StaffProfile,
    expected_version: int,
    service_code: str,
    reason: str,
) -> Case:
    """Hand the application to the department that may decide it (转办): the same item as
    another department or district implements it. The applicant's form and materials go
    with it; the new case is received there today, with its own number and limits."""

    def work() -> events.Happened:
        text = text_require(reason, "reason", _("请写明转办理由。"))
        target = _target(case, service_code)
        now = clock.now()
        forwarded = Case(
            number=f"forward-{case.number}",
            item=target,
            version=target.current,
            department=target.department,
            region=target.region,
            submitted_by=case.submitted_by,
            applicant_person=case.applicant_person,
            applicant_company=case.applicant_company,
            channel=case.channel,
            approval_mode=approval_mode(target),
            case_type=target.case_type,
            form_data=case.form_data,
            created_at=now,
            updated_at=now,
        )
        current = list(case.materials.filter(replaced_at__isnull=True))

        def materials(saved: Case) -> list[CaseMaterial]:
            return [
                CaseMaterial(
                    case=saved,
                    position=m.position,
                    name=m.name,
                    source=m.source,
                    provenance=m.provenance,
                    file=m.file.name,
                    original_name=m.original_name,
                    content_type=m.content_type,
                    size=m.size,
                    sha256=m.sha256,
                    added_at=m.added_at,
                    added_by_id=m.added_by_id,
                )
                for m in current
            ]

        receive(
            forwarded,
            staff.user,
            audit_action="case.forwarded_in",
            materials=materials,
            drafted=events.drafted(
                forwarded, forwarded_from=case, from_department=case.department.name
            ),
        )
        tell_staff(
            forwarded,
            "staff.forwarded_in",
            department_staff(
                target.department_id,
                role_for(WorkflowStep.ACCEPT, workflow_of(forwarded)),
            ),
            {
                "from_department": case.department.name,
                "from_department_en": case.department.name_en,
            },
        )
        case.closing_type = ClosingType.FORWARDED
        case.closed_at = now
        return events.forwarded(to=forwarded, reason=text)

    return staff_step(
        case=case,
        staff=staff,
        action=Action.FORWARD,
        expected_version=expected_version,
        work=work,
    )
