"""Applying at the counter: a clerk enters a walk-in applicant's application."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.identifiers import document_indexes
from tongban.accounts.models import Person, StaffProfile
from tongban.cases.materials import materials_fetched
from tongban.cases.models import Case
from tongban.cases.services._step import approval_mode
from tongban.cases.services.apply import form_check, receive
from tongban.catalog.constants import StaffRole
from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.core.documents import document_validate
from tongban.core.errors import Forbidden, InvalidInput, NotFound


def case_create_at_counter(
    *,
    staff: StaffProfile,
    service_code: str,
    applicant_doc_type: str,
    applicant_doc_number: str,
    form: dict[str, Any],
) -> Case:
    """A clerk enters a walk-in applicant's application (channel `counter`), the person and
    the paper originals seen at the counter; it is received at once."""
    if not staff.has_role(StaffRole.INTAKE_CLERK):
        raise Forbidden("not_authorised", _("只有受理人员可以在窗口录入申请。"))
    facts = document_validate(applicant_doc_type, applicant_doc_number)
    person = Person.objects.filter(
        doc_index__in=document_indexes(facts.doc_type, facts.number)
    ).first()
    if person is None:
        raise InvalidInput(
            "applicant_not_found", _("没有该证件的档案，请先在窗口建档。")
        )
    item = (
        ServiceItem.objects.select_related("current", "department")
        .filter(code=service_code, is_retired=False, department=staff.department)
        .first()
    )
    if item is None or item.current is None:
        raise NotFound("not_found", _("本部门没有这个事项，或它已停止办理。"))
    now = clock.now()
    case = Case(
        item=item,
        version=item.current,
        department=item.department,
        region=item.region,
        submitted_by=person,
        applicant_person=person,
        channel="counter",
        approval_mode=approval_mode(item),
        case_type=item.case_type,
        form_data=form,
        created_at=now,
        updated_at=now,
    )
    form_check(case, form)
    fetched = materials_fetched(case, have=set())  # asked before any lock is taken
    with transaction.atomic(durable=True):
        receive(
            case,
            staff.user,
            audit_action="case.counter_submit",
            materials=lambda saved: fetched,
        )
    return case
