"""A limit that runs into a year whose holidays the State Council has not published: the
engine's earliest date (that year counted on weekends alone), the calculator's answer and
the API's refusal saying it, never an administrator's message."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tongban.workdays.calendar import CalendarMissing
from tongban.workdays.selectors import calendar_get
from tongban.workdays.services import ArrangedDay, calendar_year_save

pytestmark = pytest.mark.django_db

D = dt.date


def _weekdays_after(start: dt.date, count: int) -> dt.date:
    """The count-th Monday–Friday after start: the oracle for years nobody has published."""
    day = start
    while count:
        day += dt.timedelta(days=1)
        count -= day.weekday() < 5
    return day


def test_twenty_working_days_from_20_december_2026_count_2027_on_weekends_alone():
    calendar = calendar_get()
    with pytest.raises(CalendarMissing):
        calendar.add(D(2026, 12, 20), 20)
    # 21–31 December 2026 hold 9 working days; 2027 is counted Monday–Friday, so
    # 1 January (a Friday, surely a holiday once published) counts: 11 more end on the 15th.
    assert calendar.add_assuming_weekends(D(2026, 12, 20), 20) == D(2027, 1, 15)
    # Within the known years it is the calendar itself, holidays and make-up days included.
    assert calendar.add_assuming_weekends(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add_assuming_weekends(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # Several unknown years at once.
    assert calendar.add_assuming_weekends(D(2026, 12, 31), 700) == _weekdays_after(
        D(2026, 12, 31), 700
    )


def test_pauses_calendar_days_and_months_into_the_unknown_year():
    calendar = calendar_get()
    # A pause over the turn of the year (28 December – 6 January) does not count:
    # 5 working days before it, then 7, 8 and 11–27 January.
    pause = [(D(2026, 12, 28), D(2027, 1, 6))]
    assert calendar.add_assuming_weekends(D(2026, 12, 20), 20, pauses=pause) == D(
        2027, 1, 27
    )
    # 30 calendar days end on Tuesday 19 January; 27 on a Saturday, so the Monday after.
    assert calendar.add_assuming_weekends(D(2026, 12, 20), 30, "calendar_days") == D(
        2027, 1, 19
    )
    assert calendar.add_assuming_weekends(D(2026, 12, 20), 27, "calendar_days") == D(
        2027, 1, 18
    )
    # Two months from 31 December: 28 February 2027, a Sunday, so 1 March.
    assert calendar.add_assuming_weekends(D(2026, 12, 31), 2, "months") == D(2027, 3, 1)


def test_a_year_an_administrator_entered_counts_as_entered_and_the_next_on_weekends():
    calendar_year_save(
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        days=[ArrangedDay(date=D(2027, 1, 1), is_working_day=False, name="元旦")],
    )
    calendar = calendar_get()
    assert calendar.add(D(2026, 12, 20), 20) == D(2027, 1, 18)  # 1 January off
    assert calendar.add_assuming_weekends(D(2026, 12, 20), 20) == D(2027, 1, 18)
    with pytest.raises(CalendarMissing) as missing:
        calendar.add(D(2027, 12, 20), 20)
    assert missing.value.year == 2028
    assert calendar.add_assuming_weekends(D(2027, 12, 20), 20) == _weekdays_after(
        D(2027, 12, 31), 20 - 9
    )


def test_a_year_before_the_calendar_is_still_missing_and_no_message_is_for_admins():
    calendar = calendar_get()
    with pytest.raises(CalendarMissing) as before:
        calendar.add_assuming_weekends(D(1999, 3, 1), 5)
    assert before.value.year == 1999
    with pytest.raises(CalendarMissing) as missing:
        calendar.day(D(2027, 1, 4))
    assert "管理员" not in str(missing.value.message)
    assert "2027" in str(missing.value.message)


def test_the_calculator_says_when_the_deadline_is_fixed_and_its_earliest_day(client):
    asked = {
        "q": "add",
        "add-date": "2026-12-20",
        "add-days": "20",
        "add-unit": "working_days",
    }
    for prefix, language in (("", "zh-hans"), ("/en", "en")):
        page = client.get(f"{prefix}/workdays/", asked).content.decode()
        with translation.override(language):
            expected = gettext("期限待国务院公布 %(year)s 年节假日安排后确定") % {
                "year": 2027
            }
            administrator = gettext("请管理员录入该年安排。")
        assert expected in page
        assert 'data-testid="earliest">2027-01-15<' in page
        assert "请管理员" not in page and administrator not in page
        assert "error-summary" not in page


def test_the_api_refuses_as_before_and_says_the_earliest_day(client):
    response = client.get(
        "/api/v1/workdays/add",
        {"date": "2026-12-20", "days": 20, "pause": "2026-12-28/2027-01-06"},
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["year"], body["earliest"]) == (
        "calendar_missing",
        2027,
        "2027-01-27",
    )
    assert body["message"] == (
        "期限待国务院公布 2027 年节假日安排后确定，最早 2027-01-27"
    )
    english = client.get(
        "/api/v1/workdays/add",
        {"date": "2026-12-20", "days": 20},
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    with translation.override("en"):
        expected = gettext(
            "期限待国务院公布 %(year)s 年节假日安排后确定，最早 %(date)s"
        ) % {"year": 2027, "date": "2027-01-15"}
    assert english["message"] == expected
    # Within the known years, the answer is the date, as it always was.
    known = client.get("/api/v1/workdays/add", {"date": "2026-12-20", "days": 9})
    assert known.status_code == 200 and known.json()["result"] == "2026-12-31"
