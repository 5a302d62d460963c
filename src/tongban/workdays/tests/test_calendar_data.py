"""An administrator keeps the calendar current: years the library lacks, regional days."""

import datetime as dt

import pytest

from tongban.core.errors import InvalidInput
from tongban.workdays.calendar import CalendarMissing
from tongban.workdays.models import CalendarYear, DayOverride
from tongban.workdays.selectors import calendar_get
from tongban.workdays.services import (
    arrangement_parse,
    calendar_year_save,
    day_override_delete,
    day_override_set,
)

pytestmark = pytest.mark.django_db

D = dt.date

ARRANGEMENT_2027 = """
# 2027 arrangement as an administrator would type it (test data)
2027-01-01 休 元旦
2027-02-06~2027-02-12 休 春节
2027-02-14 班 春节
2027-02-20 班 春节
"""


def test_a_year_added_by_an_administrator_becomes_computable():
    with pytest.raises(CalendarMissing):
        calendar_get().add_working_days(D(2027, 2, 5), 1)
    calendar_year_save(
        year=2027,
        source="国务院办公厅通知（测试）",
        days=arrangement_parse(ARRANGEMENT_2027),
    )
    calendar = calendar_get()
    assert calendar.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 14)
    assert calendar.add_working_days(D(2027, 2, 14), 1) == D(2027, 2, 15)
    assert calendar.day(D(2027, 2, 8)).kind == "holiday"
    assert calendar.day(D(2027, 2, 20)).kind == "makeup_workday"
    # A limit crossing from 2026 into 2027 now works too.
    assert calendar.add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 4)


def test_saving_a_year_again_replaces_its_days_and_keeps_history():
    calendar_year_save(
        year=2027, source="第一版", days=arrangement_parse(ARRANGEMENT_2027)
    )
    calendar_year_save(
        year=2027, source="更正版", days=arrangement_parse("2027-01-01 休 元旦")
    )
    assert list(
        DayOverride.objects.filter(region="").values_list("date", flat=True)
    ) == [D(2027, 1, 1)]
    assert CalendarYear.objects.get(year=2027).source == "更正版"
    assert calendar_get().day(D(2027, 2, 8)).is_working_day is True
    # Every creation, change and deletion is kept.
    history_types = sorted(DayOverride.history.values_list("history_type", flat=True))
    # 10 days created (1 + 7 + 2), 9 of them deleted, 1 January saved again.
    assert history_types.count("+") == 10
    assert history_types.count("-") == 9
    assert history_types.count("~") == 1
    assert CalendarYear.history.count() == 2


def test_a_bad_arrangement_is_refused_and_nothing_is_saved():
    with pytest.raises(InvalidInput) as error:
        calendar_year_save(
            year=2027,
            source="x",
            days=arrangement_parse("2027-01-01 休 元旦\n2028-01-01 休 元旦"),
        )
    assert error.value.code == "invalid_arrangement"
    assert CalendarYear.objects.count() == 0
    assert DayOverride.objects.count() == 0
    with pytest.raises(InvalidInput) as unreadable:
        arrangement_parse("2027-01-01 元旦")
    assert unreadable.value.code == "invalid_arrangement"
    assert "第 1 行" in str(unreadable.value.message)


def test_a_regional_adjustment_applies_to_every_district_under_the_region():
    # Shanghai 310000 makes Friday 6 March 2026 a rest day (test data).
    day_override_set(
        region="310000", date=D(2026, 3, 6), is_working_day=False, name="地区调休"
    )
    pudong = calendar_get(region="310115")
    assert pudong.is_working_day(D(2026, 3, 6)) is False
    assert pudong.day(D(2026, 3, 6)).source == "regional_override"
    assert pudong.day(D(2026, 3, 6)).region == "310000"
    # Districts abolished long ago still belong to the city: 卢湾区 (310103).
    assert calendar_get(region="310103").is_working_day(D(2026, 3, 6)) is False
    assert calendar_get(region="310000").add_working_days(D(2026, 3, 5), 1) == D(
        2026, 3, 9
    )
    # Neither the nation nor another province is affected.
    assert calendar_get().is_working_day(D(2026, 3, 6)) is True
    assert calendar_get(region="320000").is_working_day(D(2026, 3, 6)) is True


def test_the_most_specific_region_wins():
    day_override_set(
        region="310000", date=D(2026, 3, 6), is_working_day=False, name="全市调休"
    )
    day_override_set(
        region="310115", date=D(2026, 3, 6), is_working_day=True, name="浦东照常"
    )
    assert calendar_get(region="310115").is_working_day(D(2026, 3, 6)) is True
    assert calendar_get(region="310104").is_working_day(D(2026, 3, 6)) is False
    day_override_delete(region="310115", date=D(2026, 3, 6))
    assert calendar_get(region="310115").is_working_day(D(2026, 3, 6)) is False


def test_an_unknown_region_is_refused():
    for code in ["999999", "31011", "abcdef", "310199"]:
        with pytest.raises(InvalidInput) as error:
            calendar_get(region=code)
        assert error.value.code == "unknown_region"
    with pytest.raises(InvalidInput):
        day_override_set(region="999999", date=D(2026, 3, 6), is_working_day=False)
    assert DayOverride.objects.count() == 0


def test_a_change_made_by_another_process_is_seen_at_the_next_question():
    calendar = calendar_get(region="310000")
    assert calendar.is_working_day(D(2026, 3, 6)) is True
    # As the admin site in another process would: a plain ORM write, with history.
    DayOverride.objects.create(
        region="310000", date=D(2026, 3, 6), is_working_day=False
    )
    assert calendar_get(region="310000").is_working_day(D(2026, 3, 6)) is False
    assert calendar_get(region="310000") is calendar_get(region="310000")
