"""Pages: apply and follow (applicants), the workbench queue and case page (staff)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.accounts.selectors import acting_options, person_of, staff_of
from tongban.cases import selectors, services
from tongban.cases.constants import (
    WITHDRAWABLE,
    Action,
    DocumentKind,
    SpecialProcedureKind,
    Status,
)
from tongban.cases.documents import document_response
from tongban.cases.forms import (
    ItemsForm,
    UploadForm,
    form_answers,
    form_values,
    schema_form,
)
from tongban.cases.materials import material_upload, materials_fetch, materials_status
from tongban.cases.models import Case
from tongban.cases.timeline import recommendation_label, timeline_for
from tongban.catalog.selectors import service_get
from tongban.core.errors import DomainError, InvalidInput, NotFound
from tongban.core.headers import allow_webassembly, as_download
from tongban.core.paging import OFFSET_MAX
from tongban.notifications.selectors import channels_of, staff_inbox
from tongban.notifications.services import staff_case_messages_read


def _person(request: HttpRequest) -> Any:
    person = person_of(request.user)
    if person is None:
        raise NotFound("not_found", _("未找到。"))
    return person


def _error(
    request: HttpRequest, error: DomainError, form: forms.Form | None = None
) -> None:
    """The error's message on top of the page; a field's own message goes under that field
    when `form` (bound) has it, and is listed after the message when it has not. An
    upload's `file` carries a reason code for programs (`unreadable`, `javascript`), not
    words: its message says it all."""
    details = []
    for name, message in (error.fields or {}).items():
        if name == "file":
            continue
        if form is not None and name in form.fields:
            if name not in form.errors:  # the form's own message for it says enough
                form.add_error(name, str(message))
        else:
            details.append(str(message))
    messages.error(request, f"{error.message} {'；'.join(details)}".strip())


def _refusal(form: forms.Form) -> InvalidInput:
    """What the page says on top when the form itself refused; each field says why."""
    return InvalidInput(
        "invalid_form",
        _("申请表有 %(n)d 处需要修改。") % {"n": len(form.errors)},
    )


def _not_found(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "accounts/message.html",
        {"title": _("办件"), "text": error.message},
        status=error.status,
    )


def _eligible(person: Any, item: Any) -> list[Any]:
    """Whom the person may apply for with this item: the identities of the acting switch
    whose kind the item is for (a company for organisations' items) and whose grant, if
    any, covers it."""
    kinds = {k for k in item.subject_types.split(",") if k}
    return [
        option
        for option in acting_options(person)
        if ("organisation" if option.kind == "company" else "person") in kinds
        and option.allows(item.code)
    ]


def _level_needed(required: int) -> dict[str, Any]:
    """What a person below the item's level does next, in plain words, not `L3`."""
    if required <= 2:
        return {
            "title": _("需要先完成实名认证"),
            "text": _(
                "核对您的姓名和证件号码（由登记机关在线核验，约 1 分钟）。"
                "认证后回到这里继续申请。"
            ),
            "verify": True,
        }
    if required == 3:
        return {
            "title": _("需要刷脸认证"),
            "text": _(
                "该事项要求在线人脸核验，确认是您本人在办理。网上刷脸认证尚未开通；"
                "请携带身份证件到政务服务中心窗口核验身份，或在窗口办理该事项。"
            ),
            "verify": False,
        }
    return {
        "title": _("需要到窗口核验身份"),
        "text": _("该事项要求携带身份证件原件到政务服务中心窗口，当面核验身份后办理。"),
        "verify": False,
    }


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Fill the item's form for whom you act for; saving makes a draft to add materials to.
    Who may apply and the level are checked first: a person who cannot apply (for this
    identity, at this level) is told what to do instead of being given the form."""
    person = _person(request)
    try:
        item = service_get(code=code)
    except DomainError as error:
        return _not_found(request, error)
    acting = request.acting.key if request.acting else "self"  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "item": item,
        "acting": request.acting,  # type: ignore[attr-defined]
        "eligible": _eligible(person, item),
        "here": request.get_full_path(),
    }
    try:
        services.application_check(person=person, service_code=code, acting_for=acting)
    except DomainError as error:
        context["barrier"] = error
        if error.code == "level_too_low":
            context["level_needed"] = _level_needed(
                int((error.extra or {}).get("required_level", 2))
            )
        return render(request, "cases/apply.html", context, status=200)
    schema = item.current_version.content.get("form")
    form = schema_form(schema, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(
                person=person,
                service_code=code,
                acting_for=acting,
                form=form_values(schema, form.cleaned_data),
            )
        except DomainError as error:
            _error(request, error, form)
        else:
            messages.success(request, _("草稿已保存。请上传材料，确认后提交。"))
            return redirect("cases:detail", number=case.number)
    elif request.method == "POST":
        _error(request, _refusal(form))
    return render(request, "cases/apply.html", {**context, "form": form})


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    return render(
        request, "cases/list.html", {"cases": selectors.cases_for_person(person)[:100]}
    )


def _materials(case: Case) -> list[dict[str, Any]]:
    catalogue = case.version.content.get("materials") or []
    current = {m.position: m for m in case.materials.filter(replaced_at__isnull=True)}
    status = materials_status(case, current)
    return [
        {"position": i, "spec": spec, "have": current.get(i), "status": status[i]}
        for i, spec in enumerate(catalogue)
    ]


def _clock_waits(case: Case) -> dict[str, bool]:
    """Which of the item's deadlines exist but are not yet running: the legal and the
    promised time limits count from acceptance, so before it the page says so."""
    waiting = case.accepted_on is None and case.status in (
        Status.DRAFT,
        Status.RECEIVED,
        Status.CORRECTION_REQUESTED,
    )
    content = case.version.content
    return {
        "legal": waiting
        and not case.legal_deadline
        and bool(content.get("legal_limit")),
        "promised": waiting
        and not case.promised_deadline
        and bool(content.get("promised_limit")),
    }


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    person = _person(request)
    try:
        case = selectors.case_for_person(person, number)
    except DomainError as error:
        return _not_found(request, error)
    schema = case.version.content.get("form")
    editable = case.status == Status.DRAFT and case.submitted_by_id == person.pk
    form = schema_form(
        schema,
        request.POST if request.POST.get("do") == "save" else None,
        initial=case.form_data,
    )
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "save" and editable and not form.is_valid():
                raise _refusal(form)
            if do == "save" and editable:
                services.case_draft_update(
                    case=case,
                    person=person,
                    form=form_values(schema, form.cleaned_data),
                )
                messages.success(request, _("已保存。"))
            elif do == "upload":
                upload = UploadForm(request.POST, request.FILES)
                if upload.is_valid():
                    material_upload(
                        case=case,
                        person=person,
                        position=int(request.POST.get("position", -1)),
                        upload=upload.cleaned_data["file"],
                    )
                    messages.success(request, _("材料已上传。"))
                else:
                    messages.error(request, _("请选择要上传的文件。"))
            elif do == "submit":
                services.case_submit(case=case, person=person)
                messages.success(
                    request,
                    _("申请已提交，办件编号 %(number)s。") % {"number": case.number},
                )
            elif do == "supplement":
                services.case_supplement(
                    case=case, person=person, note=request.POST.get("note", "")
                )
                messages.success(request, _("补正材料已提交。"))
            elif do == "withdraw":
                services.case_withdraw(
                    case=case, person=person, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("申请已撤回。"))
        except DomainError as error:
            if editable and not form.is_bound and error.code == "invalid_form":
                # Submitting found the saved form wanting: show it checked, as saved.
                form = schema_form(schema, dict(case.form_data))
                form.is_valid()
            _error(request, error, form if form.is_bound else None)
        else:
            return redirect("cases:detail", number=case.number)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "form": form,
            "editable": editable,
            "answers": form_answers(schema, case.form_data),
            "clock_waits": _clock_waits(case),
            "materials": _materials(case),
            "upload_form": UploadForm(),
            "can_upload": case.status in (Status.DRAFT, Status.CORRECTION_REQUESTED)
            and case.submitted_by_id == person.pk,
            "can_withdraw": case.status in WITHDRAWABLE
            and case.submitted_by_id == person.pk,
            "timeline": timeline_for(
                case, selectors.case_timeline(case), audience="applicant"
            ),
            "is_applicant": True,
            "told_by": channels_of(person),
        },
    )


def _problems(case: Case) -> list[DomainError]:
    """What stops a draft being submitted, each said once: its form, its materials."""
    problems: list[DomainError] = []
    for check in (
        lambda: services.form_check(case, case.form_data),
        lambda: services.materials_check(case),
    ):
        try:
            check()
        except DomainError as error:
            problems.append(error)
    return problems


@login_required
def case_check(request: HttpRequest, number: str) -> HttpResponse:
    """Check your answers: the form and the materials as they will be submitted, each with
    a link to change it, what is still missing, then the one button that submits."""
    person = _person(request)
    try:
        case = selectors.case_for_person(person, number)
    except DomainError as error:
        return _not_found(request, error)
    if case.status != Status.DRAFT or case.submitted_by_id != person.pk:
        return redirect("cases:detail", number=case.number)
    if request.method == "POST":
        try:
            services.case_submit(case=case, person=person)
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("申请已提交，办件编号 %(number)s。") % {"number": case.number},
            )
            return redirect("cases:detail", number=case.number)
    # What the government holds is asked for again, as submitting would: a registry that
    # was down, or a document number put right since the draft, is not a missing material.
    materials_fetch(case)
    schema = case.version.content.get("form")
    return render(
        request,
        "cases/check.html",
        {
            "case": case,
            "answers": form_answers(schema, case.form_data),
            "materials": _materials(case),
            "problems": _problems(case),
            "acting": request.acting,  # type: ignore[attr-defined]
        },
    )


def _case_for_viewer(request: HttpRequest, number: str) -> Case:
    """The case as its applicant or as staff of its department sees it, else 404."""
    staff = staff_of(request.user)
    if staff is not None:
        return selectors.case_for_staff(staff, number)
    return selectors.case_for_person(_person(request), number)


def _material(case: Case, material_id: int) -> Any:
    material = case.materials.filter(pk=material_id).exclude(file="").first()
    if material is None:
        raise NotFound("not_found", _("未找到。"))
    return material


@login_required
def material_file(
    request: HttpRequest, number: str, material_id: int
) -> HttpResponse | FileResponse:
    """The stored file itself, as a download (the viewer shows it on a page)."""
    try:
        material = _material(_case_for_viewer(request, number), material_id)
    except DomainError as error:
        return _not_found(request, error)
    response = FileResponse(
        material.file.open("rb"), content_type=material.content_type
    )
    as_download(response, material.original_name or material.file.name)
    return response


@login_required
def document_file(
    request: HttpRequest, number: str, document_number: str
) -> HttpResponse:
    try:
        case = _case_for_viewer(request, number)
        english = request.GET.get("lang") == "en"
        return document_response(case, document_number, english=english)
    except DomainError as error:
        return _not_found(request, error)


def _viewer(
    request: HttpRequest, case: Case, *, title: str, raw_url: str, kind: str, size: str
) -> HttpResponse:
    back = (
        reverse("cases:workbench_case", args=[case.number])
        if staff_of(request.user) is not None
        else reverse("cases:detail", args=[case.number])
    )
    page = render(
        request,
        "cases/viewer.html",
        {
            "case": case,
            "title": title,
            "raw_url": raw_url,
            "is_pdf": kind == "application/pdf",
            "size": size,
            "back": back,
        },
    )
    allow_webassembly(page)  # pdf.js's image decoders
    return page


@login_required
def material_view(request: HttpRequest, number: str, material_id: int) -> HttpResponse:
    """A material on a page of the platform: an image in the page, a PDF in pdf.js."""
    try:
        case = _case_for_viewer(request, number)
        material = _material(case, material_id)
    except DomainError as error:
        return _not_found(request, error)
    return _viewer(
        request,
        case,
        title=f"{material.name} · {material.original_name}",
        raw_url=reverse("cases:material", args=[case.number, material.pk]),
        kind=material.content_type,
        size=filesizeformat(material.size),
    )


@login_required
def document_view(
    request: HttpRequest, number: str, document_number: str
) -> HttpResponse:
    """A notice or decision of the case on a page of the platform, in pdf.js;
    `?lang=en`: its English version for reference, where the applicant has one."""
    english = request.GET.get("lang") == "en"
    try:
        case = _case_for_viewer(request, number)
        document = case.documents.filter(number=document_number).first()
        if document is None or (english and not document.has_english):
            raise NotFound("not_found", _("未找到该文书。"))
    except DomainError as error:
        return _not_found(request, error)
    raw_url = reverse("cases:document", args=[case.number, document.number])
    title = f"{document.get_kind_display()} · {document.number}"
    if english:
        raw_url += "?lang=en"
        title = _("%(title)s（英文译本，仅供参考）") % {"title": title}
    return _viewer(
        request, case, title=title, raw_url=raw_url, kind="application/pdf", size=""
    )


# --- workbench ---------------------------------------------------------------------------


def _staff(request: HttpRequest) -> Any:
    staff = staff_of(request.user)
    if staff is None:
        raise NotFound("not_found", _("未找到。"))
    return staff


QUEUE_PAGE_SIZE = 50


def _page_number(value: str | None) -> int:
    """The page asked for (`?page=`), 1 if it is not a page number, never past the
    offsets a list allows."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), OFFSET_MAX // QUEUE_PAGE_SIZE + 1)


@login_required(login_url="accounts:staff_login")
def workbench(request: HttpRequest) -> HttpResponse:
    """待办件: the department's open cases, earliest deadline first, a page at a time;
    found by case number or applicant (`q`)."""
    status = request.GET.get("status") or None
    mine = request.GET.get("mine") == "1"
    q = " ".join(request.GET.get("q", "").split())[:100]
    page = _page_number(request.GET.get("page"))
    try:
        staff = _staff(request)
        count, rows = selectors.queue_page(
            staff,
            status=status,
            mine=mine,
            q=q,
            offset=(page - 1) * QUEUE_PAGE_SIZE,
            limit=QUEUE_PAGE_SIZE,
        )
    except DomainError as error:
        return _not_found(request, error)

    def page_url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    more = count > page * QUEUE_PAGE_SIZE
    return render(
        request,
        "cases/workbench.html",
        {
            "staff": staff,
            "rows": rows,
            "count": min(count, selectors.QUEUE_COUNT_MAX),
            "count_exact": count <= selectors.QUEUE_COUNT_MAX,
            "page": page,
            "previous_url": page_url(page - 1) if page > 1 else "",
            "next_url": page_url(page + 1) if more else "",
            "messages_unread": staff_inbox(staff.user)
            .filter(read_at=None)
            .select_related("case")[:20],
            "status": status or "",
            "mine": mine,
            "q": q,
            "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
        },
    )


PRIMARY = {
    Status.RECEIVED: Action.ACCEPT,
    Status.ACCEPTED: Action.REVIEW,
    Status.REVIEWED: Action.APPROVE,
    Status.APPROVED: Action.CLOSE,
    Status.REFUSED: Action.CLOSE,
    Status.NOT_ACCEPTED: Action.CLOSE,
    Status.CORRECTION_REQUESTED: Action.CLOSE,
}


def _lines(post: QueryDict, name: str) -> list[str]:
    return [line.strip() for line in post.get(name, "").splitlines() if line.strip()]


def _limit_days(post: QueryDict) -> int | None:
    value = post.get("limit_days", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        message = _("特别程序的期限请填写天数（1 至 3650）。")
        raise InvalidInput(
            "invalid_input", message, fields={"limit_days": message}
        ) from None


# Each staff step: its service, and the fields of its form on the case page.
STEPS: dict[str, tuple[Callable[..., Case], Callable[[QueryDict], dict[str, Any]]]] = {
    Action.REQUEST_CORRECTION: (
        services.case_request_correction,
        lambda post: {"items": _lines(post, "items")},
    ),
    Action.ACCEPT: (services.case_accept, lambda post: {}),
    Action.REFUSE_INTAKE: (
        services.case_refuse_intake,
        lambda post: {"reason": post.get("reason", "")},
    ),
    Action.REVIEW: (
        services.case_review,
        lambda post: {
            "opinion": post.get("opinion", ""),
            "recommend": post.get("recommend", ""),
        },
    ),
    Action.APPROVE: (services.case_approve, lambda post: {}),
    Action.REFUSE: (
        services.case_refuse,
        lambda post: {"reason": post.get("reason", "")},
    ),
    Action.EXTEND: (
        services.case_extend,
        lambda post: {"reason": post.get("reason", "")},
    ),
    Action.SPECIAL_START: (
        services.case_special_start,
        lambda post: {
            "kind": post.get("kind", ""),
            "reason": post.get("reason", ""),
            "basis": post.get("basis", ""),
            "limit_days": _limit_days(post),
        },
    ),
    Action.SPECIAL_END: (
        services.case_special_end,
        lambda post: {"result": post.get("result", "")},
    ),
    Action.CLOSE: (services.case_close, lambda post: {}),
    Action.DELIVER: (
        services.case_deliver,
        lambda post: {"proof": post.get("proof", "")},
    ),
    Action.FORWARD: (
        services.case_forward,
        lambda post: {
            "service_code": post.get("service_code", ""),
            "reason": post.get("reason", ""),
        },
    ),
    Action.VOID: (services.case_void, lambda post: {"reason": post.get("reason", "")}),
}


# The steps that issue a legal document, the document each issues, and what the page
# asks before each, naming it.
ISSUING = {
    Action.ACCEPT: (DocumentKind.ACCEPTANCE, gettext_lazy("确定受理？")),
    Action.REFUSE_INTAKE: (DocumentKind.NON_ACCEPTANCE, gettext_lazy("确定不予受理？")),
    Action.REQUEST_CORRECTION: (
        DocumentKind.CORRECTION,
        gettext_lazy("确定一次性告知补正材料？"),
    ),
    Action.EXTEND: (DocumentKind.EXTENSION, gettext_lazy("确定延长审查期限？")),
    Action.SPECIAL_START: (
        DocumentKind.SPECIAL_PROCEDURE,
        gettext_lazy("确定开始特别程序？"),
    ),
    Action.APPROVE: (DocumentKind.APPROVAL, gettext_lazy("确定准予许可？")),
    Action.REFUSE: (DocumentKind.REFUSAL, gettext_lazy("确定不予许可？")),
}


def _issuing() -> dict[str, dict[str, str]]:
    """For each step that issues a document: what the page says under its button (seen
    with or without JavaScript) and the question asked before it acts."""
    out = {}
    for action, (kind, question) in ISSUING.items():
        names = {"document": DocumentKind(kind).label, "question": question}
        out[str(action)] = {
            "note": _("将签发《%(document)s》并通知申请人。") % names,
            "confirm": _("将签发《%(document)s》并通知申请人，%(question)s") % names,
        }
    return out


def _review(case: Case) -> dict[str, Any] | None:
    """The latest review of the case: its recommendation in words, opinion, reviewer."""
    event = (
        case.events.filter(action=Action.REVIEW)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return None
    data = event.data or {}
    actor = event.actor
    return {
        "recommend": str(data.get("recommend") or "approve"),
        "label": recommendation_label(str(data.get("recommend", ""))),
        "opinion": str(data.get("opinion", "")),
        "by": (actor.get_full_name() or actor.get_username()) if actor else "",
        "at": event.at,
    }


@login_required(login_url="accounts:staff_login")
def workbench_case(request: HttpRequest, number: str) -> HttpResponse:
    try:
        staff = _staff(request)
        case = selectors.case_for_staff(staff, number)
    except DomainError as error:
        return _not_found(request, error)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "claim":
                services.case_claim(case=case, staff=staff)
            elif action == "release":
                services.case_release(case=case, staff=staff)
            elif action in STEPS:
                step, fields = STEPS[action]
                step(
                    case=case,
                    staff=staff,
                    expected_version=int(request.POST.get("version", 0)),
                    **fields(request.POST),
                )
                messages.success(
                    request, _("已完成：%(action)s") % {"action": Action(action).label}
                )
            else:
                messages.error(request, _("未知的办理操作。"))
        except DomainError as error:
            _error(request, error)
        except ValueError:
            messages.error(request, _("未知的办理操作。"))
        return redirect("cases:workbench_case", number=number)
    staff_case_messages_read(user=staff.user, case=case)  # opened: what it said is seen
    return render(
        request,
        "cases/workbench_case.html",
        {
            "staff": staff,
            "case": case,
            "answers": form_answers(case.version.content.get("form"), case.form_data),
            "clock_waits": _clock_waits(case),
            "materials": _materials(case),
            "timeline": timeline_for(
                case, selectors.case_timeline(case), audience="staff"
            ),
            "primary": PRIMARY.get(Status(case.status)),
            "special_kinds": SpecialProcedureKind.choices,
            "open_procedure": case.special_procedures.filter(
                ended_on__isnull=True
            ).first(),
            "items_form": ItemsForm(),
            "forward_to": selectors.forward_targets(case),
            "deliverable": case.closing_type in services.DELIVERABLE,
            "issuing": _issuing(),
            "review": _review(case)
            if case.status in (Status.REVIEWED, Status.APPROVED, Status.REFUSED)
            else None,
            "claimed_by_me": case.claimed_by_id == staff.user_id,
        },
    )


@login_required(login_url="accounts:staff_login")
def supervision(request: HttpRequest) -> HttpResponse:
    """效能监察: every department for supervisors, their own for department heads."""
    try:
        report = selectors.supervision_for_staff(staff_of(request.user))
    except DomainError as error:
        return render(
            request,
            "accounts/message.html",
            {"title": _("效能监察"), "text": error.message},
            status=error.status,
        )
    return render(request, "cases/supervision.html", {"report": report})
