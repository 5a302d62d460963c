"""JSON endpoints of the working-day calendar (time-limit calculator)."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.core.errors import InvalidInput
from tongban.workdays.calendar import CalendarMissing, DayInfo, Pause
from tongban.workdays.constants import MAX_LIMIT_AMOUNT, DayKind, DaySource, LimitUnit
from tongban.workdays.selectors import calendar_get, holiday_name

router = Router(tags=["workdays"])


class DayOut(Schema):
    date: dt.date
    region: str = Field(description="GB/T 2260 code asked about; empty for national")
    is_working_day: bool
    kind: DayKind
    kind_label: str
    name: str = Field(description="holiday or adjustment name, if any")
    source: DaySource
    source_region: str = Field(description="region whose adjustment decided the day")


class AddOut(Schema):
    date: dt.date
    days: int
    unit: LimitUnit
    region: str
    pauses: list[tuple[dt.date, dt.date]]
    result: dt.date


class CountOut(Schema):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    region: str
    working_days: int


def day_out(info: DayInfo, region: str) -> DayOut:
    return DayOut(
        date=info.date,
        region=region,
        is_working_day=info.is_working_day,
        kind=DayKind(info.kind),
        kind_label=str(DayKind(info.kind).label),
        name=holiday_name(info.name),
        source=DaySource(info.source),
        source_region=info.region,
    )


def parse_pauses(values: list[str]) -> list[Pause]:
    """Pauses as ISO 8601 intervals `2026-03-02/2026-03-06`, both ends included."""
    pauses: list[Pause] = []
    for value in values:
        try:
            start, _sep, end = value.partition("/")
            pauses.append(
                (dt.date.fromisoformat(start), dt.date.fromisoformat(end or start))
            )
        except ValueError:
            raise InvalidInput(
                "invalid_pause",
                _("暂停区间 %(value)s 应写作 2026-03-02/2026-03-06。")
                % {"value": value},
                fields={"pause": value},
            ) from None
    return pauses


@router.get(
    "/add",
    response=AddOut,
    by_alias=True,
    summary="N units after a date",
)
def workdays_add(
    request: HttpRequest,
    date: dt.date,
    days: int = Query(..., ge=0, le=MAX_LIMIT_AMOUNT),
    unit: LimitUnit = LimitUnit.WORKING_DAYS,
    region: str = "",
    pause: list[str] = Query([], description="pause interval START/END, repeatable"),
) -> AddOut:
    """The last day of a limit: `days` units after `date`, the start day not counted.

    Working days skip weekends and holidays; calendar-day and month limits that end on a
    rest day move to the next working day. Pause intervals do not count. A limit that runs
    into a year whose holidays the State Council has not published yet is 422
    `calendar_missing` with that `year` and `earliest`, the last day counted on weekends
    alone (the message says both, for people).
    """
    calendar = calendar_get(region=region)
    pauses = parse_pauses(pause)
    try:
        result = calendar.add(date, days, unit, pauses=pauses)
    except CalendarMissing as missing:
        # Still a refusal (a 200 is a deadline a client may rely on), saying when it will
        # be known and its earliest day, counted on weekends alone.
        earliest = calendar.add_assuming_weekends(date, days, unit, pauses=pauses)
        raise CalendarMissing(missing.year, earliest=earliest) from None
    return AddOut(
        date=date,
        days=days,
        unit=unit,
        region=calendar.region,
        pauses=pauses,
        result=result,
    )


@router.get(
    "/count",
    response=CountOut,
    by_alias=True,
    summary="Working days between",
)
def workdays_count(
    request: HttpRequest,
    start: dt.date = Query(..., alias="from"),
    end: dt.date = Query(..., alias="to"),
    region: str = "",
) -> CountOut:
    """Working days after `from` up to and including `to` (negative when `to` is earlier)."""
    calendar = calendar_get(region=region)
    count = calendar.count_working_days(start, end)
    return CountOut(
        **{"from": start, "to": end}, region=calendar.region, working_days=count
    )


@router.get(
    "/{date}",
    response=DayOut,
    summary="Is this a working day, and why",
)
def workdays_day(request: HttpRequest, date: dt.date, region: str = "") -> DayOut:
    calendar = calendar_get(region=region)
    return day_out(calendar.day(date), calendar.region)
