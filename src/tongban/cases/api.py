"""The cases API: apply and follow (applicants), queues and steps (staff), public progress."""

import json
from collections.abc import Iterable
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from tongban.api.auth import acting_for, bearer
from tongban.api.auth import person_required as _person
from tongban.api.auth import staff_required as _staff
from tongban.cases import selectors, services
from tongban.cases.constants import Status as CaseStatus
from tongban.cases.documents import document_response
from tongban.cases.materials import material_upload as upload_material
from tongban.cases.materials import materials_status
from tongban.cases.models import Case, CaseDocument, CaseEvent, CaseMaterial
from tongban.cases.schemas import (
    CaseIn,
    CaseMaterialOut,
    CaseOut,
    CasePageOut,
    CorrectionIn,
    CounterCaseIn,
    DeliverIn,
    FormIn,
    ForwardIn,
    ProgressOut,
    QueuePageOut,
    ReasonIn,
    ReviewIn,
    SpecialEndIn,
    SpecialStartIn,
    StepIn,
    SupervisionOut,
    SupplementIn,
    WithdrawIn,
)
from tongban.cases.timeline import Audience, data_for, entry_for
from tongban.core.errors import InvalidInput, TooManyAttempts
from tongban.core.paging import LIMIT_MAX, OFFSET_MAX
from tongban.core.remote import client_address
from tongban.ops.ratelimits import rate_hit, rate_window_left

router = Router(tags=["cases"])


def _events(
    case: Case, audience: Audience, events: Iterable[CaseEvent] | None = None
) -> list[dict[str, Any]]:
    out = []
    for event in selectors.case_timeline(case) if events is None else events:
        entry = entry_for(event, case, audience=audience)
        if entry is None:
            continue
        out.append(
            {
                "at": event.at,
                "action": event.action,
                "label": entry.title,
                "detail": entry.detail,
                "by": entry.by,
                "document": entry.document,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "data": data_for(event, audience=audience),
            }
        )
    return out


def _out(
    case: Case,
    audience: Audience = "applicant",
    *,
    materials: Iterable[CaseMaterial] | None = None,
    documents: Iterable[CaseDocument] | None = None,
    events: Iterable[CaseEvent] | None = None,
) -> dict[str, Any]:
    """The case as its applicant or staff see it; a request that has just written the
    case's rows passes them, so they are not read back."""
    if materials is None:
        materials = case.materials.filter(replaced_at__isnull=True).order_by("position")
    materials = list(materials)
    if documents is None:
        documents = case.documents.order_by("issued_at", "pk")
    return {
        "number": case.number,
        "version": case.row_version,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "service_code": case.item.code,
        "service_name": case.item.name,
        "department": case.department.name,
        "applicant": case.applicant_name,
        "channel": case.channel,
        "received_on": case.received_on,
        "accepted_on": case.accepted_on,
        "accepted_by_law": case.accepted_by_law,
        "correction_due": case.correction_due,
        "legal_deadline": case.legal_deadline,
        "promised_deadline": case.promised_deadline,
        "deadline_pending_year": case.deadline_pending_year,
        "extended": case.extended,
        "closing_type": case.closing_type,
        "delivered": case.delivered_at is not None,
        "form": case.form_data,
        "materials": [_material(m) for m in materials],
        "material_status": materials_status(
            case, {m.position: m for m in materials if m.replaced_at is None}
        ),
        "documents": [
            {
                "kind": d.kind,
                "label": d.get_kind_display(),
                "number": d.number,
                "issued_at": d.issued_at,
                "content": d.content,
                "has_english": d.has_english,
            }
            for d in documents
        ],
        "timeline": _events(case, audience, events),
    }


def _material(material: Any) -> dict[str, Any]:
    return {
        "position": material.position,
        "name": material.name,
        "source": material.source,
        "fetched": not material.file,
        "provenance": {k: v for k, v in material.provenance.items() if k != "content"},
        "original_name": material.original_name,
        "content_type": material.content_type,
        "size": material.size,
        "sha256": material.sha256,
    }


def _rows(
    count: int, rows: Iterable[tuple[Any, ...]], *, most: int | None = None
) -> HttpResponse:
    """A page of rows, read as plain values (no model objects) and written as JSON
    directly: lists are the platform's busiest reads. Same shape as `CasePageOut`."""
    labels = {value: str(label) for value, label in CaseStatus.choices}
    out = [
        {
            "number": number,
            "status": status,
            "status_label": labels.get(status, status),
            "service_name": service_name,
            "received_on": received_on and received_on.isoformat(),
            "legal_deadline": legal_deadline and legal_deadline.isoformat(),
        }
        for number, status, service_name, received_on, legal_deadline in rows
    ]
    exact = most is None or count <= most
    page = {"count": count if exact else most, "count_exact": exact, "items": out}
    return HttpResponse(
        json.dumps(page, ensure_ascii=False),
        content_type="application/json",
    )


# The documents' answer, for the OpenAPI document (the views answer bytes themselves).
PDF = {
    "responses": {
        200: {
            "description": "The document as PDF",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}


# --- applicants ----------------------------------------------------------------------------


@router.post(
    "/cases", response={201: CaseOut}, auth=bearer, summary="Apply (or save a draft)"
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    case = services.case_create(
        person=_person(request),
        service_code=payload.service_code,
        acting_for=acting_for(request),
        form=payload.form,
        channel=payload.channel or "",
        submit=payload.submit,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, _out(case))


@router.post(
    "/cases/submissions",
    response={201: CaseOut},
    auth=bearer,
    summary="Apply in one request: form and files (multipart)",
)
def case_submission(request: HttpRequest) -> Status:
    """multipart/form-data: `service_code`, `form` (JSON), and a file per material named
    `material_<position>`; with `Idempotency-Key` a retry answers the same case."""
    try:
        form = json.loads(request.POST.get("form") or "{}")
    except ValueError as error:
        raise InvalidInput("invalid_form", _("申请表不是有效的 JSON。")) from error
    files = {}
    for name, upload in request.FILES.items():
        if name.startswith("material_") and name[9:].isdigit():
            files[int(name[9:])] = upload
    applied = services.case_apply_with_materials(
        person=_person(request),
        service_code=request.POST.get("service_code", ""),
        acting_for=acting_for(request),
        form=form if isinstance(form, dict) else {},
        files=files,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(
        201,
        _out(
            applied.case,
            materials=applied.materials,
            documents=applied.documents,
            events=applied.events,
        ),
    )


@router.get("/cases", response=CasePageOut, auth=bearer)
def cases(
    request: HttpRequest,
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
    limit: int = Query(20, ge=1, le=LIMIT_MAX),
) -> HttpResponse:
    """Newest first, a page at a time (`limit` at most 100): every case the caller may
    see. An `X-Acting-For` they may not use is refused (404), never ignored."""
    person = _person(request)
    acting_for(request)
    return _rows(*selectors.case_page_for_person(person, offset=offset, limit=limit))


@router.get("/cases/{number}", response=CaseOut, auth=bearer)
def case_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(selectors.case_for_person(_person(request), number))


@router.patch(
    "/cases/{number}", response=CaseOut, auth=bearer, summary="Change a draft"
)
def case_update(request: HttpRequest, number: str, payload: FormIn) -> dict[str, Any]:
    person = _person(request)
    case = selectors.case_for_person(person, number)
    return _out(services.case_draft_update(case=case, person=person, form=payload.form))


@router.post("/cases/{number}/submit", response=CaseOut, auth=bearer)
def case_submit(request: HttpRequest, number: str) -> dict[str, Any]:
    person = _person(request)
    case = selectors.case_for_person(person, number)
    key = request.headers.get("Idempotency-Key", "")
    return _out(services.case_submit(case=case, person=person, idempotency_key=key))


@router.post(
    "/cases/{number}/materials/{position}", response={201: CaseMaterialOut}, auth=bearer
)
def material_upload(
    request: HttpRequest, number: str, position: int, file: UploadedFile = File(...)
) -> Status:
    """Upload the file for material `position` (its place in the guide's list, from 0)."""
    person = _person(request)
    case = selectors.case_for_person(person, number)
    return Status(
        201,
        _material(
            upload_material(case=case, person=person, position=position, upload=file)
        ),
    )


@router.post("/cases/{number}/supplement", response=CaseOut, auth=bearer)
def case_supplement(
    request: HttpRequest, number: str, payload: SupplementIn
) -> dict[str, Any]:
    person = _person(request)
    case = selectors.case_for_person(person, number)
    return _out(
        services.case_supplement(
            case=case, person=person, form=payload.form, note=payload.note
        )
    )


@router.post("/cases/{number}/withdraw", response=CaseOut, auth=bearer)
def case_withdraw(
    request: HttpRequest, number: str, payload: WithdrawIn
) -> dict[str, Any]:
    person = _person(request)
    case = selectors.case_for_person(person, number)
    return _out(services.case_withdraw(case=case, person=person, reason=payload.reason))


@router.get(
    "/cases/{number}/documents/{document_number}.pdf", auth=bearer, openapi_extra=PDF
)
def case_document(
    request: HttpRequest,
    number: str,
    document_number: str,
    lang: Literal["zh-hans", "en"] = Query(
        "zh-hans",
        description="zh-hans: the document as issued, in Chinese; en: its English "
        "version for reference (the Chinese text prevails), only where the document "
        "says `has_english` — else 404",
    ),
) -> HttpResponse:
    """A notice or decision of the case as PDF: the bytes stored when it was issued."""
    return document_response(
        selectors.case_for_person(_person(request), number),
        document_number,
        english=lang == "en",
    )


# --- staff -------------------------------------------------------------------------------


def _queue_page(count: int, rows: Iterable[selectors.QueueRow]) -> HttpResponse:
    """A page of the queue written as JSON directly, as `_rows`: same shape as
    `QueuePageOut`."""
    labels = {value: str(label) for value, label in CaseStatus.choices}

    def day(value: Any) -> str | None:
        return value and value.isoformat()

    out = [
        {
            "number": row.number,
            "status": row.status,
            "status_label": labels.get(row.status, row.status),
            "service_name": row.service_name,
            "received_on": day(row.received_on),
            "legal_deadline": day(row.legal_deadline),
            "promised_deadline": day(row.promised_deadline),
            "deadline_pending_year": row.deadline_pending_year,
            "applicant": row.applicant,
            "applicant_kind": row.applicant_kind,
            "applicant_identifier": row.applicant_identifier,
            "claimed_by": row.claimed_by,
            "legal_working_days_left": row.legal_left.days,
            "legal_countdown": row.legal_left.reason,
            "promised_working_days_left": row.promised_left.days,
            "promised_countdown": row.promised_left.reason,
        }
        for row in rows
    ]
    most = selectors.QUEUE_COUNT_MAX
    exact = count <= most
    page = {"count": count if exact else most, "count_exact": exact, "items": out}
    return HttpResponse(
        json.dumps(page, ensure_ascii=False), content_type="application/json"
    )


@router.get("/workbench/queue", response=QueuePageOut, auth=bearer)
def queue(
    request: HttpRequest,
    status: str | None = None,
    mine: bool = False,
    q: str = Query(
        "",
        max_length=100,
        description="find by case number (exact or its start) or applicant: a part "
        "of the person's or company's name, the credit code, the document number",
    ),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
) -> HttpResponse:
    """Earliest deadline first, a page at a time (`limit` at most 100), with each case's
    applicant and the working days left to its deadlines. `count` is exact up to 1,000;
    beyond, it is 1,000 and `count_exact` is false."""
    staff = _staff(request)
    return _queue_page(
        *selectors.queue_page(
            staff, status=status, mine=mine, q=q, offset=offset, limit=limit
        )
    )


@router.get("/workbench/cases/{number}", response=CaseOut, auth=bearer)
def workbench_case(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(selectors.case_for_staff(_staff(request), number), "staff")


@router.get(
    "/workbench/cases/{number}/documents/{document_number}.pdf",
    auth=bearer,
    openapi_extra=PDF,
)
def workbench_document(
    request: HttpRequest, number: str, document_number: str
) -> HttpResponse:
    return document_response(
        selectors.case_for_staff(_staff(request), number), document_number
    )


@router.post("/workbench/cases/{number}/claim", response=CaseOut, auth=bearer)
def claim(request: HttpRequest, number: str) -> dict[str, Any]:
    staff = _staff(request)
    case = selectors.case_for_staff(staff, number)
    return _out(services.case_claim(case=case, staff=staff), "staff")


@router.post("/workbench/cases/{number}/release", response=CaseOut, auth=bearer)
def release(request: HttpRequest, number: str) -> dict[str, Any]:
    staff = _staff(request)
    case = selectors.case_for_staff(staff, number)
    return _out(services.case_release(case=case, staff=staff), "staff")


# --- staff steps: one endpoint each, each with its own body ------------------------------

ACTIONS = "/workbench/cases/{number}/actions"


def _step(
    request: HttpRequest, number: str, step: Any, **fields: Any
) -> dict[str, Any]:
    staff = _staff(request)
    case = selectors.case_for_staff(staff, number)
    return _out(step(case=case, staff=staff, **fields), "staff")


@router.post(f"{ACTIONS}/request_correction", response=CaseOut, auth=bearer)
def request_correction(
    request: HttpRequest, number: str, payload: CorrectionIn
) -> dict[str, Any]:
    """一次性告知补正: every item to correct, in one notice (there is no second one)."""
    return _step(request, number, services.case_request_correction, **payload.dict())


@router.post(f"{ACTIONS}/accept", response=CaseOut, auth=bearer)
def accept(request: HttpRequest, number: str, payload: StepIn) -> dict[str, Any]:
    """受理: issues the acceptance notice; the limits run from today."""
    return _step(request, number, services.case_accept, **payload.dict())


@router.post(f"{ACTIONS}/refuse_intake", response=CaseOut, auth=bearer)
def refuse_intake(
    request: HttpRequest, number: str, payload: ReasonIn
) -> dict[str, Any]:
    """不予受理, with the reason; issues the non-acceptance notice."""
    return _step(request, number, services.case_refuse_intake, **payload.dict())


@router.post(f"{ACTIONS}/review", response=CaseOut, auth=bearer)
def review(request: HttpRequest, number: str, payload: ReviewIn) -> dict[str, Any]:
    """The reviewer's opinion and recommendation (internal: applicants never see it)."""
    return _step(request, number, services.case_review, **payload.dict())


@router.post(f"{ACTIONS}/approve", response=CaseOut, auth=bearer)
def approve(request: HttpRequest, number: str, payload: StepIn) -> dict[str, Any]:
    """准予许可, by someone other than the reviewer; issues the approval decision."""
    return _step(request, number, services.case_approve, **payload.dict())


@router.post(f"{ACTIONS}/refuse", response=CaseOut, auth=bearer)
def refuse(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    """不予许可, with the reason; issues the refusal decision with the appeal rights."""
    return _step(request, number, services.case_refuse, **payload.dict())


@router.post(f"{ACTIONS}/extend", response=CaseOut, auth=bearer)
def extend(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    """延长审查期限 once by 10 working days (department head); issues the notice."""
    return _step(request, number, services.case_extend, **payload.dict())


@router.post(f"{ACTIONS}/special_start", response=CaseOut, auth=bearer)
def special_start(
    request: HttpRequest, number: str, payload: SpecialStartIn
) -> dict[str, Any]:
    """A special procedure begins: its time is not counted in the limits."""
    return _step(request, number, services.case_special_start, **payload.dict())


@router.post(f"{ACTIONS}/special_end", response=CaseOut, auth=bearer)
def special_end(
    request: HttpRequest, number: str, payload: SpecialEndIn
) -> dict[str, Any]:
    return _step(request, number, services.case_special_end, **payload.dict())


@router.post(f"{ACTIONS}/close", response=CaseOut, auth=bearer)
def close(request: HttpRequest, number: str, payload: StepIn) -> dict[str, Any]:
    return _step(request, number, services.case_close, **payload.dict())


@router.post(f"{ACTIONS}/deliver", response=CaseOut, auth=bearer)
def deliver(request: HttpRequest, number: str, payload: DeliverIn) -> dict[str, Any]:
    """送达: how the decision reached the applicant, with its proof."""
    return _step(request, number, services.case_deliver, **payload.dict())


@router.post(f"{ACTIONS}/forward", response=CaseOut, auth=bearer)
def forward(request: HttpRequest, number: str, payload: ForwardIn) -> dict[str, Any]:
    """转办 to the department that implements the same item, before acceptance."""
    return _step(request, number, services.case_forward, **payload.dict())


@router.post(f"{ACTIONS}/void", response=CaseOut, auth=bearer)
def void(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    """作废 a case that should never have been made (department head), before acceptance."""
    return _step(request, number, services.case_void, **payload.dict())


@router.post(
    f"{ACTIONS}/{{action}}", response=CaseOut, auth=bearer, include_in_schema=False
)
def unknown_action(request: HttpRequest, number: str, action: str) -> dict[str, Any]:
    selectors.case_for_staff(_staff(request), number)
    raise InvalidInput("invalid_action", _("未知的办理操作。"))


@router.post("/workbench/counter-cases", response={201: CaseOut}, auth=bearer)
def counter_case(request: HttpRequest, payload: CounterCaseIn) -> Status:
    """A clerk enters a walk-in applicant's application (channel `counter`)."""
    case = services.case_create_at_counter(staff=_staff(request), **payload.dict())
    return Status(201, _out(case, "staff"))


@router.get("/supervision", response=SupervisionOut, auth=bearer)
def supervision(request: HttpRequest, department: str | None = None) -> dict[str, Any]:
    """效能监察: cases near or past their limits, and on-time status, by department.
    Supervisors see every department; a department head sees their own."""
    report = selectors.supervision_for_staff(
        _staff(request), department_code=department
    )
    return {
        "today": report["today"],
        "departments": report["departments"],
        "flagged": [
            {
                "number": f["case"].number,
                "department": f["case"].department.name,
                "service_name": f["case"].item.name,
                "status": f["case"].status,
                "legal_deadline": f["case"].legal_deadline,
                "promised_deadline": f["case"].promised_deadline,
                "state": f["state"],
            }
            for f in report["flagged"]
        ],
    }


# --- anyone ------------------------------------------------------------------------------


@router.get(
    "/progress", response=ProgressOut, summary="Check a case's progress, no login"
)
def progress(request: HttpRequest, number: str, identity: str) -> dict[str, Any]:
    """By case number plus the applicant's document number or phone; 10 tries a minute
    from one address (`PROGRESS_CHECKS_PER_MINUTE`)."""
    client = client_address(request)
    limit = settings.PROGRESS_CHECKS_PER_MINUTE
    # Counted in the database: the limit holds across every web process and server.
    if not rate_hit(key=f"progress:{client}", limit=limit, window_seconds=60):
        raise TooManyAttempts(
            "too_many_attempts",
            _("查询过于频繁，请一分钟后再试。"),
            extra={"retry_after": rate_window_left(window_seconds=60)},
        )
    case = selectors.case_by_number_and_identity(number, identity)
    return {
        "number": case.number,
        "status_label": str(CaseStatus(case.status).label),
        "service_name": case.item.name,
        "department": case.department.name,
        "received_on": case.received_on,
        "legal_deadline": case.legal_deadline,
        # Anyone with the number and a phone may ask: what happened and when, never the
        # reasons, items, notes or documents of a step.
        "steps": [
            {**e, "detail": "", "document": "", "data": {}}
            for e in _events(case, "applicant")
        ],
    }
