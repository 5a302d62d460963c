"""Reads of the working-day calendar: cached in-memory snapshots, one per region."""

import datetime as dt
import threading
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from tongban import regions
from tongban.core import clock
from tongban.regions.validation import region_require
from tongban.workdays.calendar import DayStatus, WorkCalendar
from tongban.workdays.constants import HOLIDAY_NAMES, DaySource
from tongban.workdays.models import CalendarYear, DayOverride

_lock = threading.Lock()
_snapshots: dict[str, tuple[tuple[object, ...], WorkCalendar]] = {}


@cache
def library_days() -> tuple[frozenset[int], dict[dt.date, DayStatus]]:
    """The years and day statuses the shipped chinese-calendar library knows (read once)."""
    # start-up: the library's tables cost ~50 ms; only a calendar build reads them
    import chinese_calendar

    statuses: dict[dt.date, DayStatus] = {}
    for day, name in chinese_calendar.holidays.items():
        statuses[day] = DayStatus(False, name, DaySource.LIBRARY)
    for day, name in chinese_calendar.workdays.items():
        statuses[day] = DayStatus(True, name, DaySource.LIBRARY)
    years = frozenset(range(min(statuses).year, max(statuses).year + 1))
    return years, statuses


def holiday_name(name: str) -> str:
    """A holiday's name in the reader's language (library names are English keys)."""
    known = HOLIDAY_NAMES.get(name)
    return str(known) if known is not None else name


def library_years() -> frozenset[int]:
    return library_days()[0]


def region_normalise(region: str | None) -> str:
    """'' for the national calendar, else a GB/T 2260 code that exists or once existed."""
    code = (region or "").strip()
    if code in {"", "000000"}:
        return ""
    return region_require(code).code


Revision = tuple[object, ...]


def calendar_revision() -> Revision:
    """Changes with every saved or deleted override or year: each leaves a history row.

    The time of the last history row is part of it because a rolled-back write can leave
    SQLite to hand out the same history id again.
    """
    parts = []
    for model in (DayOverride, CalendarYear):
        table = model.history.model._meta.db_table  # type: ignore[attr-defined]
        parts.append(
            f"(SELECT max(history_id) FROM {table}), "  # noqa: S608 — a table name
            f"(SELECT max(history_date) FROM {table})"
        )
    with connection.cursor() as cursor:  # one round trip: this runs on every deadline
        cursor.execute("SELECT " + ", ".join(parts))  # noqa: S608 — table names only
        return tuple(cursor.fetchone())


def calendar_get(*, region: str | None = None) -> WorkCalendar:
    """The working-day calendar of a region (national when empty), current to the last edit.

    Costs two small queries to notice edits made by any process; the calendar itself is
    rebuilt only when something changed.
    """
    code = region_normalise(region)
    revision = calendar_revision()
    cached = _snapshots.get(code)
    if cached is not None and cached[0] == revision:
        return cached[1]
    with _lock:
        snapshot = _build(code)
        _snapshots[code] = (revision, snapshot)
    return snapshot


def _region_chain(code: str) -> list[str]:
    """The national level, then the province, prefecture and the region itself."""
    return ["", *reversed(regions.ancestors(code))] if code else [""]


def _build(code: str) -> WorkCalendar:
    library_years_, library_statuses = library_days()
    years = set(library_years_) | set(
        CalendarYear.objects.values_list("year", flat=True)
    )
    statuses = dict(library_statuses)
    chain = _region_chain(code)
    rank = {region: index for index, region in enumerate(chain)}
    overrides = sorted(
        DayOverride.objects.filter(region__in=chain).values_list(
            "region", "date", "is_working_day", "name"
        ),
        key=lambda row: rank[row[0]],
    )
    for region, day, is_working_day, name in overrides:
        source = DaySource.REGIONAL_OVERRIDE if region else DaySource.NATIONAL_OVERRIDE
        statuses[day] = DayStatus(is_working_day, name, source, region)
    return WorkCalendar(region=code, years=years, exceptions=statuses)


def calendar_known_years() -> list[int]:
    years = set(library_years()) | set(
        CalendarYear.objects.values_list("year", flat=True)
    )
    return sorted(years)


def calendar_missing_next_year(*, today: dt.date | None = None) -> int | None:
    """From 1 October on, next year when its national arrangement is still missing."""
    today = today or clock.today()
    next_year = today.year + 1
    if today.month < settings.TONGBAN_CALENDAR_WARNING_MONTH:
        return None
    return None if next_year in calendar_known_years() else next_year


def calendar_missing_message(year: int) -> str:
    return str(
        _(
            "%(year)s 年的节假日安排尚未录入：跨入该年的期限将无法计算。请在管理后台“年度节假日安排”中录入。"
        )
        % {"year": year}
    )
