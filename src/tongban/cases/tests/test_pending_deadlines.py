"""Deadlines that run into 2027 before the State Council publishes its holidays: each is
pending on its own, told at the earliest (2027 counted on weekends alone) on the
applicant's and the staff case page, and computed for real once the year is entered."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tongban.accounts.models import StaffProfile
from tongban.cases.deadlines import (
    EarliestDeadlines,
    earliest_possible,
    earliest_possible_by_pk,
)
from tongban.cases.models import Case
from tongban.cases.selectors import Countdown, queue_rows, queue_rows_read
from tongban.cases.services import deadlines_pending_recompute
from tongban.cases.tests.conftest import World
from tongban.cases.tests.test_forms import _handler_page

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


def _text(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]*)<', page)
    assert found, f"no {testid} on the page"
    return found.group(1)


def _pending(year: int, day: str, language: str = "zh-hans") -> str:
    with translation.override(language):
        return gettext(
            "期限待国务院公布 %(year)s 年节假日安排后确定，最早 %(date)s"
        ) % {"year": year, "date": day}


@pytest.fixture
def late_december(platform_clock: Any) -> Any:
    """Monday 28 December 2026, before the world is made (its staff log in then)."""
    platform_clock.set_now(dt.datetime(2026, 12, 28, 10, tzinfo=SHANGHAI))
    return platform_clock


def test_a_deadline_into_2027_shows_its_earliest_day_until_2027_is_entered(
    late_december: Any, world: World, django_assert_num_queries: Any
) -> None:
    from tongban.workdays.services import ArrangedDay, calendar_year_save

    number = world.apply().json()["number"]
    case = Case.objects.select_related("version").get(number=number)
    # Five working days to decide on acceptance: 29, 30, 31 December, then 1 and 4
    # January 2027 on weekends alone.
    assert case.deadline_pending_year == 2027 and case.correction_due is None
    assert earliest_possible(case) == EarliestDeadlines(
        year=2027, correction_due=D(2027, 1, 4)
    )
    applicant = _handler_page(world)
    for prefix, language in (("", "zh-hans"), ("/en", "en")):
        page = applicant.get(f"{prefix}/cases/{number}/").content.decode()
        assert _text(page, "correction-due") == _pending(2027, "2027-01-04", language)
        assert "请管理员" not in page
    page = applicant.get(f"/cases/{number}/").content.decode()
    next_steps = page[page.index('data-testid="next-steps"') :]
    assert "决定的期限待国务院公布 2027 年节假日安排后确定，最早 2027-01-04" in (
        next_steps
    )

    # Accepted the same day: 3 working days promised end in 2026, the 8 of the law in 2027.
    accepted = world.act(world.clerk, number, "accept").json()
    assert accepted["promised_deadline"] == "2026-12-31"
    assert accepted["legal_deadline"] is None
    assert accepted["deadline_pending_year"] == 2027
    case = Case.objects.select_related("version").get(number=number)
    assert earliest_possible(case) == EarliestDeadlines(
        year=2027, legal_deadline=D(2027, 1, 7)
    )
    with django_assert_num_queries(0):  # asked again by the same page: kept
        assert earliest_possible(case) is earliest_possible(case)
    pending = earliest_possible(case)
    assert pending is not None and pending.earliest == D(2027, 1, 7)
    assert pending.text() == _pending(2027, "2027-01-07")  # what a queue row says
    assert earliest_possible_by_pk([case.pk]) == {
        case.pk: EarliestDeadlines(year=2027, legal_deadline=D(2027, 1, 7))
    }
    page = applicant.get(f"/cases/{number}/").content.decode()
    assert _text(page, "legal-deadline") == _pending(2027, "2027-01-07")
    assert "2026-12-31" in page  # the promised deadline, known
    clerk = StaffProfile.objects.get(user__username="clerk-1")
    (row,) = queue_rows_read(queue_rows(clerk, offset=0, limit=10))
    assert row.legal_left == Countdown(None, "pending")
    assert row.promised_left == Countdown(3)  # 29, 30 and 31 December
    staff = Client()
    staff.force_login(StaffProfile.objects.get(user__username="clerk-1").user)
    desk = staff.get(f"/workbench/{number}/").content.decode()
    assert _text(desk, "legal-deadline") == _pending(2027, "2027-01-07")

    calendar_year_save(
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        days=[ArrangedDay(date=D(2027, 1, 1), is_working_day=False, name="元旦")],
    )
    assert deadlines_pending_recompute() == 1
    case = Case.objects.select_related("version").get(number=number)
    assert case.legal_deadline == D(2027, 1, 8)  # 1 January off: a day later
    assert case.promised_deadline == D(2026, 12, 31)
    assert earliest_possible(case) is None
    assert earliest_possible_by_pk([case.pk]) == {}
    page = applicant.get(f"/cases/{number}/").content.decode()
    assert _text(page, "legal-deadline").startswith("2027-01-08")


def test_a_limit_into_2028_waits_for_2028_once_2027_is_entered(
    late_december: Any, world: World
) -> None:
    from tongban.catalog.models import ServiceVersion
    from tongban.workdays.services import calendar_year_save

    number = world.apply().json()["number"]
    case = Case.objects.select_related("version").get(number=number)
    content = dict(case.version.content)
    content["legal_limit"] = {"value": 300, "unit": "working_days"}
    ServiceVersion.objects.filter(pk=case.version_id).update(content=content)
    world.act(world.clerk, number, "accept")
    calendar_year_save(year=2027, source="测试：2027 年无调整", days=[])
    assert deadlines_pending_recompute() == 0  # the legal one still waits
    case = Case.objects.select_related("version").get(number=number)
    assert (case.deadline_pending_year, case.legal_deadline) == (2028, None)
    assert case.promised_deadline == D(2026, 12, 31)
    earliest = earliest_possible(case)
    assert earliest is not None and earliest.year == 2028
    assert earliest.legal_deadline is not None
    assert earliest.legal_deadline.year == 2028


@pytest.fixture
def friday_18_december(platform_clock: Any) -> Any:
    platform_clock.set_now(dt.datetime(2026, 12, 18, 10, tzinfo=SHANGHAI))
    return platform_clock


def test_due_soon_reaches_into_2027_on_weekends_alone(
    friday_18_december: Any, world: World
) -> None:
    from tongban.cases.selectors import supervision

    number = world.apply().json()["number"]
    accepted = world.act(world.clerk, number, "accept").json()
    assert accepted["legal_deadline"] == "2026-12-30"  # 8 working days from Friday 18th
    # On the 29th, three working days on end on 1 January 2027 at the earliest: the
    # deadline tomorrow is due soon (it was "on track" while 2027 stopped the count).
    friday_18_december.set_now(dt.datetime(2026, 12, 29, 10, tzinfo=SHANGHAI))
    report = supervision()
    assert [(f["case"].number, f["state"]) for f in report["flagged"]] == [
        (number, "due_soon")
    ]
