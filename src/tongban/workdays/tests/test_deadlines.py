"""Deadline arithmetic pinned against the State Council's official arrangements."""

import datetime as dt

import pytest

from tongban.workdays.calendar import CalendarMissing
from tongban.workdays.constants import LimitUnit
from tongban.workdays.selectors import calendar_get

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Spring Festival 2020 was extended to 2 February and the 1 February make-up
        # working day cancelled (国办发明电〔2020〕1号).
        (D(2020, 1, 23), 1, D(2020, 2, 3)),
        (D(2020, 2, 10), 15, D(2020, 3, 2)),
        # 2020 National Day + Mid-autumn: 1–8 October off, 27 September and 10 October worked.
        (D(2020, 9, 25), 1, D(2020, 9, 27)),
        (D(2020, 9, 30), 1, D(2020, 10, 9)),
        # 2026 Spring Festival: 15–23 February off, 14 and 28 February (Saturdays) worked.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        (D(2026, 2, 13), 6, D(2026, 2, 28)),
        # 2026 New Year: 1–3 January off, Sunday 4 January worked.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        # The start day is not counted even when it is itself a working day.
        (D(2026, 3, 2), 20, D(2026, 3, 30)),
        (D(2026, 3, 2), 0, D(2026, 3, 2)),
        # A limit starting on a holiday counts from the first working day after it.
        (D(2026, 10, 3), 1, D(2026, 10, 8)),
    ],
)
def test_working_days_after_a_date_follow_the_official_arrangement(
    start, days, expected
):
    assert calendar_get().add_working_days(start, days) == expected


def test_twenty_plus_ten_working_days_decision_limit_across_national_day_2026():
    calendar = calendar_get()
    accepted = D(2026, 9, 14)
    legal = calendar.add_working_days(accepted, 20)
    extended = calendar.add_working_days(accepted, 30)
    # 20 Sept (Sun) is worked; 25–27 Sept and 1–7 Oct off; 10 Oct (Sat) worked.
    assert legal == D(2026, 10, 16)
    assert extended == D(2026, 10, 30)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2020, 1, 23), D(2020, 2, 3), 1),
        (D(2020, 2, 10), D(2020, 3, 2), 15),
        (D(2026, 2, 13), D(2026, 2, 27), 5),
        (D(2026, 2, 27), D(2026, 2, 13), -5),
        (D(2026, 3, 2), D(2026, 3, 2), 0),
        (D(2026, 1, 1), D(2026, 12, 31), 248),
    ],
)
def test_working_days_between_two_dates(start, end, expected):
    assert calendar_get().count_working_days(start, end) == expected


def test_count_and_add_are_inverse_on_every_working_day_of_2026():
    calendar = calendar_get()
    start = D(2026, 1, 5)
    for offset in range(1, 245):
        end = calendar.add_working_days(start, offset)
        assert calendar.count_working_days(start, end) == offset


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 24 Sept + 7 calendar days is 1 October, National Day: the limit moves to 8 October.
        (D(2026, 9, 24), 7, D(2026, 10, 8)),
        # Ends on Saturday 28 February 2026, a make-up working day: it stays.
        (D(2026, 2, 18), 10, D(2026, 2, 28)),
        # Ends on an ordinary Sunday: moves to Monday.
        (D(2026, 3, 1), 6, D(2026, 3, 9)),
        # Ends on a working day: unchanged.
        (D(2026, 3, 2), 10, D(2026, 3, 12)),
        # Over the 2020 extended Spring Festival.
        (D(2020, 1, 20), 10, D(2020, 2, 3)),
    ],
)
def test_calendar_day_limits_that_end_on_a_rest_day_move_to_the_next_working_day(
    start, days, expected
):
    assert calendar_get().add(start, days, LimitUnit.CALENDAR_DAYS) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # No 31 February: the period ends on the month's last day, a make-up working day.
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        # 31 May 2026 is a Sunday: the next working day.
        (D(2026, 3, 31), 2, D(2026, 6, 1)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),
        # A leap year's 29 February.
        # 30 Nov 2019 + 3 months is 29 Feb 2020 (leap year), a Saturday: Monday 2 March.
        (D(2019, 11, 30), 3, D(2020, 3, 2)),
        # 31 Dec 2019 + 2 months: no 31 February, so 29 February, then Monday 2 March.
        (D(2019, 12, 31), 2, D(2020, 3, 2)),
    ],
)
def test_month_limits_end_on_the_corresponding_day_or_the_months_last(
    start, months, expected
):
    assert calendar_get().add(start, months, LimitUnit.MONTHS) == expected


def test_pause_intervals_do_not_count_and_include_both_ends():
    calendar = calendar_get()
    start = D(2026, 3, 2)  # Monday
    assert calendar.add_working_days(start, 5) == D(2026, 3, 9)
    # Pausing Wed 4 – Fri 6 March removes three working days from the count.
    paused = [(D(2026, 3, 4), D(2026, 3, 6))]
    assert calendar.add_working_days(start, 5, pauses=paused) == D(2026, 3, 12)
    assert calendar.count_working_days(start, D(2026, 3, 12), pauses=paused) == 5
    # Two overlapping pauses count once; a pause before the start changes nothing.
    overlapping = [(D(2026, 3, 4), D(2026, 3, 5)), (D(2026, 3, 5), D(2026, 3, 6))]
    assert calendar.add_working_days(start, 5, pauses=overlapping) == D(2026, 3, 12)
    assert calendar.add_working_days(
        start, 5, pauses=[(D(2026, 2, 2), D(2026, 2, 6))]
    ) == D(2026, 3, 9)
    # A pause reaching past the plain deadline pushes it beyond the pause's end.
    assert calendar.add_working_days(
        start, 2, pauses=[(D(2026, 3, 3), D(2026, 3, 20))]
    ) == D(2026, 3, 24)
    # Calendar-day limits add the paused days back.
    assert calendar.add_calendar_days(start, 7, pauses=paused) == D(2026, 3, 12)


def test_a_year_without_calendar_data_is_an_error_naming_the_year_never_a_guess():
    calendar = calendar_get()
    with pytest.raises(CalendarMissing) as missing:
        calendar.add_working_days(D(2027, 3, 1), 5)
    assert missing.value.code == "calendar_missing"
    assert missing.value.year == 2027
    # A limit that would run into the missing year is refused too.
    with pytest.raises(CalendarMissing) as crossing:
        calendar.add_working_days(D(2026, 12, 21), 10)
    assert crossing.value.year == 2027
    with pytest.raises(CalendarMissing):
        calendar.day(D(2003, 6, 1))
    with pytest.raises(CalendarMissing):
        calendar.count_working_days(D(2026, 12, 1), D(2027, 1, 15))
    # Within the year, the same limit is fine.
    assert calendar.add_working_days(D(2026, 12, 21), 8) == D(2026, 12, 31)


def test_day_says_why_it_is_or_is_not_a_working_day():
    calendar = calendar_get()
    spring = calendar.day(D(2026, 2, 17))
    assert (spring.is_working_day, spring.kind, spring.name) == (
        False,
        "holiday",
        "Spring Festival",
    )
    makeup = calendar.day(D(2026, 2, 28))
    assert (makeup.is_working_day, makeup.kind) == (True, "makeup_workday")
    weekend = calendar.day(D(2026, 3, 7))
    assert (weekend.is_working_day, weekend.kind, weekend.source) == (
        False,
        "weekend",
        "weekday_rule",
    )
    ordinary = calendar.day(D(2026, 3, 9))
    assert (ordinary.is_working_day, ordinary.kind) == (True, "workday")
    # 1 February 2020, the cancelled make-up day, is a holiday.
    cancelled = calendar.day(D(2020, 2, 1))
    assert (cancelled.is_working_day, cancelled.kind) == (False, "holiday")
