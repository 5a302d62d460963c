"""A case's deadlines on the legal clock: the correction window, the legal and promised
limits from acceptance, paused by special procedures, the legal one extended once."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tongban.cases import constants as c
from tongban.cases.constants import Status
from tongban.cases.models import Case
from tongban.core import clock
from tongban.workdays.calendar import CalendarMissing, pending_deadline_text
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
    procedures = sorted(case.special_procedures.all(), key=lambda p: p.started_on)
    return [(p.started_on, p.ended_on or today) for p in procedures]


Limit = tuple[dt.date, int, str, list[tuple[dt.date, dt.date]]]


def _limits(case: Case) -> dict[str, Limit]:
    """Each deadline the case has now, by its field: from when it runs, how many units of
    what, and the pauses that do not count."""
    limits: dict[str, Limit] = {}
    if case.received_on and case.status == Status.RECEIVED:
        limits["correction_due"] = (
            case.received_on,
            c.CORRECTION_WINDOW_WORKING_DAYS,
            "working_days",
            [],
        )
    if case.accepted_on is None:
        return limits
    pauses = _pauses(case)
    legal, promised = limit_of(case, "legal_limit"), limit_of(case, "promised_limit")
    if legal:
        amount, unit = legal
        if case.extended:
            amount += c.EXTENSION_WORKING_DAYS
        limits["legal_deadline"] = (case.accepted_on, amount, unit, pauses)
    if promised:
        amount, unit = promised
        limits["promised_deadline"] = (case.accepted_on, amount, unit, pauses)
    return limits


def deadlines_compute(case: Case) -> None:
    """Legal and promised deadlines from acceptance, paused by special procedures; the legal
    one extended by 10 working days once. A deadline that runs into a year the calendar
    does not know is left empty and the case pending on the first such year; the others
    are computed."""
    case.deadline_pending_year = None
    limits = _limits(case)
    if not limits:
        return
    calendar = calendar_get(region=case.region)
    for field, (start, amount, unit, pauses) in limits.items():
        try:
            setattr(case, field, calendar.add(start, amount, unit, pauses=pauses))
        except CalendarMissing as missing:
            setattr(case, field, None)
            pending: int = case.deadline_pending_year or missing.year
            case.deadline_pending_year = min(pending, missing.year)


@dataclass(frozen=True, slots=True)
class EarliestDeadlines:
    """A case's pending deadlines at the earliest: counted with the years the calendar
    does not know on weekends alone (`WorkCalendar.add_assuming_weekends`). Each field is
    None unless that deadline is pending."""

    year: int
    correction_due: dt.date | None = None
    legal_deadline: dt.date | None = None
    promised_deadline: dt.date | None = None

    @property
    def earliest(self) -> dt.date | None:
        """The nearest of them: what a queue orders or counts down by."""
        days = [
            day
            for day in (
                self.correction_due,
                self.legal_deadline,
                self.promised_deadline,
            )
            if day is not None
        ]
        return min(days, default=None)

    def text(self, day: dt.date | None = None) -> str:
        """期限待国务院公布 2027 年节假日安排后确定，最早 2027-01-15 (of `day`, or the nearest)."""
        day = day or self.earliest
        if day is None:
            return ""
        return pending_deadline_text(self.year, day)


def earliest_possible(case: Case) -> EarliestDeadlines | None:
    """For a case whose deadlines wait for a year's arrangement (`deadline_pending_year`),
    each pending one at the earliest; None for every other case, without a query.

    Cheap: the region's calendar is the cached snapshot; a case with a special procedure
    reads its pauses (one query), as computing its deadlines does.
    """
    year = case.deadline_pending_year
    if year is None:
        return None
    # A page asks twice (the summary, what happens next): once per state of the case.
    state = (
        year,
        case.status,
        case.received_on,
        case.accepted_on,
        case.extended,
        case.correction_due,
        case.legal_deadline,
        case.promised_deadline,
    )
    kept = case.__dict__.get("_earliest_possible")
    if kept is not None and kept[0] == state:
        return kept[1]  # type: ignore[no-any-return]
    found = _earliest_possible(case, year)
    case.__dict__["_earliest_possible"] = (state, found)
    return found


def _earliest_possible(case: Case, year: int) -> EarliestDeadlines:
    calendar = calendar_get(region=case.region)
    earliest: dict[str, dt.date] = {}
    for field, (start, amount, unit, pauses) in _limits(case).items():
        if getattr(case, field) is not None:
            continue
        try:
            earliest[field] = calendar.add_assuming_weekends(
                start, amount, unit, pauses=pauses
            )
        except CalendarMissing:
            continue  # before the first year known: nothing to say but the year
    return EarliestDeadlines(year=year, **earliest)


def earliest_possible_by_pk(pks: Iterable[int]) -> dict[int, EarliestDeadlines]:
    """`earliest_possible` for the pending ones among cases given by primary key (a page
    of the staff queue's rows): two queries, whatever their number."""
    cases = (
        Case.objects.filter(pk__in=list(pks), deadline_pending_year__isnull=False)
        .select_related("version")
        .prefetch_related("special_procedures")
    )
    found: dict[int, EarliestDeadlines] = {}
    for case in cases:
        earliest = earliest_possible(case)
        if earliest is not None:
            found[case.pk] = earliest
    return found


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
