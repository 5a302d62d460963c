"""Writes of cases: apply, and every step of handling, each one transaction with its event.

Refusals are raised before anything changes. Staff actions carry the version of the case
they saw (`expected_version`); if someone else acted first the action is a 409 `conflict`.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

import jsonschema
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.accounts.constants import Level
from tongban.accounts.models import Person, StaffProfile
from tongban.accounts.selectors import Principal, acting_resolve
from tongban.accounts.services import level_require
from tongban.audit.services import audit_record
from tongban.cases import constants as c
from tongban.cases.constants import Action, ClosingType, DocumentKind, Status
from tongban.cases.forms import rule_message
from tongban.cases.machine import TRANSITIONS, role_for
from tongban.cases.materials import materials_fetch, materials_missing
from tongban.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseMaterial,
    SpecialProcedure,
)
from tongban.cases.numbers import number_next
from tongban.catalog.constants import WorkflowStep
from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tongban.workdays.calendar import CalendarMissing
from tongban.workdays.selectors import calendar_get

# --- numbers -----------------------------------------------------------------------------


def _case_number(case: Case, day: dt.date) -> str:
    prefix = f"{case.region}-{day:%Y%m%d}-{case.department.code[-4:]}"
    return f"{prefix}-{number_next(prefix):05d}"


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


def _issue(case: Case, kind: str, content: dict[str, Any]) -> CaseDocument:
    """A notice or decision with its document number, e.g. 市市场监管局受字〔2026〕00012号."""
    now = clock.now()
    name = case.department.short_name or case.department.name
    word = DOCUMENT_WORD[DocumentKind(kind)]
    serial = number_next(f"doc:{case.department.code}:{kind}:{now.year}")
    return CaseDocument.objects.create(
        case=case,
        kind=kind,
        number=f"{name}{word}字〔{now.year}〕{serial:05d}号",
        issued_at=now,
        content={
            "department": case.department.name,
            "case_number": case.number,
            "service": case.item.name,
            "date": clock.today().isoformat(),
            **content,
        },
    )


# --- deadlines ---------------------------------------------------------------------------


def _limit(case: Case, key: str) -> tuple[int, str] | None:
    value = case.version.content.get(key)
    if not value:
        return None
    return int(value["value"]), str(value["unit"])


def _pauses(case: Case) -> list[tuple[dt.date, dt.date]]:
    today = clock.today()
    return [
        (p.started_on, p.ended_on or today)
        for p in case.special_procedures.order_by("started_on")
    ]


def deadlines_compute(case: Case) -> None:
    """Legal and promised deadlines from acceptance, paused by special procedures; the legal
    one extended by 10 working days once. A missing calendar year leaves them pending."""
    case.deadline_pending_year = None
    if case.received_on and case.status == Status.RECEIVED:
        try:
            calendar = calendar_get(region=case.region)
            case.correction_due = calendar.add(
                case.received_on, c.CORRECTION_WINDOW_WORKING_DAYS, "working_days"
            )
        except CalendarMissing as missing:
            case.correction_due = None
            case.deadline_pending_year = missing.year
    if case.accepted_on is None:
        return
    calendar = calendar_get(region=case.region)
    pauses = _pauses(case)
    legal, promised = _limit(case, "legal_limit"), _limit(case, "promised_limit")
    try:
        if legal:
            amount, unit = legal
            if case.extended:
                amount += c.EXTENSION_WORKING_DAYS
            case.legal_deadline = calendar.add(
                case.accepted_on, amount, unit, pauses=pauses
            )
        if promised:
            amount, unit = promised
            case.promised_deadline = calendar.add(
                case.accepted_on, amount, unit, pauses=pauses
            )
    except CalendarMissing as missing:
        case.legal_deadline = case.promised_deadline = None
        case.deadline_pending_year = missing.year


# --- events ------------------------------------------------------------------------------


def _record(
    case: Case,
    action: str,
    *,
    actor: User | None,
    before: str,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=case.status,
        at=clock.now(),
        actor=actor,
        data=data or {},
    )


def _save(case: Case, expected_version: int | None) -> None:
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
        raise Conflict(
            "conflict",
            _("该办件刚被其他人处理过，请刷新后查看最新状态。"),
            extra={"status": Case.objects.get(pk=case.pk).status},
        )
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
    return {
        "service": case.item.name,
        "number": case.number,
        "legal_deadline": _iso(case.legal_deadline) or _("待定"),
    }


def _tell(case: Case, action: str, extra: dict[str, Any] | None = None) -> None:
    from tongban.notifications.messages import TEMPLATES
    from tongban.notifications.services import notify

    event = f"case.{action}"
    if event not in TEMPLATES:
        return
    context = {**_context(case), **(extra or {})}
    notify(people=_concerned(case), event=event, context=context, case=case)


def _department_staff(department_id: int, role: str) -> list[User]:
    """The active staff of a department who hold `role`."""
    profiles = StaffProfile.objects.filter(
        department_id=department_id, user__is_active=True
    ).select_related("user")
    return [p.user for p in profiles if p.has_role(role)]


def _tell_staff(
    case: Case, event: str, users: list[User], extra: dict[str, Any] | None = None
) -> None:
    from tongban.notifications.services import notify_staff

    if users:
        context = {**_context(case), **(extra or {})}
        notify_staff(users=users, event=event, context=context, case=case)


def _claimer(case: Case) -> list[User]:
    return [case.claimed_by] if case.claimed_by is not None else []


# --- applying ----------------------------------------------------------------------------


def _form_check(case: Case, form: dict[str, Any]) -> None:
    """The item's form (a JSON Schema in the catalogue), checked on the server."""
    schema = case.version.content.get("form")
    if not schema:
        return
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    fields: dict[str, str] = {}
    for error in validator.iter_errors(form):
        path = ".".join(str(p) for p in error.path)
        if error.validator == "required":
            missing = (
                str(error.message).split("'")[1] if "'" in str(error.message) else ""
            )
            path = ".".join(filter(None, [path, missing]))
        prop = error.schema if isinstance(error.schema, dict) else {}
        message = rule_message(str(error.validator), error.validator_value, prop)
        fields.setdefault(path or "form", message)
    if fields:
        raise InvalidInput(
            "invalid_form",
            _("申请表有 %(n)d 处需要修改。") % {"n": len(fields)},
            fields=fields,
        )


def _approval_mode(item: ServiceItem) -> str:
    """The first approval mode the item lists (stored as ",standard,commitment,")."""
    return next((mode for mode in item.approval_modes.split(",") if mode), "standard")


def _draft_number(person: Person) -> str:
    """A placeholder until submission gives the case its real number."""
    return f"draft-{clock.now():%Y%m%d%H%M%S%f}-{person.pk}"


def _principal_fields(principal: Principal) -> dict[str, Any]:
    if principal.kind == "company":
        return {"applicant_company": principal.company, "applicant_person": None}
    return {"applicant_person": principal.person, "applicant_company": None}


def _case_new(
    *,
    person: Person,
    service_code: str,
    acting_for: str,
    form: dict[str, Any] | None,
    channel: str,
    idempotency_key: str,
) -> Case:
    """A case built, not saved: the item in force, whom it is for, the level it needs."""
    item = (
        ServiceItem.objects.select_related("current", "department")
        .filter(code=service_code, is_retired=False)
        .first()
    )
    if item is None or item.current is None:
        raise NotFound("not_found", _("没有这个事项，或它已停止办理。"))
    principal = acting_resolve(person, acting_for, service_code=service_code)
    level_require(
        person, int(item.current.content.get("min_assurance_level", Level.L1))
    )
    now = clock.now()
    return Case(
        item=item,
        version=item.current,
        department=item.department,
        region=item.region,
        submitted_by=person,
        channel=channel,
        approval_mode=_approval_mode(item),
        case_type=item.case_type,
        form_data=form or {},
        idempotency_key=idempotency_key[:64],
        created_at=now,
        updated_at=now,
        **_principal_fields(principal),
    )


def _earlier(person: Person, idempotency_key: str) -> Case | None:
    """The case an earlier request with this `Idempotency-Key` made, if any."""
    if not idempotency_key:
        return None
    # Almost always there is none: ask for the id alone (a cheap query), the case if any.
    found = Case.objects.filter(
        submitted_by=person, idempotency_key=idempotency_key[:64]
    ).values_list("pk", flat=True)[:1]
    return Case.objects.get(pk=found[0]) if found else None


def case_create(
    *,
    person: Person,
    service_code: str,
    acting_for: str = "self",
    form: dict[str, Any] | None = None,
    channel: str = "web",
    submit: bool = False,
    idempotency_key: str = "",
) -> Case:
    """A draft, or (with `submit`) an application received at once with its number.

    A retried submission with the same `idempotency_key` answers the case it made before.
    """
    earlier = _earlier(person, idempotency_key)
    if earlier is not None:
        return earlier
    if submit:
        return _apply(
            person=person,
            service_code=service_code,
            acting_for=acting_for,
            form=form or {},
            files={},
            channel=channel,
            idempotency_key=idempotency_key,
        ).case
    case = _case_new(
        person=person,
        service_code=service_code,
        acting_for=acting_for,
        form=form,
        channel=channel,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            case.number = _draft_number(person)
            case.save()
            _record(case, "draft", actor=person.user, before="")
            materials_fetch(case)
    except IntegrityError:
        earlier = _earlier(person, idempotency_key)
        if earlier is not None:
            return earlier
        raise
    return case


def _submit(
    case: Case,
    actor: User | None,
    *,
    audit_action: str = "case.submit",
    materials: Callable[[Case], list[CaseMaterial]] | None = None,
) -> tuple[CaseDocument, list[CaseEvent]]:
    """Receive a case: its number, the receipt, the event, the audit row, the messages.

    A case not yet saved (applied in one request) is written once, already received, with
    its draft and submit events together; `materials` then builds its material rows once
    it has its id. Answers the receipt and the events written.
    """
    before = case.status
    today = clock.today()
    case.number = _case_number(case, today)
    case.status = Status.RECEIVED
    case.received_on = today
    deadlines_compute(case)
    new = case.pk is None
    if new:
        case.save(force_insert=True)
        if materials is not None:
            CaseMaterial.objects.bulk_create(materials(case))
    else:
        _save(case, None)
    receipt = _issue(case, DocumentKind.RECEIPT, {"received_on": today.isoformat()})
    now = clock.now()
    events = []
    if new:
        events.append(
            CaseEvent(
                case=case,
                action="draft",
                from_status="",
                to_status=before,
                at=now,
                actor=actor,
            )
        )
    events.append(
        CaseEvent(
            case=case,
            action=Action.SUBMIT,
            from_status=before,
            to_status=case.status,
            at=now,
            actor=actor,
            data={
                "document": receipt.number,
                "correction_due": _iso(case.correction_due),
                "channel": case.channel,
            },
        )
    )
    events = CaseEvent.objects.bulk_create(events)
    _tell(case, Action.SUBMIT)
    # Last: the audit chain's lock is held from here until the transaction commits.
    audit_record(
        action=audit_action, actor=actor, subject_type="case", subject_id=case.pk
    )
    return receipt, events


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def case_draft_update(*, case: Case, person: Person, form: dict[str, Any]) -> Case:
    _applicant_check(case, person)
    if case.status != Status.DRAFT:
        raise Conflict("invalid_transition", _("只有草稿可以修改。"))
    with transaction.atomic():
        case.form_data = form
        _save(case, None)
    return case


def _applicant_check(case: Case, person: Person) -> None:
    """Only who filed the application changes it; others who may see it may not."""
    if case.submitted_by_id != person.pk:
        raise Forbidden("not_authorised", _("只有提交申请的人可以修改、补正或撤回。"))


def _materials_check(case: Case, *, have: set[int] | None = None) -> None:
    missing = materials_missing(case, have=have)
    if missing:
        raise InvalidInput(
            "materials_missing",
            _("还缺 %(n)d 项必须提交的材料：%(names)s")
            % {"n": len(missing), "names": "、".join(missing.values())},
            fields=missing,
        )


def case_submit(*, case: Case, person: Person, idempotency_key: str = "") -> Case:
    """Submit a draft. Retried with the key the draft was made with, it answers the case."""
    _applicant_check(case, person)
    if (
        case.status != Status.DRAFT
        and idempotency_key
        and idempotency_key == case.idempotency_key
    ):
        return case
    _transition_check(case, Action.SUBMIT)
    _form_check(case, case.form_data)
    acting_resolve(person, _acting_key(case), service_code=case.item.code)
    materials_fetch(case)
    _materials_check(case)
    with transaction.atomic():
        _submit(case, person.user)
    return case


def _acting_key(case: Case) -> str:
    if case.applicant_company_id:
        return f"company:{case.applicant_company_id}"
    if case.applicant_person_id and case.applicant_person_id != case.submitted_by_id:
        return f"person:{case.applicant_person_id}"
    return "self"


def case_supplement(
    *, case: Case, person: Person, form: dict[str, Any] | None = None, note: str = ""
) -> Case:
    """The applicant answers a correction notice; the case is received again (Art. 32)."""
    _applicant_check(case, person)
    _transition_check(case, Action.SUPPLEMENT)
    new_form = form if form is not None else case.form_data
    _form_check(case, new_form)
    with transaction.atomic():
        before = case.status
        case.form_data = new_form
        case.status = Status.RECEIVED
        case.received_on = clock.today()
        deadlines_compute(case)
        _save(case, None)
        _record(
            case,
            Action.SUPPLEMENT,
            actor=person.user,
            before=before,
            data={"note": note},
        )
        asked = User.objects.filter(
            pk__in=case.events.filter(action=Action.REQUEST_CORRECTION).values(
                "actor_id"
            )
        )
        _tell_staff(case, "staff.supplement", [*_claimer(case), *asked])
        audit_record(
            action="case.supplement",
            actor=person.user,
            subject_type="case",
            subject_id=case.pk,
        )
    return case


def case_withdraw(*, case: Case, person: Person, reason: str = "") -> Case:
    _applicant_check(case, person)
    _transition_check(case, Action.WITHDRAW)
    with transaction.atomic():
        before = case.status
        case.status = Status.WITHDRAWN
        case.closing_type = ClosingType.WITHDRAWN
        case.closed_at = clock.now()
        _save(case, None)
        _record(
            case,
            Action.WITHDRAW,
            actor=person.user,
            before=before,
            data={"reason": reason},
        )
        _tell(case, Action.WITHDRAW)
        _tell_staff(case, "staff.withdraw", _claimer(case))
        audit_record(
            action="case.withdraw",
            actor=person.user,
            subject_type="case",
            subject_id=case.pk,
        )
    return case


# --- the law's own steps -----------------------------------------------------------------


def accept_by_law_due() -> int:
    """Accept every case whose correction window passed with no notice (Art. 32): accepted
    from the day it was received. Idempotent; the scheduler runs it."""
    today = clock.today()
    count = 0
    due = Case.objects.filter(status=Status.RECEIVED, correction_due__lt=today)
    for case_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_related("version", "department", "item").get(
                pk=case_id
            )
            if _accept_by_law(case):
                count += 1
    return count


def _accept_by_law(case: Case) -> bool:
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
    _save(case, None)
    _record(
        case,
        Action.ACCEPT_BY_LAW,
        actor=None,
        before=before,
        data={
            "accepted_on": _iso(case.accepted_on),
            "basis": "《中华人民共和国行政许可法》第三十二条",
        },
    )
    _tell(case, Action.ACCEPT_BY_LAW)
    clerks = _claimer(case) or _department_staff(
        case.department_id, role_for(WorkflowStep.ACCEPT, _workflow(case))
    )
    _tell_staff(case, "staff.accept_by_law", clerks)
    return True


def deadlines_pending_recompute() -> int:
    """After an administrator adds a missing calendar year, compute pending deadlines."""
    count = 0
    for case in Case.objects.filter(deadline_pending_year__isnull=False).select_related(
        "version"
    ):
        with transaction.atomic():
            deadlines_compute(case)
            if case.deadline_pending_year is None:
                _save(case, None)
                _record(case, Action.DEADLINES, actor=None, before=case.status)
                count += 1
    return count


# --- staff actions -----------------------------------------------------------------------


def _transition_check(case: Case, action: str) -> None:
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        raise Conflict(
            "invalid_transition",
            _("办件当前状态为“%(status)s”，不能进行“%(action)s”。")
            % {"status": Status(case.status).label, "action": Action(action).label},
            extra={"status": case.status},
        )


def _workflow(case: Case) -> dict[str, str]:
    steps = (case.version.content.get("workflow") or {}).get("steps", [])
    return {stage["step"]: stage["role"] for stage in steps}


def _staff_check(case: Case, staff: StaffProfile, action: str) -> None:
    if staff.department_id != case.department_id:
        raise NotFound("not_found", _("未找到。"))
    role = role_for(TRANSITIONS[action].who, _workflow(case))
    if not staff.has_role(role):
        raise Forbidden(
            "not_authorised",
            _("该操作需要“%(role)s”角色。") % {"role": _role_label(role)},
        )


def _role_label(role: str) -> str:
    from tongban.catalog.constants import StaffRole

    return str(StaffRole(role).label)


def case_act(
    *,
    case: Case,
    staff: StaffProfile,
    action: str,
    expected_version: int,
    payload: dict[str, Any] | None = None,
) -> Case:
    """A staff member takes one step on a case."""
    payload = payload or {}
    if action not in TRANSITIONS or TRANSITIONS[action].who == "applicant":
        raise InvalidInput("invalid_action", _("未知的办理操作。"))
    _staff_check(case, staff, action)
    # The law may have moved first: a case left unanswered is accepted by law. That step
    # stands on its own, whatever becomes of the action asked for.
    with transaction.atomic():
        if _accept_by_law(case) and expected_version == case.row_version - 1:
            expected_version = case.row_version
    with transaction.atomic():
        if case.row_version != expected_version:
            raise Conflict(
                "conflict",
                _("该办件刚被其他人处理过，请刷新后查看最新状态。"),
                extra={"status": case.status},
            )
        _transition_check(case, action)
        handler = _HANDLERS[action]
        before = case.status
        data = handler(case, staff, payload)
        target = TRANSITIONS[action].target
        if target is not None:
            case.status = target
        _save(case, expected_version)
        _record(case, action, actor=staff.user, before=before, data=data)
        _tell(case, action, data)
        if action == Action.REVIEW:
            approvers = _department_staff(
                case.department_id, role_for(WorkflowStep.DECIDE, _workflow(case))
            )
            others = [u for u in approvers if u.pk != staff.user_id]
            _tell_staff(case, "staff.reviewed", others)
        audit_record(  # last: the chain's lock is held until commit
            action=f"case.{action}",
            actor=staff.user,
            subject_type="case",
            subject_id=case.pk,
        )
    return case


def _text(payload: dict[str, Any], key: str, message: str) -> str:
    value = str(payload.get(key) or "").strip()
    if not value:
        raise InvalidInput("invalid_input", message, fields={key: message})
    return value


def _do_request_correction(
    case: Case, staff: StaffProfile, p: dict[str, Any]
) -> dict[str, Any]:
    # 一次性告知: one notice lists everything missing or faulty; there is no second one.
    if case.events.filter(action=Action.REQUEST_CORRECTION).exists():
        raise Conflict(
            "correction_already_sent",
            _("补正通知已经发出过；补正通知须一次性告知全部内容，不能再发。"),
        )
    items = [str(i).strip() for i in p.get("items") or [] if str(i).strip()]
    if not items:
        message = _("请逐项列出需要补正的全部材料和内容。")
        raise InvalidInput("invalid_input", message, fields={"items": message})
    document = _issue(case, DocumentKind.CORRECTION, {"items": items})
    return {"items": items, "document": document.number}


def _do_accept(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    case.accepted_on = clock.today()
    deadlines_compute(case)
    document = _issue(
        case,
        DocumentKind.ACCEPTANCE,
        {
            "accepted_on": _iso(case.accepted_on),
            "legal_deadline": _iso(case.legal_deadline),
            "promised_deadline": _iso(case.promised_deadline),
        },
    )
    return {"document": document.number, "legal_deadline": _iso(case.legal_deadline)}


def _do_refuse_intake(
    case: Case, staff: StaffProfile, p: dict[str, Any]
) -> dict[str, Any]:
    reason = _text(p, "reason", _("请写明不予受理的理由。"))
    document = _issue(
        case,
        DocumentKind.NON_ACCEPTANCE,
        {"reason": reason, "rights": str(c.APPEAL_RIGHTS)},
    )
    return {"reason": reason, "document": document.number}


def _do_review(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    opinion = _text(p, "opinion", _("请填写审查意见。"))
    return {"opinion": opinion, "recommend": str(p.get("recommend") or "approve")}


def _reviewer_ids(case: Case) -> set[int | None]:
    return set(
        case.events.filter(action=Action.REVIEW).values_list("actor_id", flat=True)
    )


def _decide(
    case: Case, staff: StaffProfile, p: dict[str, Any], kind: str
) -> dict[str, Any]:
    if staff.user_id in _reviewer_ids(case):
        raise Forbidden(
            "not_authorised", _("同一办件的审查人不能作出决定（审批分离）。")
        )
    case.decided_on = clock.today()
    calendar = calendar_get(region=case.region)
    try:
        case.delivery_due = calendar.add(
            case.decided_on, c.DELIVERY_WORKING_DAYS, "working_days"
        )
    except CalendarMissing:
        case.delivery_due = None
    content: dict[str, Any] = {"decided_on": _iso(case.decided_on)}
    if kind == DocumentKind.REFUSAL:
        content["reason"] = _text(p, "reason", _("请写明不予许可的理由。"))
        content["rights"] = str(c.APPEAL_RIGHTS)
    document = _issue(case, kind, content)
    return {
        "document": document.number,
        **{k: v for k, v in content.items() if k != "rights"},
    }


def _do_approve(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    return _decide(case, staff, p, DocumentKind.APPROVAL)


def _do_refuse(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    return _decide(case, staff, p, DocumentKind.REFUSAL)


def _do_extend(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    if case.extended:
        raise Conflict("invalid_transition", _("审查期限只能延长一次。"))
    legal = _limit(case, "legal_limit")
    if not legal or legal[1] != "working_days":
        raise Conflict(
            "invalid_transition",
            _("该事项的法定期限不按工作日计，不能按第四十二条延长。"),
        )
    reason = _text(p, "reason", _("请写明延长期限的理由，将告知申请人。"))
    case.extended = True
    deadlines_compute(case)
    document = _issue(
        case,
        DocumentKind.EXTENSION,
        {"reason": reason, "legal_deadline": _iso(case.legal_deadline)},
    )
    return {
        "reason": reason,
        "legal_deadline": _iso(case.legal_deadline),
        "document": document.number,
    }


def _do_special_start(
    case: Case, staff: StaffProfile, p: dict[str, Any]
) -> dict[str, Any]:
    from tongban.cases.constants import SpecialProcedureKind

    kind = str(p.get("kind") or "")
    if kind not in SpecialProcedureKind.values:
        message = _("请选择特别程序的种类。")
        raise InvalidInput("invalid_input", message, fields={"kind": message})
    if case.special_procedures.filter(ended_on__isnull=True).exists():
        raise Conflict("invalid_transition", _("已有进行中的特别程序，请先结束。"))
    procedure = SpecialProcedure.objects.create(
        case=case,
        kind=kind,
        reason=_text(p, "reason", _("请写明特别程序的理由。")),
        basis=_text(p, "basis", _("请写明特别程序的法律依据。")),
        started_on=clock.today(),
        limit_days=int(p["limit_days"]) if p.get("limit_days") else None,
    )
    document = _issue(
        case,
        DocumentKind.SPECIAL_PROCEDURE,
        {
            "kind": kind,
            "reason": procedure.reason,
            "basis": procedure.basis,
            "started_on": _iso(procedure.started_on),
        },
    )
    deadlines_compute(case)
    return {"procedure": procedure.pk, "kind": kind, "document": document.number}


def _do_special_end(
    case: Case, staff: StaffProfile, p: dict[str, Any]
) -> dict[str, Any]:
    procedure = case.special_procedures.filter(ended_on__isnull=True).first()
    if procedure is None:
        raise Conflict("invalid_transition", _("没有进行中的特别程序。"))
    procedure.ended_on = clock.today()
    procedure.result = _text(p, "result", _("请填写特别程序的结果。"))
    procedure.save(update_fields=["ended_on", "result"])
    deadlines_compute(case)
    return {"procedure": procedure.pk, "legal_deadline": _iso(case.legal_deadline)}


CLOSING_FOR = {
    Status.APPROVED: ClosingType.RESULT_ISSUED,
    Status.REFUSED: ClosingType.REFUSED,
    Status.NOT_ACCEPTED: ClosingType.NOT_ACCEPTED,
    Status.CORRECTION_REQUESTED: ClosingType.CORRECTION_NOT_SUPPLIED,
}


def _do_close(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    case.closing_type = CLOSING_FOR[Status(case.status)]
    case.closed_at = clock.now()
    return {"closing_type": case.closing_type}


def _do_forward(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    """Hand the application to the department that may decide it (转办): the same item as
    another department or district implements it. The applicant's form and materials go
    with it; the new case is received there today, with its own number and limits."""
    reason = _text(p, "reason", _("请写明转办理由。"))
    code = _text(p, "service_code", _("请选择转往的部门所办理的事项。"))
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
    now = clock.now()
    forwarded = Case.objects.create(
        number=f"forward-{case.number}",
        item=target,
        version=target.current,
        department=target.department,
        region=target.region,
        submitted_by=case.submitted_by,
        applicant_person=case.applicant_person,
        applicant_company=case.applicant_company,
        channel=case.channel,
        approval_mode=_approval_mode(target),
        case_type=target.case_type,
        form_data=case.form_data,
        created_at=now,
        updated_at=now,
    )
    _record(
        forwarded,
        "draft",
        actor=staff.user,
        before="",
        data={"forwarded_from": case.number, "department": case.department.name},
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=forwarded,
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
        for m in case.materials.filter(replaced_at__isnull=True)
    )
    _submit(forwarded, staff.user, audit_action="case.forwarded_in")
    _tell_staff(
        forwarded,
        "staff.forwarded_in",
        _department_staff(
            target.department_id, role_for(WorkflowStep.ACCEPT, _workflow(forwarded))
        ),
        {"from_department": case.department.name},
    )
    case.closing_type = ClosingType.FORWARDED
    case.closed_at = now
    return {
        "new_number": forwarded.number,
        "department": target.department.name,
        "reason": reason,
    }


def _do_void(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    reason = _text(p, "reason", _("请写明作废原因（如重复申请、误录入）。"))
    case.closing_type = ClosingType.VOIDED
    case.closed_at = clock.now()
    return {"reason": reason}


# Closings with a decision to hand over; the others have nothing to deliver.
DELIVERABLE = frozenset(
    {ClosingType.RESULT_ISSUED, ClosingType.REFUSED, ClosingType.NOT_ACCEPTED}
)


def _do_deliver(case: Case, staff: StaffProfile, p: dict[str, Any]) -> dict[str, Any]:
    if case.delivered_at is not None:
        raise Conflict("invalid_transition", _("已记录送达。"))
    if case.status == Status.CLOSED and case.closing_type not in DELIVERABLE:
        raise Conflict(
            "invalid_transition",
            _("该办件没有需要送达的决定（转办、作废或逾期未补正）。"),
        )
    case.delivered_at = clock.now()
    case.delivery_proof = _text(
        p, "proof", _("请填写送达方式和凭证（如电子送达回执号、快递单号）。")
    )[:200]
    on_time = case.delivery_due is None or clock.today() <= case.delivery_due
    return {"proof": case.delivery_proof, "on_time": on_time}


_HANDLERS: dict[str, Callable[[Case, StaffProfile, dict[str, Any]], dict[str, Any]]] = {
    Action.REQUEST_CORRECTION: _do_request_correction,
    Action.ACCEPT: _do_accept,
    Action.REFUSE_INTAKE: _do_refuse_intake,
    Action.REVIEW: _do_review,
    Action.APPROVE: _do_approve,
    Action.REFUSE: _do_refuse,
    Action.EXTEND: _do_extend,
    Action.SPECIAL_START: _do_special_start,
    Action.SPECIAL_END: _do_special_end,
    Action.CLOSE: _do_close,
    Action.DELIVER: _do_deliver,
    Action.FORWARD: _do_forward,
    Action.VOID: _do_void,
}


def case_claim(*, case: Case, staff: StaffProfile, release: bool = False) -> Case:
    if staff.department_id != case.department_id:
        raise NotFound("not_found", _("未找到。"))
    with transaction.atomic():
        if release:
            if case.claimed_by_id != staff.user_id:
                raise Conflict("conflict", _("该办件不是由您认领的。"))
            case.claimed_by = None
        else:
            if case.claimed_by_id not in (None, staff.user_id):
                raise Conflict("conflict", _("该办件已被其他人认领。"))
            case.claimed_by = staff.user
        _save(case, None)
        _record(
            case,
            Action.RELEASE if release else Action.CLAIM,
            actor=staff.user,
            before=case.status,
        )
    return case


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
    from tongban.accounts.services import document_index
    from tongban.catalog.constants import StaffRole
    from tongban.core.documents import document_validate

    if not staff.has_role(StaffRole.INTAKE_CLERK):
        raise Forbidden("not_authorised", _("只有受理人员可以在窗口录入申请。"))
    facts = document_validate(applicant_doc_type, applicant_doc_number)
    person = Person.objects.filter(
        doc_index=document_index(facts.doc_type, facts.number)
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
        approval_mode=_approval_mode(item),
        case_type=item.case_type,
        form_data=form,
        created_at=now,
        updated_at=now,
    )
    _form_check(case, form)
    with transaction.atomic():
        case.number = _draft_number(person)
        case.save()
        _record(case, "draft", actor=staff.user, before="", data={"channel": "counter"})
        materials_fetch(case)
        _submit(case, staff.user, audit_action="case.counter_submit")
    return case


class Applied(NamedTuple):
    """A case applied for in one request, with the rows the request wrote (None when a
    retry answered the case an earlier request made)."""

    case: Case
    materials: list[CaseMaterial] | None = None
    documents: list[CaseDocument] | None = None
    events: list[CaseEvent] | None = None


def case_apply_with_materials(
    *,
    person: Person,
    service_code: str,
    acting_for: str,
    form: dict[str, Any],
    files: dict[int, Any],
    idempotency_key: str = "",
) -> Applied:
    """Apply in one request (the mobile channel): form, every file, submit — all or nothing.

    A retry with the same `Idempotency-Key` answers the case the first request made; a key
    already used for a draft is refused (409) rather than guessed at.
    """
    earlier = _earlier(person, idempotency_key)
    if earlier is not None and earlier.status == Status.DRAFT:
        raise Conflict(
            "conflict",
            _(
                "这个 Idempotency-Key 已用于草稿 %(number)s：请提交那份草稿，或换一个新的 Key。"
            )
            % {"number": earlier.number},
        )
    if earlier is not None:
        return Applied(earlier)
    return _apply(
        person=person,
        service_code=service_code,
        acting_for=acting_for,
        form=form,
        files=files,
        channel="web",
        idempotency_key=idempotency_key,
    )


def _apply(
    *,
    person: Person,
    service_code: str,
    acting_for: str,
    form: dict[str, Any],
    files: dict[int, Any],
    channel: str,
    idempotency_key: str,
) -> Applied:
    """Make a case received at once. Everything that can refuse the application is
    checked before anything is written — the item, whom it is for, the level, the form,
    every file, what is still missing — and the registries are asked before the
    transaction begins, so no database lock waits on another system. The case is then
    written once, already received. Files written before a failure are deleted again, so
    nothing is left half-saved.
    """
    from django.core.files.storage import default_storage

    from tongban.cases.materials import (
        materials_checked,
        materials_fetched,
        materials_written,
    )

    case = _case_new(
        person=person,
        service_code=service_code,
        acting_for=acting_for,
        form=form,
        channel=channel,
        idempotency_key=idempotency_key,
    )
    _form_check(case, case.form_data)
    checked = materials_checked(case, person, files)
    fetched = materials_fetched(case, have={one[0] for one in checked})
    have = {one[0] for one in checked} | {row.position for row in fetched}
    _materials_check(case, have=have)
    written: list[str] = []
    rows: list[CaseMaterial] = []

    def materials(saved: Case) -> list[CaseMaterial]:
        rows.extend(
            sorted(
                fetched
                + materials_written(
                    case=saved, person=person, checked=checked, written=written
                ),
                key=lambda row: row.position,
            )
        )
        return rows

    try:
        with transaction.atomic():
            receipt, events = _submit(case, person.user, materials=materials)
    except BaseException as failure:
        for name in written:
            default_storage.delete(name)
        if isinstance(failure, IntegrityError):
            earlier = _earlier(person, idempotency_key)
            if earlier is not None:
                return Applied(earlier)
        raise
    return Applied(case, rows, [receipt], events)
