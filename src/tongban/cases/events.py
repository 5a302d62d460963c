"""Case events as a contract: one constructor per kind, each payload a `TypedDict`.

Timelines, notifications and (later) statistics and ratings read these payloads, so each
one carries the facts as they were when it happened — a submit or decision event the
department, region, service, channel, approval mode and deadlines of that moment — and
readers never join today's case to learn what was true then. A constructor answers a
`Happened` (the kind and its payload); `event_build` turns it into the row, written by the
step in the same transaction as the change it records.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from django.contrib.auth.models import User

from tongban.cases.constants import Action
from tongban.cases.models import Case, CaseDocument, CaseEvent, SpecialProcedure
from tongban.core import clock


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class Facts(TypedDict):
    """What was true of the case when a submit or decision event happened."""

    department_code: str
    department: str
    region: str
    service_code: str
    service: str
    channel: str
    approval_mode: str
    legal_deadline: str | None
    promised_deadline: str | None


def facts_of(case: Case) -> Facts:
    return Facts(
        department_code=case.department.code,
        department=case.department.name,
        region=case.region,
        service_code=case.item.code,
        service=case.item.name,
        channel=case.channel,
        approval_mode=case.approval_mode,
        legal_deadline=_iso(case.legal_deadline),
        promised_deadline=_iso(case.promised_deadline),
    )


# --- payloads, one per kind --------------------------------------------------------------


class Drafted(TypedDict):
    channel: str
    forwarded_from: NotRequired[str]  # a forwarded case: the number it came from
    from_department: NotRequired[str]


class Submitted(TypedDict):
    facts: Facts
    document: str  # the receipt's number
    correction_due: str | None
    from_department: NotRequired[str]  # a forwarded case: who sent it on


class CorrectionRequested(TypedDict):
    items: list[str]
    document: str


class Supplemented(TypedDict):
    note: str


class Accepted(TypedDict):
    facts: Facts
    document: str
    accepted_on: str | None


class AcceptedByLaw(TypedDict):
    facts: Facts
    accepted_on: str | None
    basis: str


class IntakeRefused(TypedDict):
    facts: Facts
    document: str
    reason: str


class Reviewed(TypedDict):
    """Internal: the applicant's timeline says only that the review is done."""

    opinion: str
    recommend: str  # approve | refuse


class Approved(TypedDict):
    facts: Facts
    document: str
    decided_on: str | None


class Refused(TypedDict):
    facts: Facts
    document: str
    decided_on: str | None
    reason: str


class Extended(TypedDict):
    reason: str
    legal_deadline: str | None
    document: str


class SpecialStarted(TypedDict):
    procedure: int
    kind: str
    reason: str
    basis: str
    document: str


class SpecialEnded(TypedDict):
    procedure: int
    kind: str
    result: str
    legal_deadline: str | None


class Withdrawn(TypedDict):
    reason: str


class Closed(TypedDict):
    closing_type: str


class Delivered(TypedDict):
    proof: str
    on_time: bool


class Forwarded(TypedDict):
    new_number: str
    department: str  # the department it went to (the applicant's message names it)
    department_code: str
    reason: str


class Voided(TypedDict):
    reason: str


class Claimed(TypedDict):
    pass


class Released(TypedDict):
    pass


class DeadlinesComputed(TypedDict):
    legal_deadline: str | None
    promised_deadline: str | None


# Each kind's payload: what the renderer, the migration and their tests are checked against.
PAYLOADS: dict[str, type] = {
    Action.DRAFT: Drafted,
    Action.SUBMIT: Submitted,
    Action.REQUEST_CORRECTION: CorrectionRequested,
    Action.SUPPLEMENT: Supplemented,
    Action.ACCEPT: Accepted,
    Action.ACCEPT_BY_LAW: AcceptedByLaw,
    Action.REFUSE_INTAKE: IntakeRefused,
    Action.REVIEW: Reviewed,
    Action.APPROVE: Approved,
    Action.REFUSE: Refused,
    Action.EXTEND: Extended,
    Action.SPECIAL_START: SpecialStarted,
    Action.SPECIAL_END: SpecialEnded,
    Action.WITHDRAW: Withdrawn,
    Action.CLOSE: Closed,
    Action.DELIVER: Delivered,
    Action.FORWARD: Forwarded,
    Action.VOID: Voided,
    Action.CLAIM: Claimed,
    Action.RELEASE: Released,
    Action.DEADLINES: DeadlinesComputed,
}


@dataclass(frozen=True)
class Happened:
    """An event about to be recorded: its kind and its payload."""

    action: str
    data: Any  # one of the payloads above, as `PAYLOADS[action]` says


# --- constructors ------------------------------------------------------------------------


def drafted(
    case: Case, *, forwarded_from: Case | None = None, from_department: str = ""
) -> Happened:
    data = Drafted(channel=case.channel)
    if forwarded_from is not None:
        data["forwarded_from"] = forwarded_from.number
        data["from_department"] = from_department
    return Happened(Action.DRAFT, data)


def submitted(
    case: Case, *, receipt: CaseDocument, from_department: str = ""
) -> Happened:
    data = Submitted(
        facts=facts_of(case),
        document=receipt.number,
        correction_due=_iso(case.correction_due),
    )
    if from_department:
        data["from_department"] = from_department
    return Happened(Action.SUBMIT, data)


def correction_requested(*, items: list[str], document: CaseDocument) -> Happened:
    return Happened(
        Action.REQUEST_CORRECTION,
        CorrectionRequested(items=items, document=document.number),
    )


def supplemented(*, note: str) -> Happened:
    return Happened(Action.SUPPLEMENT, Supplemented(note=note))


def accepted(case: Case, *, document: CaseDocument) -> Happened:
    return Happened(
        Action.ACCEPT,
        Accepted(
            facts=facts_of(case),
            document=document.number,
            accepted_on=_iso(case.accepted_on),
        ),
    )


def accepted_by_law(case: Case, *, basis: str) -> Happened:
    return Happened(
        Action.ACCEPT_BY_LAW,
        AcceptedByLaw(
            facts=facts_of(case), accepted_on=_iso(case.accepted_on), basis=basis
        ),
    )


def intake_refused(case: Case, *, reason: str, document: CaseDocument) -> Happened:
    return Happened(
        Action.REFUSE_INTAKE,
        IntakeRefused(facts=facts_of(case), document=document.number, reason=reason),
    )


def reviewed(*, opinion: str, recommend: str) -> Happened:
    return Happened(Action.REVIEW, Reviewed(opinion=opinion, recommend=recommend))


def approved(case: Case, *, document: CaseDocument) -> Happened:
    return Happened(
        Action.APPROVE,
        Approved(
            facts=facts_of(case),
            document=document.number,
            decided_on=_iso(case.decided_on),
        ),
    )


def refused(case: Case, *, reason: str, document: CaseDocument) -> Happened:
    return Happened(
        Action.REFUSE,
        Refused(
            facts=facts_of(case),
            document=document.number,
            decided_on=_iso(case.decided_on),
            reason=reason,
        ),
    )


def extended(case: Case, *, reason: str, document: CaseDocument) -> Happened:
    return Happened(
        Action.EXTEND,
        Extended(
            reason=reason,
            legal_deadline=_iso(case.legal_deadline),
            document=document.number,
        ),
    )


def special_started(*, procedure: SpecialProcedure, document: CaseDocument) -> Happened:
    return Happened(
        Action.SPECIAL_START,
        SpecialStarted(
            procedure=procedure.pk,
            kind=procedure.kind,
            reason=procedure.reason,
            basis=procedure.basis,
            document=document.number,
        ),
    )


def special_ended(case: Case, *, procedure: SpecialProcedure) -> Happened:
    return Happened(
        Action.SPECIAL_END,
        SpecialEnded(
            procedure=procedure.pk,
            kind=procedure.kind,
            result=procedure.result,
            legal_deadline=_iso(case.legal_deadline),
        ),
    )


def withdrawn(*, reason: str) -> Happened:
    return Happened(Action.WITHDRAW, Withdrawn(reason=reason))


def closed(case: Case) -> Happened:
    return Happened(Action.CLOSE, Closed(closing_type=case.closing_type))


def delivered(case: Case, *, on_time: bool) -> Happened:
    return Happened(
        Action.DELIVER, Delivered(proof=case.delivery_proof, on_time=on_time)
    )


def forwarded(*, to: Case, reason: str) -> Happened:
    return Happened(
        Action.FORWARD,
        Forwarded(
            new_number=to.number,
            department=to.department.name,
            department_code=to.department.code,
            reason=reason,
        ),
    )


def voided(*, reason: str) -> Happened:
    return Happened(Action.VOID, Voided(reason=reason))


def claimed() -> Happened:
    return Happened(Action.CLAIM, Claimed())


def released() -> Happened:
    return Happened(Action.RELEASE, Released())


def deadlines_computed(case: Case) -> Happened:
    return Happened(
        Action.DEADLINES,
        DeadlinesComputed(
            legal_deadline=_iso(case.legal_deadline),
            promised_deadline=_iso(case.promised_deadline),
        ),
    )


# --- rows ---------------------------------------------------------------------------------


def event_build(
    case: Case,
    happened: Happened,
    *,
    actor: User | None,
    before: str,
    after: str | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """The row for an event, not yet saved (a step saves it, alone or with others)."""
    return CaseEvent(
        case=case,
        action=happened.action,
        from_status=before,
        to_status=case.status if after is None else after,
        at=at or clock.now(),
        actor=actor,
        data=dict(happened.data),
    )


def event_record(
    case: Case, happened: Happened, *, actor: User | None, before: str
) -> CaseEvent:
    event = event_build(case, happened, actor=actor, before=before)
    event.save(force_insert=True)
    return event
