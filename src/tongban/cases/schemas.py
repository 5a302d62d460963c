"""The cases API's bodies and answers: what each endpoint takes and gives back.

Each staff step has its own body (`StepIn` and its subclasses): the OpenAPI document shows
exactly what each takes, and an unknown field is refused with 422.
"""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from tongban.cases.constants import SpecialProcedureKind


class CaseIn(Schema):
    service_code: str
    form: dict[str, Any] = {}
    channel: Literal["web", "mobile"] | None = Field(
        None, description="web or mobile, one the item offers; unnamed: the item's own"
    )
    submit: bool = False


class FormIn(Schema):
    form: dict[str, Any]


class SupplementIn(Schema):
    form: dict[str, Any] | None = None
    note: str = ""


class WithdrawIn(Schema):
    reason: str = ""


class StepIn(Schema):
    """A staff step's body: the case's version the clerk acted on, and nothing unknown."""

    model_config = ConfigDict(extra="forbid")

    expected_version: int = Field(description="the case's `version` you acted on")


class CorrectionIn(StepIn):
    items: list[str] = Field(description="everything to correct, one item each")


class ReasonIn(StepIn):
    reason: str


class ReviewIn(StepIn):
    opinion: str = Field(
        description="the review opinion; for a refusal, the reasons for it"
    )
    recommend: Literal["approve", "refuse"] = Field(
        description="the reviewer's recommendation, chosen: approve (准予许可) or "
        "refuse (不予许可); there is no default"
    )


class SpecialStartIn(StepIn):
    kind: SpecialProcedureKind
    reason: str
    basis: str = Field(description="the legal basis of the special procedure")
    limit_days: int | None = Field(None, ge=1, le=3650)


class SpecialEndIn(StepIn):
    result: str


class DeliverIn(StepIn):
    proof: str = Field(description="how it was delivered, and its receipt or waybill")


class ForwardIn(StepIn):
    service_code: str = Field(
        description="the item as the receiving department implements it"
    )
    reason: str


class CaseEventOut(Schema):
    at: dt.datetime
    action: str
    label: str = Field(
        description="what happened, in plain words of the language asked"
    )
    detail: str = Field(description="its facts in a sentence")
    by: str = Field(
        description="who acted: the applicant, the department (to applicants), or staff"
    )
    document: str = Field(description="the number of the document it issued, or empty")
    from_status: str
    to_status: str
    data: dict[str, Any] = Field(description="the event's typed payload")


class DocumentOut(Schema):
    kind: str
    label: str
    number: str
    issued_at: dt.datetime
    content: dict[str, Any]
    has_english: bool = Field(
        description="whether an English version for reference exists beside the "
        "Chinese (for applicants who prefer English): the download with ?lang=en"
    )


class CaseMaterialOut(Schema):
    position: int
    name: str
    source: str
    fetched: bool
    provenance: dict[str, Any]
    original_name: str
    content_type: str
    size: int
    sha256: str


class MaterialStatusOut(Schema):
    position: int
    name: str
    source: str = Field(description="applicant, or the government dataset holding it")
    required: bool
    status: str = Field(
        description="uploaded; fetched (免交); not_fetched: the government holds this "
        "kind of material but nothing could be fetched for this case — the registry "
        "holds no such document for the holder, could not be reached, or the form "
        "gives no document number — so the applicant uploads it; online_form: the "
        "item's application form, filled in online (nothing to upload); to_upload"
    )
    message: str = Field(description="for not_fetched, what the applicant is told")


class CaseOut(Schema):
    number: str
    version: int
    status: str
    status_label: str
    service_code: str
    service_name: str
    department: str
    applicant: str
    channel: str
    received_on: dt.date | None
    accepted_on: dt.date | None
    accepted_by_law: bool
    correction_due: dt.date | None
    legal_deadline: dt.date | None
    promised_deadline: dt.date | None
    deadline_pending_year: int | None
    extended: bool
    closing_type: str
    delivered: bool
    form: dict[str, Any]
    materials: list[CaseMaterialOut]
    material_status: list[MaterialStatusOut] = Field(
        description="every material of the guide, in order, with what the case has"
    )
    documents: list[DocumentOut]
    timeline: list[CaseEventOut]


class CaseRowOut(Schema):
    number: str
    status: str
    status_label: str
    service_name: str
    received_on: dt.date | None
    legal_deadline: dt.date | None


class CasePageOut(Schema):
    count: int = Field(description="how many there are in all, across every page")
    count_exact: bool = Field(
        True, description="false when `count` is a lower bound (a queue of over 1,000)"
    )
    items: list[CaseRowOut]


class QueueRowOut(CaseRowOut):
    promised_deadline: dt.date | None
    deadline_pending_year: int | None = Field(
        description="the year whose holiday arrangement the deadlines wait for, if any"
    )
    applicant: str = Field(
        description="a company's name, or the person's name as staff lists show it"
    )
    applicant_kind: Literal["company", "person"]
    applicant_identifier: str = Field(
        description="the company's credit code, or the person's masked document number"
    )
    claimed_by: str = Field(description="the username who claimed it, or empty")
    legal_working_days_left: int | None = Field(
        description="working days from today to the legal deadline, on the case's "
        "regional calendar (0: due today; negative: overdue by that many); null: see "
        "`legal_countdown`"
    )
    legal_countdown: Literal["", "pending", "not_started", "decided", "none"] = Field(
        description="why there is no count: pending (the calendar year is not yet "
        "published: 期限待定), not_started (it runs from acceptance), decided, none (no "
        "such limit)"
    )
    promised_working_days_left: int | None = Field(
        description="as `legal_working_days_left`, to the promised deadline"
    )
    promised_countdown: Literal["", "pending", "not_started", "decided", "none"]


class QueuePageOut(Schema):
    count: int = Field(description="how many there are in all, across every page")
    count_exact: bool = Field(
        True, description="false when `count` is a lower bound (a queue of over 1,000)"
    )
    items: list[QueueRowOut]


class ProgressOut(Schema):
    number: str
    status_label: str
    service_name: str
    department: str
    received_on: dt.date | None
    legal_deadline: dt.date | None
    steps: list[CaseEventOut]


class CounterCaseIn(Schema):
    service_code: str
    applicant_doc_type: str = "resident_id"
    applicant_doc_number: str
    form: dict[str, Any] = {}


class SupervisionRowOut(Schema):
    department: str
    code: str
    on_track: int
    due_soon: int
    overdue: int
    on_time_promised: int
    on_time_legal: int
    late: int
    pending: int


class FlaggedOut(Schema):
    number: str
    department: str
    service_name: str
    status: str
    legal_deadline: dt.date | None
    promised_deadline: dt.date | None
    state: str


class SupervisionOut(Schema):
    today: dt.date
    departments: list[SupervisionRowOut]
    flagged: list[FlaggedOut]
