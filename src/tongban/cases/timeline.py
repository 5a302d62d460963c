"""A case's events in plain words of the page's language, for its applicant or its staff.

One renderer for every page and the API. The applicant hears what the department did —
the department, never a clerk's name — and not what stays inside it (review opinions,
who claimed the case). Staff see which clerk did what, and the internal opinions.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tongban.cases.constants import (
    Action,
    ClosingType,
    DocumentKind,
    SpecialProcedureKind,
)
from tongban.cases.models import Case, CaseEvent
from tongban.catalog.constants import Channel

Audience = Literal["applicant", "staff"]

STAFF_ONLY = frozenset({Action.CLAIM, Action.RELEASE})

# The document an event issued, by its kind.
ISSUES = {
    Action.SUBMIT: DocumentKind.RECEIPT,
    Action.REQUEST_CORRECTION: DocumentKind.CORRECTION,
    Action.ACCEPT: DocumentKind.ACCEPTANCE,
    Action.REFUSE_INTAKE: DocumentKind.NON_ACCEPTANCE,
    Action.APPROVE: DocumentKind.APPROVAL,
    Action.REFUSE: DocumentKind.REFUSAL,
    Action.EXTEND: DocumentKind.EXTENSION,
    Action.SPECIAL_START: DocumentKind.SPECIAL_PROCEDURE,
}


@dataclass(frozen=True)
class Entry:
    """One line of a timeline."""

    at: Any
    action: str
    title: str
    detail: str
    by: str
    document: str  # the number of the document it issued, else ""
    document_label: str


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _date(value: str | None) -> str:
    return value or _("待定")


def recommendation_label(recommend: str) -> str:
    """The reviewer's recommendation in words. A review recorded before the reviewer had
    to choose holds none: it was the form's approval then."""
    if recommend == "refuse":
        return _("建议不予许可")
    return _("建议准予许可")


def _title(action: str, data: dict[str, Any], audience: Audience) -> str:
    if action == Action.REVIEW and audience == "applicant":
        return _("审查完成，待作出决定")
    if action == Action.REVIEW:
        return _("审查完成：%(recommend)s") % {
            "recommend": recommendation_label(str(data.get("recommend", "")))
        }
    if action in (Action.SPECIAL_START, Action.SPECIAL_END):
        kind = _label(SpecialProcedureKind, str(data.get("kind", "")))
        if action == Action.SPECIAL_START:
            return _("开始特别程序：%(kind)s") % {"kind": kind}
        return _("结束特别程序：%(kind)s") % {"kind": kind}
    if action == Action.DRAFT and data.get("forwarded_from"):
        return _("转来办理")
    return _label(Action, action)


def _detail(action: str, data: dict[str, Any], audience: Audience) -> str:
    """The facts of the event a reader needs, in a sentence or two."""
    parts: list[str] = []
    if action == Action.DRAFT:
        if data.get("forwarded_from"):
            parts.append(
                _("由%(department)s转来（原办件编号 %(number)s）")
                % {
                    "department": data.get("from_department", ""),
                    "number": data["forwarded_from"],
                }
            )
        elif data.get("channel") == Channel.COUNTER:
            parts.append(_("在窗口录入"))
    elif action == Action.SUBMIT:
        channel = str((data.get("facts") or {}).get("channel", ""))
        if channel:
            parts.append(_("渠道：%(channel)s") % {"channel": _label(Channel, channel)})
        if data.get("correction_due"):
            parts.append(
                _("是否受理将于 %(date)s 前告知") % {"date": data["correction_due"]}
            )
    elif action == Action.REQUEST_CORRECTION:
        items = [str(item) for item in data.get("items") or []]
        parts.append(_("需补正：%(items)s") % {"items": _("；").join(items)})
    elif action == Action.SUPPLEMENT:
        if data.get("note"):
            parts.append(_("说明：%(note)s") % {"note": data["note"]})
    elif action in (Action.ACCEPT, Action.ACCEPT_BY_LAW):
        if action == Action.ACCEPT_BY_LAW:
            parts.append(
                _("收件后 5 个工作日内未告知补正，依%(basis)s自 %(date)s 起受理")
                % {
                    "basis": data.get("basis", ""),
                    "date": _date(data.get("accepted_on")),
                }
            )
        legal = (data.get("facts") or {}).get("legal_deadline")
        parts.append(_("法定办结期限：%(date)s") % {"date": _date(legal)})
    elif action == Action.REVIEW:
        if audience == "staff":
            reasons = (
                _("不予许可的理由：%(opinion)s")
                if data.get("recommend") == "refuse"
                else _("审查意见：%(opinion)s")
            )
            parts.append(reasons % {"opinion": data.get("opinion", "")})
    elif action in (Action.REFUSE_INTAKE, Action.REFUSE, Action.VOID, Action.WITHDRAW):
        if data.get("reason"):
            parts.append(_("理由：%(reason)s") % {"reason": data["reason"]})
    elif action == Action.EXTEND:
        parts.append(
            _("法定期限延长至 %(date)s") % {"date": _date(data.get("legal_deadline"))}
        )
        parts.append(_("理由：%(reason)s") % {"reason": data.get("reason", "")})
    elif action == Action.SPECIAL_START:
        parts.append(_("理由：%(reason)s") % {"reason": data.get("reason", "")})
        parts.append(_("依据：%(basis)s") % {"basis": data.get("basis", "")})
        parts.append(_("所需时间不计入审查期限"))
    elif action == Action.SPECIAL_END:
        parts.append(_("结果：%(result)s") % {"result": data.get("result", "")})
        parts.append(
            _("法定期限相应顺延至 %(date)s")
            % {"date": _date(data.get("legal_deadline"))}
        )
    elif action == Action.CLOSE:
        parts.append(_label(ClosingType, str(data.get("closing_type", ""))))
    elif action == Action.DELIVER:
        parts.append(_("送达凭证：%(proof)s") % {"proof": data.get("proof", "")})
        if audience == "staff" and data.get("on_time") is False:
            parts.append(_("超过送达期限"))
    elif action == Action.FORWARD:
        parts.append(
            _("转至%(department)s办理，新办件编号 %(number)s")
            % {
                "department": data.get("department", ""),
                "number": data.get("new_number", ""),
            }
        )
        parts.append(_("理由：%(reason)s") % {"reason": data.get("reason", "")})
    elif action == Action.DEADLINES:
        parts.append(
            _("法定办结期限：%(date)s") % {"date": _date(data.get("legal_deadline"))}
        )
    # translators: what separates the facts of one event ("; " in English)
    return _("；").join(part for part in parts if part)


def _department_name(case: Case) -> str:
    """The case's department in the page's language (its English name where it has one)."""
    english = (get_language() or "").startswith("en")
    return (
        case.department.name_en
        if english and case.department.name_en
        else case.department.name
    )


def _by(event: CaseEvent, case: Case, audience: Audience) -> str:
    """Who acted: the applicant, the department (to the applicant), the clerk (to staff),
    or the law itself."""
    if event.actor_id is None:
        return _("系统（依法自动）")
    if event.actor_id == case.submitted_by.user_id:
        if audience == "staff":
            return _("申请人 %(name)s") % {"name": case.submitted_by.name}
        return _("申请人")
    facts = (event.data or {}).get("facts") or {}
    department = str(
        (event.data or {}).get("from_department")  # another department acted
        or facts.get("department")
        or case.department.name
    )
    if department == case.department.name:
        department = _department_name(case)
    if audience == "applicant":
        return department
    # Staff know their own department: the clerk's name, with the department it came
    # from when another department acted (a forwarded case's first step).
    actor = event.actor
    name = (actor.get_full_name() or actor.get_username()) if actor else ""
    if (event.data or {}).get("from_department"):
        return f"{department} {name}".strip()
    return name or department


def entry_for(event: CaseEvent, case: Case, *, audience: Audience) -> Entry | None:
    """The event as its reader sees it; None where that reader does not see it."""
    if audience == "applicant" and event.action in STAFF_ONLY:
        return None
    data = event.data or {}
    kind = ISSUES.get(event.action)  # type: ignore[call-overload]
    document = str(data.get("document") or "")
    return Entry(
        at=event.at,
        action=event.action,
        title=_title(event.action, data, audience),
        detail=_detail(event.action, data, audience),
        by=_by(event, case, audience),
        document=document,
        document_label=str(DocumentKind(kind).label) if kind and document else "",
    )


def timeline_for(
    case: Case, events: Iterable[CaseEvent], *, audience: Audience
) -> list[Entry]:
    entries = (entry_for(event, case, audience=audience) for event in events)
    return [entry for entry in entries if entry is not None]


# What the applicant's API answer keeps of each event's payload: never internal opinions.
INTERNAL_FIELDS = frozenset({"opinion", "recommend"})


def data_for(event: CaseEvent, *, audience: Audience) -> dict[str, Any]:
    data = dict(event.data or {})
    if audience == "applicant":
        for field in INTERNAL_FIELDS:
            data.pop(field, None)
    return data
