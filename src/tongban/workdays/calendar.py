"""Deadline arithmetic on one region's working-day calendar, in memory.

A `WorkCalendar` is an immutable snapshot: the years it knows and, for those years, the
sorted list of working days as ordinals. Every question — N working days after a date,
working days between two dates, with pause intervals — is a few binary searches over
that list, so computing a deadline never touches the database. `selectors.calendar_get`
builds and caches snapshots; this module knows nothing of where the data came from.

Counting rules (行政许可法 Art. 82; 民法典 Arts. 201–203):
- the start day is not counted; N working days after D is the N-th working day after D;
- a calendar-day or month period whose last day is a rest day ends on the next working day;
- a month period ends on the corresponding day of the last month, or on that month's last
  day when it has no such day;
- pause intervals (both ends included) do not count: their working days (or, for a
  calendar-day limit, their days) are added back.
"""

import calendar as gregorian
import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import InvalidInput
from tongban.workdays.constants import MAX_LIMIT_AMOUNT, DayKind, DaySource, LimitUnit

Pause = tuple[dt.date, dt.date]


def pending_deadline_text(year: int, earliest: dt.date) -> str:
    """What a person is told of a deadline that runs into a year whose arrangement the
    State Council has not published: when it will be known, and its earliest date."""
    return str(
        _("期限待国务院公布 %(year)s 年节假日安排后确定，最早 %(date)s")
        % {"year": year, "date": earliest.isoformat()}
    )


class CalendarMissing(InvalidInput):
    """The calendar has no data for a year the question needs.

    Its message is for anyone asking (a citizen at the calculator, a client of the API):
    the administrator's side — enter the year — is the admin index's and /healthz's.
    With `earliest` (the limit counted on weekends alone) it says that date too.
    """

    def __init__(self, year: int, *, earliest: dt.date | None = None) -> None:
        if earliest is None:
            message = str(
                _("日历中还没有 %(year)s 年的节假日安排，该年的工作日暂时无法确定。")
                % {"year": year}
            )
            extra: dict[str, object] = {"year": year}
        else:
            message = pending_deadline_text(year, earliest)
            extra = {"year": year, "earliest": earliest.isoformat()}
        super().__init__("calendar_missing", message, extra=extra)
        self.year = year
        self.earliest = earliest


@dataclass(frozen=True, slots=True)
class DayStatus:
    """How a day departs from the weekday rule, and who said so."""

    is_working_day: bool
    name: str
    source: str
    region: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: dt.date
    is_working_day: bool
    kind: str
    name: str
    source: str
    region: str


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def _merge(pauses: Iterable[Pause]) -> list[tuple[int, int]]:
    """Pause intervals as sorted, disjoint ordinal ranges (both ends included)."""
    ranges = sorted((start.toordinal(), end.toordinal()) for start, end in pauses)
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if end < start:
            raise InvalidInput(
                "invalid_pause",
                _("暂停区间的结束日期早于开始日期。"),
                fields={"pauses": "end"},
            )
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _past_pauses(start: dt.date, end: int, pauses: Iterable[Pause]) -> int:
    """Move a calendar-day period's last day (an ordinal) on by the paused days in it."""
    for pause_start, pause_end in _merge(pauses):
        if pause_end <= start.toordinal():
            continue
        if pause_start > end:
            break
        end += pause_end - max(pause_start, start.toordinal() + 1) + 1
    return end


def _check_amount(amount: int) -> None:
    if not 0 <= amount <= MAX_LIMIT_AMOUNT:
        raise InvalidInput(
            "invalid_amount",
            _("时限须在 0 到 %(max)s 之间。") % {"max": MAX_LIMIT_AMOUNT},
            fields={"days": "range"},
        )


class WorkCalendar:
    """One region's working days over the years the calendar knows."""

    def __init__(
        self,
        *,
        region: str,
        years: Iterable[int],
        exceptions: Mapping[dt.date, DayStatus],
    ) -> None:
        self.region = region
        self.years = frozenset(years)
        self._exceptions = {
            day: status for day, status in exceptions.items() if day.year in self.years
        }
        working: list[int] = []
        for year in sorted(self.years):
            day = dt.date(year, 1, 1)
            end = dt.date(year, 12, 31).toordinal()
            for ordinal in range(day.toordinal(), end + 1):
                status = self._exceptions.get(dt.date.fromordinal(ordinal))
                is_working = (
                    status.is_working_day if status else ordinal % 7 not in (6, 0)
                )
                if is_working:
                    working.append(ordinal)
        # date.toordinal() % 7: Monday..Sunday are 1..6, 0 — so 6 and 0 are the weekend.
        self._working = working
        self._assumed: dict[tuple[int, ...], WorkCalendar] = {}

    def _assuming_weekdays(self, years: Iterable[int]) -> "WorkCalendar":
        """This calendar with `years` it does not know added on the weekday rule alone
        (Monday–Friday working, no holiday); kept, as the snapshot itself is."""
        extra = tuple(sorted(set(years) - self.years))
        assumed = self._assumed.get(extra)
        if assumed is not None:
            return assumed
        added = [
            ordinal
            for year in extra
            for ordinal in range(
                dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal() + 1
            )
            if ordinal % 7 not in (6, 0)
        ]
        assumed = WorkCalendar.__new__(WorkCalendar)
        assumed.region = self.region
        assumed.years = self.years | frozenset(extra)
        assumed._exceptions = self._exceptions
        assumed._working = sorted(self._working + added)
        assumed._assumed = {}
        if (
            len(self._assumed) >= 32
        ):  # spans asked for differ little; never grow unbounded
            self._assumed.clear()
        self._assumed[extra] = assumed
        return assumed

    # --- single days ---------------------------------------------------------------------

    def require_year(self, year: int) -> None:
        if year not in self.years:
            raise CalendarMissing(year)

    def _require_span(self, first: dt.date, last: dt.date) -> None:
        for year in range(first.year, last.year + 1):
            self.require_year(year)

    def day(self, day: dt.date) -> DayInfo:
        """Whether a day is a working day, and why."""
        self.require_year(day.year)
        status = self._exceptions.get(day)
        weekend = _is_weekend(day)
        if status is None:
            kind = DayKind.WEEKEND if weekend else DayKind.WORKDAY
            return DayInfo(day, not weekend, kind, "", DaySource.WEEKDAY_RULE, "")
        if status.is_working_day:
            kind = DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
        elif weekend and not status.name:
            kind = DayKind.WEEKEND
        else:
            kind = DayKind.HOLIDAY
        return DayInfo(
            day, status.is_working_day, kind, status.name, status.source, status.region
        )

    def is_working_day(self, day: dt.date) -> bool:
        self.require_year(day.year)
        index = bisect_left(self._working, day.toordinal())
        return index < len(self._working) and self._working[index] == day.toordinal()

    def next_working_day(self, day: dt.date) -> dt.date:
        """The day itself if it is a working day, else the first working day after it."""
        self.require_year(day.year)
        index = bisect_left(self._working, day.toordinal())
        return self._at(index, day)

    def _at(self, index: int, start: dt.date) -> dt.date:
        """The working day at `index`, having checked every year from `start` to it is known."""
        if index >= len(self._working):
            year = start.year
            while year in self.years:
                year += 1
            raise CalendarMissing(year)
        result = dt.date.fromordinal(self._working[index])
        self._require_span(start, result)
        return result

    # --- limits --------------------------------------------------------------------------

    def add(
        self,
        start: dt.date,
        amount: int,
        unit: str = LimitUnit.WORKING_DAYS,
        *,
        pauses: Sequence[Pause] = (),
    ) -> dt.date:
        """The last day of a limit of `amount` units that starts running after `start`."""
        if unit == LimitUnit.WORKING_DAYS:
            return self.add_working_days(start, amount, pauses=pauses)
        if unit == LimitUnit.CALENDAR_DAYS:
            return self.add_calendar_days(start, amount, pauses=pauses)
        if unit == LimitUnit.MONTHS:
            return self.add_months(start, amount, pauses=pauses)
        raise InvalidInput(
            "invalid_unit", _("未知的时限单位。"), fields={"unit": "choice"}
        )

    def add_assuming_weekends(
        self,
        start: dt.date,
        amount: int,
        unit: str = LimitUnit.WORKING_DAYS,
        *,
        pauses: Sequence[Pause] = (),
    ) -> dt.date:
        """`add`, counting the years after the first known one that the calendar does not
        know (the State Council has not published them yet) on weekends alone.

        For a limit that runs into such a year this is the date it is told by: "at the
        earliest". Holidays only push a deadline later; a make-up working day (a Saturday
        worked for a holiday) can bring one just before the holiday a day or two nearer,
        which the published arrangement then settles. Known years count as they are, so
        for a limit within them this is `add`. A year before the first known one is still
        `CalendarMissing`: no arrangement will come for it.
        """
        first_known = min(self.years, default=start.year)
        calendar: WorkCalendar = self
        low = high = 0  # the span of years assumed so far, `high` not included
        span = 1
        while True:
            try:
                return calendar.add(start, amount, unit, pauses=pauses)
            except CalendarMissing as missing:
                if missing.year < first_known:
                    raise
                # Reach a little further each time, so a long limit takes few rounds.
                low = min(low or missing.year, missing.year)
                high = min(max(high, missing.year + span), dt.MAXYEAR + 1)
                calendar = self._assuming_weekdays(range(low, high))
                span *= 2

    def add_working_days(
        self, start: dt.date, days: int, *, pauses: Sequence[Pause] = ()
    ) -> dt.date:
        _check_amount(days)
        self.require_year(start.year)
        if days == 0:
            return start
        working = self._working
        cursor = bisect_right(
            working, start.toordinal()
        )  # first working day after start
        remaining = days
        for pause_start, pause_end in _merge(pauses):
            first = max(bisect_left(working, pause_start), cursor)
            if first - cursor >= remaining:
                break
            remaining -= first - cursor
            cursor = max(cursor, bisect_right(working, pause_end))
        return self._at(cursor + remaining - 1, start)

    def add_calendar_days(
        self, start: dt.date, days: int, *, pauses: Sequence[Pause] = ()
    ) -> dt.date:
        _check_amount(days)
        end = _past_pauses(start, start.toordinal() + days, pauses)
        return self._roll_forward(start, dt.date.fromordinal(end))

    def add_months(
        self, start: dt.date, months: int, *, pauses: Sequence[Pause] = ()
    ) -> dt.date:
        _check_amount(months)
        month_index = start.month - 1 + months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        last_day = gregorian.monthrange(year, month)[1]
        end = dt.date(year, month, min(start.day, last_day)).toordinal()
        end = _past_pauses(start, end, pauses)
        return self._roll_forward(start, dt.date.fromordinal(end))

    def _roll_forward(self, start: dt.date, last_day: dt.date) -> dt.date:
        """A period whose last day is a rest day ends on the next working day (民法典 Art. 203)."""
        self.require_year(last_day.year)
        index = bisect_left(self._working, last_day.toordinal())
        result = self._at(index, last_day)
        self._require_span(start, result)
        return result

    def count_working_days(
        self, start: dt.date, end: dt.date, *, pauses: Sequence[Pause] = ()
    ) -> int:
        """Working days after `start` up to and including `end` (negative when end < start).

        So that `add_working_days(start, count_working_days(start, end)) == end` whenever
        `end` is a working day.
        """
        if end < start:
            return -self.count_working_days(end, start, pauses=pauses)
        self._require_span(start, end)
        working = self._working
        low, high = (
            bisect_right(working, start.toordinal()),
            bisect_right(working, end.toordinal()),
        )
        count = high - low
        for pause_start, pause_end in _merge(pauses):
            first = max(bisect_left(working, pause_start), low)
            last = min(bisect_right(working, pause_end), high)
            if last > first:
                count -= last - first
        return count
