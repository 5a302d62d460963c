"""The cases API: apply and follow (applicants), queues and steps (staff), public progress."""

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from tongban.accounts.api import bearer
from tongban.accounts.api import person_required as _person
from tongban.accounts.api import staff_required as _staff
from tongban.cases import selectors, services
from tongban.cases.constants import Action
from tongban.cases.constants import Status as CaseStatus
from tongban.cases.models import Case, CaseDocument, CaseEvent, CaseMaterial
from tongban.cases.views import document_response
from tongban.core.errors import Forbidden, TooManyAttempts

router = Router(tags=["cases"])


class CaseIn(Schema):
    service_code: str
    form: dict[str, Any] = {}
    channel: str = "web"
    submit: bool = False


class FormIn(Schema):
    form: dict[str, Any]


class SupplementIn(Schema):
    form: dict[str, Any] | None = None
    note: str = ""


class WithdrawIn(Schema):
    reason: str = ""


class ActionIn(Schema):
    expected_version: int = Field(description="the case's `version` you acted on")
    items: list[str] = []
    reason: str = ""
    opinion: str = ""
    recommend: str = ""
    kind: str = ""
    basis: str = ""
    limit_days: int | None = None
    result: str = ""
    proof: str = ""
    service_code: str = Field(
        "", description="forward: the item as the receiving department implements it"
    )


class EventOut(Schema):
    at: dt.datetime
    action: str
    label: str
    from_status: str
    to_status: str
    data: dict[str, Any]


class DocumentOut(Schema):
    kind: str
    label: str
    number: str
    issued_at: dt.datetime
    content: dict[str, Any]


class MaterialOut(Schema):
    position: int
    name: str
    source: str
    fetched: bool
    provenance: dict[str, Any]
    original_name: str
    content_type: str
    size: int
    sha256: str


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
    materials: list[MaterialOut]
    documents: list[DocumentOut]
    timeline: list[EventOut]


class CaseRowOut(Schema):
    number: str
    status: str
    status_label: str
    service_name: str
    received_on: dt.date | None
    legal_deadline: dt.date | None


class ProgressOut(Schema):
    number: str
    status_label: str
    service_name: str
    department: str
    received_on: dt.date | None
    legal_deadline: dt.date | None
    steps: list[EventOut]


def _events(
    case: Case, events: Iterable[CaseEvent] | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "action": e.action,
            "label": str(Action(e.action).label)
            if e.action in Action.values
            else e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "data": e.data,
        }
        for e in (selectors.case_timeline(case) if events is None else events)
    ]


def _out(
    case: Case,
    *,
    materials: Iterable[CaseMaterial] | None = None,
    documents: Iterable[CaseDocument] | None = None,
    events: Iterable[CaseEvent] | None = None,
) -> dict[str, Any]:
    """The case as its applicant or staff see it; a request that has just written the
    case's rows passes them, so they are not read back."""
    if materials is None:
        materials = case.materials.filter(replaced_at__isnull=True).order_by("position")
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
        "documents": [
            {
                "kind": d.kind,
                "label": d.get_kind_display(),
                "number": d.number,
                "issued_at": d.issued_at,
                "content": d.content,
            }
            for d in documents
        ],
        "timeline": _events(case, events),
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


def _page(offset: int, limit: int) -> tuple[int, int]:
    return max(offset, 0), min(max(limit, 1), 100)


def _rows(rows: Iterable[tuple[Any, ...]]) -> HttpResponse:
    """A page of rows, read as plain values (no model objects) and written as JSON
    directly: lists are the platform's busiest reads. Same shape as `CaseRowOut`."""
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
    return HttpResponse(
        json.dumps(out, ensure_ascii=False), content_type="application/json"
    )


# --- applicants ----------------------------------------------------------------------------


@router.post(
    "/cases", response={201: CaseOut}, auth=bearer, summary="Apply (or save a draft)"
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    case = services.case_create(
        person=_person(request),
        service_code=payload.service_code,
        acting_for=request.headers.get("X-Acting-For", "self"),
        form=payload.form,
        channel=payload.channel,
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
    from tongban.core.errors import InvalidInput

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
        acting_for=request.headers.get("X-Acting-For", "self"),
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


@router.get("/cases", response=list[CaseRowOut], auth=bearer)
def cases(request: HttpRequest, offset: int = 0, limit: int = 20) -> HttpResponse:
    """Newest first, a page at a time (`limit` at most 100)."""
    offset, limit = _page(offset, limit)
    return _rows(
        selectors.case_rows_for_person(_person(request), offset=offset, limit=limit)
    )


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
    "/cases/{number}/materials/{position}", response={201: MaterialOut}, auth=bearer
)
def material_upload(
    request: HttpRequest, number: str, position: int, file: UploadedFile = File(...)
) -> Status:
    """Upload the file for material `position` (its place in the guide's list, from 0)."""
    from tongban.cases.materials import material_upload as upload

    person = _person(request)
    case = selectors.case_for_person(person, number)
    return Status(
        201, _material(upload(case=case, person=person, position=position, upload=file))
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


@router.get("/cases/{number}/documents/{document_number}.pdf", auth=bearer)
def case_document(
    request: HttpRequest, number: str, document_number: str
) -> HttpResponse:
    """A notice or decision of the case as PDF."""
    return document_response(
        selectors.case_for_person(_person(request), number), document_number
    )


# --- staff -------------------------------------------------------------------------------


@router.get("/workbench/queue", response=list[CaseRowOut], auth=bearer)
def queue(
    request: HttpRequest,
    status: str | None = None,
    mine: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> HttpResponse:
    """Earliest deadline first, a page at a time (`limit` at most 100)."""
    staff = _staff(request)
    offset, limit = _page(offset, limit)
    return _rows(
        selectors.queue_rows(
            staff, status=status, mine=mine, offset=offset, limit=limit
        )
    )


@router.get("/workbench/cases/{number}", response=CaseOut, auth=bearer)
def workbench_case(request: HttpRequest, number: str) -> dict[str, Any]:
    return _out(selectors.case_for_staff(_staff(request), number))


@router.get("/workbench/cases/{number}/documents/{document_number}.pdf", auth=bearer)
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
    return _out(services.case_claim(case=case, staff=staff))


@router.post("/workbench/cases/{number}/release", response=CaseOut, auth=bearer)
def release(request: HttpRequest, number: str) -> dict[str, Any]:
    staff = _staff(request)
    case = selectors.case_for_staff(staff, number)
    return _out(services.case_claim(case=case, staff=staff, release=True))


@router.post(
    "/workbench/cases/{number}/actions/{action}", response=CaseOut, auth=bearer
)
def act(
    request: HttpRequest, number: str, action: str, payload: ActionIn
) -> dict[str, Any]:
    """One step: request_correction, accept, refuse_intake, review, approve, refuse, extend,
    special_start, special_end, close, deliver, forward, void."""
    staff = _staff(request)
    case = selectors.case_for_staff(staff, number)
    data = payload.dict()
    expected = data.pop("expected_version")
    return _out(
        services.case_act(
            case=case,
            staff=staff,
            action=action,
            expected_version=expected,
            payload=data,
        )
    )


class CounterCaseIn(Schema):
    service_code: str
    applicant_doc_type: str = "resident_id"
    applicant_doc_number: str
    form: dict[str, Any] = {}


@router.post("/workbench/counter-cases", response={201: CaseOut}, auth=bearer)
def counter_case(request: HttpRequest, payload: CounterCaseIn) -> Status:
    """A clerk enters a walk-in applicant's application (channel `counter`)."""
    case = services.case_create_at_counter(staff=_staff(request), **payload.dict())
    return Status(201, _out(case))


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


@router.get("/supervision", response=SupervisionOut, auth=bearer)
def supervision(request: HttpRequest, department: str | None = None) -> dict[str, Any]:
    """效能监察: cases near or past their limits, and on-time status, by department.
    Supervisors see every department; a department head sees their own."""
    from tongban.catalog.constants import StaffRole

    staff = _staff(request)
    if staff.has_role(StaffRole.SUPERVISOR):
        scope = department
    elif staff.has_role(StaffRole.DEPARTMENT_HEAD):
        scope = staff.department.code
    else:
        raise Forbidden("not_authorised", _("该页面仅供效能监察人员和部门负责人使用。"))
    report = selectors.supervision(department_code=scope)
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
    """By case number plus the applicant's document number or phone; 10 tries a minute."""
    client = request.META.get("REMOTE_ADDR", "")
    key = f"tongban.progress:{client}"
    tries = int(cache.get(key) or 0)
    if tries >= 10:
        raise TooManyAttempts("too_many_attempts", _("查询过于频繁，请一分钟后再试。"))
    cache.set(key, tries + 1, timeout=60)
    case = selectors.case_by_number_and_identity(number, identity)
    return {
        "number": case.number,
        "status_label": str(CaseStatus(case.status).label),
        "service_name": case.item.name,
        "department": case.department.name,
        "received_on": case.received_on,
        "legal_deadline": case.legal_deadline,
        "steps": [
            {**e, "data": {}}
            for e in _events(case)
            if e["action"] not in ("claim", "release")
        ],
    }
