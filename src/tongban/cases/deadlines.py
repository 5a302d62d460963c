"""A case's deadlines on the legal clock: the correction window, the legal and promised
limits from acceptance, paused by special procedures, the legal one extended once."""

import datetime as dt

from tongban.cases import constants as c
from tongban.cases.constants import Status
from tongban.cases.models import Case
from tongban.core import clock
from tongban.workdays.calendar import CalendarMissing
from tongban.workdays.selectors import calendar_get


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def limit_of(case: Case, key: str) -> tuple[int, str] | None:
    """The item's `legal_limit` or `promised_limit` as (amount, unit), if it has one."""
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
    legal, promised = limit_of(case, "legal_limit"), limit_of(case, "promised_limit")
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


def delivery_due(case: Case) -> dt.date | None:
    """Art. 44: the decision is delivered within 10 working days of it."""
    if case.decided_on is None:
        return None
    try:
        return calendar_get(region=case.region).add(
            case.decided_on, c.DELIVERY_WORKING_DAYS, "working_days"
        )
    except CalendarMissing:
        return None
