"""Applying: a draft, or an application received at once (in one request, with its files).

Everything that can refuse an application is checked before anything is written.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

import jsonschema
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.accounts.constants import Level
from tongban.accounts.models import Person
from tongban.accounts.selectors import Principal, acting_resolve
from tongban.accounts.services import level_require
from tongban.audit.services import audit_record
from tongban.cases import events
from tongban.cases.constants import Action, DocumentKind, Status
from tongban.cases.deadlines import deadlines_compute
from tongban.cases.forms import rule_message
from tongban.cases.materials import (
    materials_checked,
    materials_fetch,
    materials_fetched,
    materials_missing,
    materials_written,
)
from tongban.cases.models import Case, CaseDocument, CaseEvent, CaseMaterial
from tongban.cases.services._step import (
    approval_mode,
    case_number,
    case_save,
    document_issue,
    draft_number,
    tell,
    transition_check,
)
from tongban.catalog.constants import Channel, SubjectType
from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.core.errors import Conflict, Forbidden, InvalidInput, NotFound


def form_check(case: Case, form: dict[str, Any]) -> None:
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


def materials_check(case: Case, *, have: set[int] | None = None) -> None:
    missing = materials_missing(case, have=have)
    if missing:
        raise InvalidInput(
            "materials_missing",
            _("还缺 %(n)d 项必须提交的材料：%(names)s")
            % {"n": len(missing), "names": "、".join(missing.values())},
            fields=missing,
        )


def applicant_check(case: Case, person: Person) -> None:
    """Only who filed the application changes it; others who may see it may not."""
    if case.submitted_by_id != person.pk:
        raise Forbidden("not_authorised", _("只有提交申请的人可以修改、补正或撤回。"))


# The channels an applicant applies through themselves; the counter has its own door.
APPLICANT_CHANNELS = (Channel.WEB, Channel.MOBILE)


def _channel(item: ServiceItem, channel: str, prefer: str = "") -> str:
    """The channel a case is recorded under: one the applicant may use and the item offers
    (unnamed: `prefer` where offered, else the item's web channel, else its mobile one)."""
    offered = [c for c in APPLICANT_CHANNELS if f",{c}," in item.channels]
    if not channel:
        if not offered:
            raise InvalidInput(
                "channel_not_offered", _("该事项不能在网上申请，请到窗口办理。")
            )
        return prefer if prefer in offered else offered[0]
    if channel not in APPLICANT_CHANNELS:
        message = _("申请渠道只能是网上办（web）或掌上办（mobile）。")
        raise InvalidInput("invalid_channel", message, fields={"channel": message})
    if channel not in offered:
        message = _("该事项不通过“%(channel)s”办理。") % {
            "channel": Channel(channel).label
        }
        raise InvalidInput("channel_not_offered", message, fields={"channel": message})
    return channel


def subject_check(item: ServiceItem, principal: Principal) -> None:
    """`applicant_type_not_allowed` (403) unless the item is for principals of this kind:
    a company applies through its handler for organisations' items, a person (themself or
    someone they act for) for people's."""
    subject = (
        SubjectType.ORGANISATION if principal.kind == "company" else SubjectType.PERSON
    )
    if f",{subject}," in item.subject_types:
        return
    if subject == SubjectType.PERSON:
        message = _(
            "该事项由企业或其他组织办理，不能以个人身份申请。"
            "请切换为以企业经办人或法定代表人的身份办理。"
        )
    else:
        message = _("该事项由个人办理，不能以企业身份申请。请切换为本人身份办理。")
    raise Forbidden(
        "applicant_type_not_allowed",
        message,
        extra={"subject_types": [t for t in item.subject_types.split(",") if t]},
    )


def _applying_checked(
    person: Person, service_code: str, acting_for: str, channel: str, prefer: str = ""
) -> tuple[ServiceItem, str, Principal]:
    """The refusals of applying, in order: the item in force, an online channel it offers,
    whom the person acts for (and that it may apply for the item), the level."""
    item = (
        ServiceItem.objects.select_related("current", "department")
        .filter(code=service_code, is_retired=False)
        .first()
    )
    if item is None or item.current is None:
        raise NotFound("not_found", _("没有这个事项，或它已停止办理。"))
    channel = _channel(item, channel, prefer)
    principal = acting_resolve(person, acting_for, service_code=service_code)
    subject_check(item, principal)
    level_require(
        person, int(item.current.content.get("min_assurance_level", Level.L1))
    )
    return item, channel, principal


def application_check(
    *, person: Person, service_code: str, acting_for: str
) -> ServiceItem:
    """What would refuse this person applying now, before they fill anything in — the
    checks a case's creation makes, writing nothing."""
    item, _channel_used, _principal = _applying_checked(
        person, service_code, acting_for, ""
    )
    return item


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
    prefer: str = "",
) -> Case:
    """A case built, not saved: the item in force, whom it is for, the level it needs."""
    item, channel, principal = _applying_checked(
        person, service_code, acting_for, channel, prefer
    )
    now = clock.now()
    case = Case(
        item=item,
        version=item.current,
        department=item.department,
        region=item.region,
        submitted_by=person,
        channel=channel,
        approval_mode=approval_mode(item),
        case_type=item.case_type,
        form_data=form or {},
        idempotency_key=idempotency_key[:64],
        created_at=now,
        updated_at=now,
        **_principal_fields(principal),
    )
    case.applicant_columns_fill()
    return case


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
    channel: str = "",
    submit: bool = False,
    idempotency_key: str = "",
) -> Case:
    """A draft, or (with `submit`) an application received at once with its number.
    `channel`: web or mobile, one the item offers; unnamed, the item's own online one.

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
    fetched = materials_fetched(case, have=set())  # asked before any lock is taken
    try:
        with transaction.atomic(durable=True):
            case.number = draft_number(person)
            case.save()
            events.event_record(
                case, events.drafted(case), actor=person.user, before=""
            )
            CaseMaterial.objects.bulk_create(fetched)
    except IntegrityError:
        earlier = _earlier(person, idempotency_key)
        if earlier is not None:
            return earlier
        raise
    return case


def receive(
    case: Case,
    actor: User | None,
    *,
    audit_action: str = "case.submit",
    materials: Callable[[Case], list[CaseMaterial]] | None = None,
    drafted: events.Happened | None = None,
) -> tuple[CaseDocument, list[CaseEvent]]:
    """Receive a case: its number, the receipt, the event, the audit row, the messages.

    A case not yet saved (applied in one request) is written once, already received, with
    its draft (`drafted`, else the plain one) and submit events together; `materials`
    then builds its material rows once it has its id. Answers the receipt and the events
    written. Runs inside the caller's transaction.
    """
    before = case.status
    today = clock.today()
    # The applicant as named at filing (a draft's may have changed since it was made).
    case.applicant_columns_fill()
    case.number = case_number(case)
    case.status = Status.RECEIVED
    case.received_on = today
    deadlines_compute(case)
    new = case.pk is None
    if new:
        case.save(force_insert=True)
        if materials is not None:
            CaseMaterial.objects.bulk_create(materials(case))
    else:
        case_save(case)
    receipt = document_issue(
        case, DocumentKind.RECEIPT, {"received_on": today.isoformat()}
    )
    now = clock.now()
    rows = []
    if new:
        rows.append(
            events.event_build(
                case,
                drafted or events.drafted(case),
                actor=actor,
                before="",
                after=before,
                at=now,
            )
        )
    happened = events.submitted(
        case,
        receipt=receipt,
        from_department=str(
            (drafted.data if drafted else {}).get("from_department", "")
        ),
    )
    rows.append(events.event_build(case, happened, actor=actor, before=before, at=now))
    rows = CaseEvent.objects.bulk_create(rows)
    tell(case, happened)
    # Last: the audit chain's lock is held from here until the transaction commits.
    audit_record(
        action=audit_action, actor=actor, subject_type="case", subject_id=case.pk
    )
    return receipt, rows


def case_submit(*, case: Case, person: Person, idempotency_key: str = "") -> Case:
    """Submit a draft. Retried with the key the draft was made with, it answers the case."""
    applicant_check(case, person)
    if (
        case.status != Status.DRAFT
        and idempotency_key
        and idempotency_key == case.idempotency_key
    ):
        return case
    transition_check(case, Action.SUBMIT)
    form_check(case, case.form_data)
    acting_resolve(person, _acting_key(case), service_code=case.item.code)
    materials_fetch(case)
    materials_check(case)
    with transaction.atomic(durable=True):
        receive(case, person.user)
    return case


def _acting_key(case: Case) -> str:
    if case.applicant_company_id:
        return f"company:{case.applicant_company_id}"
    if case.applicant_person_id and case.applicant_person_id != case.submitted_by_id:
        return f"person:{case.applicant_person_id}"
    return "self"


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
        channel="",
        prefer=Channel.MOBILE,  # the app's one-request door
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
    prefer: str = "",
) -> Applied:
    """Make a case received at once. Everything that can refuse the application is
    checked before anything is written — the item, whom it is for, the level, the form,
    every file, what is still missing — and the registries are asked before the
    transaction begins, so no database lock waits on another system. The case is then
    written once, already received. Files written before a failure are deleted again, so
    nothing is left half-saved.
    """
    case = _case_new(
        person=person,
        service_code=service_code,
        acting_for=acting_for,
        form=form,
        channel=channel,
        idempotency_key=idempotency_key,
        prefer=prefer,
    )
    form_check(case, case.form_data)
    checked = materials_checked(case, person, files)
    fetched = materials_fetched(case, have={one[0] for one in checked})
    have = {one[0] for one in checked} | {row.position for row in fetched}
    materials_check(case, have=have)
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
        with transaction.atomic(durable=True):
            receipt, written_events = receive(case, person.user, materials=materials)
    except BaseException as failure:
        for name in written:
            default_storage.delete(name)
        if isinstance(failure, IntegrityError):
            earlier = _earlier(person, idempotency_key)
            if earlier is not None:
                return Applied(earlier)
        raise
    return Applied(case, rows, [receipt], written_events)
