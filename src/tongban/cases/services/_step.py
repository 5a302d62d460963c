"""What every step on a case shares: numbers and documents, the version check, the
transition and role checks, saving, the event, telling people, the audit row.

`staff_step` is a staff step's whole frame; each step module gives it only its own work.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.accounts.models import Person, StaffProfile
from tongban.audit.services import audit_record
from tongban.cases.constants import Action, DocumentKind, Status
from tongban.cases.deadlines import deadlines_compute, iso
from tongban.cases.events import Happened, accepted_by_law, event_record
from tongban.cases.machine import TRANSITIONS, role_for
from tongban.cases.models import Case, CaseDocument
from tongban.cases.numbers import number_next
from tongban.cases.services.documents import (
    document_facts,
    document_render_queue,
    prefers_english,
)
from tongban.catalog.constants import StaffRole, WorkflowStep
from tongban.catalog.models import Department, ServiceItem
from tongban.core import clock
from tongban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tongban.notifications.messages import TEMPLATES
from tongban.notifications.services import notify, notify_staff

# --- numbers and documents ---------------------------------------------------------------


def case_number(case: Case) -> str:
    day = clock.today()
    prefix = f"{case.region}-{day:%Y%m%d}-{case.department.code[-4:]}"
    return f"{prefix}-{number_next(prefix):05d}"


def draft_number(person: Person) -> str:
    """A placeholder until submission gives the case its real number."""
    return f"draft-{clock.now():%Y%m%d%H%M%S%f}-{person.pk}"


DOCUMENT_WORD = {
    DocumentKind.RECEIPT: "收",
    DocumentKind.ACCEPTANCE: "受",
    DocumentKind.NON_ACCEPTANCE: "不受",
    DocumentKind.CORRECTION: "补",
    DocumentKind.EXTENSION: "延",
    DocumentKind.SPECIAL_PROCEDURE: "特",
    DocumentKind.APPROVAL: "许",
    DocumentKind.REFUSAL: "不许",
}


def document_issue(case: Case, kind: str, content: dict[str, Any]) -> CaseDocument:
    """A notice or decision with its document number, e.g. 市市场监管局受字〔2026〕00012号."""
    now = clock.now()
    name = case.department.short_name or case.department.name
    word = DOCUMENT_WORD[DocumentKind(kind)]
    serial = number_next(f"doc:{case.department.code}:{kind}:{now.year}")
    document = CaseDocument.objects.create(
        case=case,
        kind=kind,
        number=f"{name}{word}字〔{now.year}〕{serial:05d}号",
        issued_at=now,
        content={
            **document_facts(case, kind),
            "date": clock.today().isoformat(),
            **content,
        },
        has_english=prefers_english(case),
    )
    # rendered and stored by the worker once the step commits (services/documents.py)
    document_render_queue(document)
    return document


def approval_mode(item: ServiceItem) -> str:
    """The first approval mode the item lists (stored as ",standard,commitment,")."""
    return next((mode for mode in item.approval_modes.split(",") if mode), "standard")


# --- saving ------------------------------------------------------------------------------


def _conflict(case_id: int) -> Conflict:
    return Conflict(
        "conflict",
        _("该办件刚被其他人处理过，请刷新后查看最新状态。"),
        extra={"status": Case.objects.get(pk=case_id).status},
    )


def case_save(case: Case, expected_version: int | None = None) -> None:
    """Write the case only if nobody changed it since `expected_version`."""
    version = case.row_version if expected_version is None else expected_version
    case.updated_at = clock.now()
    fields = {
        f.attname: getattr(case, f.attname)
        for f in Case._meta.concrete_fields
        if not f.primary_key and f.attname != "row_version"
    }
    updated = Case.objects.filter(pk=case.pk, row_version=version).update(
        row_version=version + 1, **fields
    )
    if not updated:
        raise _conflict(case.pk)
    case.row_version = version + 1


# --- telling people ----------------------------------------------------------------------


def _concerned(case: Case) -> list[Person]:
    """Who hears of a step: who filed it, and the person or company representative it is for."""
    people = [case.submitted_by]
    if case.applicant_person is not None:
        people.append(case.applicant_person)
    if case.applicant_company is not None:
        people.append(case.applicant_company.legal_representative)
    unique: dict[int, Person] = {p.pk: p for p in people}
    return list(unique.values())


def _context(case: Case) -> dict[str, Any]:
    """What messages of a case say, each name with its English twin (`<key>_en`), which
    notifications use for people written to in English; 待定 stays lazy, translated
    into each recipient's language."""
    return {
        "service": case.item.name,
        "service_en": case.item.name_en,
        "number": case.number,
        "legal_deadline": iso(case.legal_deadline) or gettext_lazy("待定"),
    }


def tell(case: Case, happened: Happened) -> None:
    """The applicant's messages of an event, where the event has one."""
    event = f"case.{happened.action}"
    if event not in TEMPLATES:
        return
    context = {**_context(case), **happened.data}
    if "department_code" in context:  # forwarded: the department it went to
        context["department_en"] = (
            Department.objects.filter(code=context["department_code"])
            .values_list("name_en", flat=True)
            .first()
            or ""
        )
    notify(people=_concerned(case), event=event, context=context, case=case)


def department_staff(department_id: int, role: str) -> list[User]:
    """The active staff of a department who hold `role`."""
    profiles = StaffProfile.objects.filter(
        department_id=department_id, user__is_active=True
    ).select_related("user")
    return [p.user for p in profiles if p.has_role(role)]


def tell_staff(
    case: Case, event: str, users: list[User], extra: dict[str, Any] | None = None
) -> None:
    if users:
        context = {**_context(case), **(extra or {})}
        notify_staff(users=users, event=event, context=context, case=case)


def claimer(case: Case) -> list[User]:
    return [case.claimed_by] if case.claimed_by is not None else []


# --- checks ------------------------------------------------------------------------------


def transition_check(case: Case, action: str) -> None:
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        raise Conflict(
            "invalid_transition",
            _("办件当前状态为“%(status)s”，不能进行“%(action)s”。")
            % {"status": Status(case.status).label, "action": Action(action).label},
            extra={"status": case.status},
        )


def workflow_of(case: Case) -> dict[str, str]:
    steps = (case.version.content.get("workflow") or {}).get("steps", [])
    return {stage["step"]: stage["role"] for stage in steps}


def staff_check(case: Case, staff: StaffProfile, action: str) -> None:
    """Staff of another department do not see the case (404); staff of its department
    without the step's role see it but may not act (403)."""
    if staff.department_id != case.department_id:
        raise NotFound("not_found", _("未找到。"))
    role = role_for(TRANSITIONS[action].who, workflow_of(case))
    if not staff.has_role(role):
        raise Forbidden(
            "not_authorised",
            _("该操作需要“%(role)s”角色。") % {"role": StaffRole(role).label},
        )


def text_require(value: str, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput("invalid_input", message, fields={field: message})
    return text


# --- the law's own move ------------------------------------------------------------------

ART_32 = "《中华人民共和国行政许可法》第三十二条"


def accept_by_law(case: Case) -> bool:
    """Accept the case if its correction window passed with no notice (Art. 32): accepted
    from the day it was received. Runs inside the caller's transaction."""
    if not (
        case.status == Status.RECEIVED
        and case.correction_due
        and case.correction_due < clock.today()
    ):
        return False
    before = case.status
    case.status = Status.ACCEPTED
    case.accepted_on = case.received_on
    case.accepted_by_law = True
    deadlines_compute(case)
    case_save(case)
    happened = accepted_by_law(case, basis=ART_32)
    event_record(case, happened, actor=None, before=before)
    tell(case, happened)
    clerks = claimer(case) or department_staff(
        case.department_id, role_for(WorkflowStep.ACCEPT, workflow_of(case))
    )
    tell_staff(case, "staff.accept_by_law", clerks)
    return True


# --- a staff step ------------------------------------------------------------------------


def staff_step(
    *,
    case: Case,
    staff: StaffProfile,
    action: str,
    expected_version: int,
    work: Callable[[], Happened],
    after: Callable[[], None] | None = None,
) -> Case:
    """One staff step: role, the law's move first, version, transition; then `work` (the
    step's own changes and documents, answering its event), save, event, messages, audit.

    `work` runs inside the step's transaction after every check has passed; `after` too,
    after the event is written (e.g. telling other staff).
    """
    staff_check(case, staff, action)
    # The law may have moved first: a case left unanswered is accepted by law. That step
    # stands on its own, whatever becomes of the action asked for.
    with transaction.atomic(durable=True):
        if accept_by_law(case) and expected_version == case.row_version - 1:
            expected_version = case.row_version
    with transaction.atomic(durable=True):
        if case.row_version != expected_version:
            raise _conflict(case.pk)
        transition_check(case, action)
        before = case.status
        happened = work()
        target = TRANSITIONS[action].target
        if target is not None:
            case.status = target
        case_save(case, expected_version)
        event_record(case, happened, actor=staff.user, before=before)
        tell(case, happened)
        if after is not None:
            after()
        audit_record(  # last: the chain's lock is held until commit
            action=f"case.{action}",
            actor=staff.user,
            subject_type="case",
            subject_id=case.pk,
        )
    return case
