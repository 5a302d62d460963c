"""Writes to the working-day calendar; each one transaction, checked before it is saved."""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tongban.core.errors import InvalidInput
from tongban.workdays.models import CalendarYear, DayOverride
from tongban.workdays.selectors import region_normalise


@dataclass(frozen=True)
class ArrangedDay:
    date: dt.date
    is_working_day: bool
    name: str


_LINE = re.compile(
    r"^(?P<start>\d{4}-\d{2}-\d{2})(?:\s*(?:~|至|--|—)\s*(?P<end>\d{4}-\d{2}-\d{2}))?"
    r"\s+(?P<kind>休|班|rest|work)\s*(?P<name>.*)$"
)


def arrangement_parse(text: str) -> list[ArrangedDay]:
    """Read an arrangement typed the way the State Council publishes it, one line a period.

    `2027-02-06~2027-02-12 休 春节` marks rest days, `2027-02-14 班 春节` a make-up working
    day. Blank lines and lines starting with # are ignored.
    """
    days: list[ArrangedDay] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        try:
            if match is None:
                raise ValueError
            start = dt.date.fromisoformat(match["start"])
            end = dt.date.fromisoformat(match["end"]) if match["end"] else start
        except ValueError:
            raise InvalidInput(
                "invalid_arrangement",
                _(
                    "第 %(line)s 行无法识别：应为“2027-02-06~2027-02-12 休 春节”或“2027-02-14 班 春节”。"
                )
                % {"line": number},
                fields={"days": str(number)},
            ) from None
        if end < start or (end - start).days > 31:
            raise InvalidInput(
                "invalid_arrangement",
                _("第 %(line)s 行的日期区间不正确。") % {"line": number},
                fields={"days": str(number)},
            )
        is_working = match["kind"] in {"班", "work"}
        for offset in range((end - start).days + 1):
            days.append(
                ArrangedDay(
                    start + dt.timedelta(days=offset), is_working, match["name"].strip()
                )
            )
    return days


@transaction.atomic
def calendar_year_save(
    *,
    year: int,
    source: str,
    published_on: dt.date | None = None,
    days: Sequence[ArrangedDay],
) -> CalendarYear:
    """Record a year's official national arrangement, replacing what was recorded before."""
    outside = [day.date for day in days if day.date.year != year]
    if outside:
        raise InvalidInput(
            "invalid_arrangement",
            _("%(date)s 不在 %(year)s 年内。") % {"date": outside[0], "year": year},
            fields={"days": str(outside[0])},
        )
    if len({day.date for day in days}) != len(days):
        raise InvalidInput(
            "invalid_arrangement",
            _("同一日期出现了两次。"),
            fields={"days": "duplicate"},
        )
    calendar_year = CalendarYear.objects.filter(year=year).first() or CalendarYear(
        year=year
    )
    calendar_year.source = source
    calendar_year.published_on = published_on
    calendar_year.full_clean()
    calendar_year.save()
    wanted = {day.date: day for day in days}
    # Delete one by one, not in bulk, so every removal lands in the history.
    for override in DayOverride.objects.filter(region="", date__year=year):
        if override.date not in wanted:
            override.delete()
    for day in days:
        day_override_set(
            region="",
            date=day.date,
            is_working_day=day.is_working_day,
            name=day.name,
            basis=source,
        )
    return calendar_year


@transaction.atomic
def day_override_set(
    *, region: str, date: dt.date, is_working_day: bool, name: str = "", basis: str = ""
) -> DayOverride:
    """Make a day a working day or a rest day, nationally ('') or in a region and under it."""
    code = region_normalise(region)
    override = DayOverride.objects.filter(
        region=code, date=date
    ).first() or DayOverride(region=code, date=date)
    override.is_working_day = is_working_day
    override.name = name
    override.basis = basis
    override.full_clean()
    override.save()
    return override


@transaction.atomic
def day_override_delete(*, region: str, date: dt.date) -> None:
    code = region_normalise(region)
    for override in DayOverride.objects.filter(region=code, date=date):
        override.delete()
