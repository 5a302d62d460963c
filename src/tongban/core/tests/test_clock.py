"""The platform clock: moved in tests and demos, never in production."""

import datetime as dt

import pytest

from tongban.core import clock

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_moved_clock_reads_the_new_moment_and_keeps_running():
    clock.set_now(dt.datetime(2020, 2, 3, 9, 0, tzinfo=SHANGHAI))
    first = clock.now()
    assert (
        dt.timedelta(0)
        <= first - dt.datetime(2020, 2, 3, 9, 0, tzinfo=SHANGHAI)
        < dt.timedelta(seconds=5)
    )
    assert clock.today() == dt.date(2020, 2, 3)
    assert clock.now() >= first
    assert clock.is_adjusted() is True
    clock.reset()
    assert clock.is_adjusted() is False
    assert clock.today().year >= 2026


def test_moving_twice_in_quick_succession_is_seen_at_once():
    for day in range(1, 20):
        clock.set_now(dt.datetime(2026, 3, day, 9, 0, tzinfo=SHANGHAI))
        assert clock.today() == dt.date(2026, 3, day)


def test_a_naive_or_date_only_moment_is_in_the_platform_time_zone():
    clock.set_now(clock.parse_moment("2026-03-02"))
    assert clock.today() == dt.date(2026, 3, 2)
    assert clock.now().astimezone(SHANGHAI).hour == 0
    with pytest.raises(ValueError, match="not an ISO date-time"):
        clock.parse_moment("next tuesday")
    with pytest.raises(ValueError):
        clock.parse_moment("2026-02-30")


def test_the_clock_cannot_be_moved_where_it_is_not_adjustable(settings):
    settings.TONGBAN_CLOCK_ADJUSTABLE = False
    with pytest.raises(RuntimeError):
        clock.set_now(dt.datetime(2020, 1, 1, tzinfo=SHANGHAI))
    assert clock.is_adjusted() is False
