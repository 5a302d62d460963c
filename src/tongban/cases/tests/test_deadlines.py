"""Deadlines on the legal clock: 2020's Spring Festival, special procedures, an extension,
and a year the calendar does not know yet."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tongban.accounts.models import Grant
from tongban.cases.models import Case
from tongban.cases.services import deadlines_pending_recompute
from tongban.cases.tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


def test_spring_festival_2020_special_procedure_and_extension(
    world: World, platform_clock: Any
) -> None:
    Grant.objects.update(valid_from=dt.date(2020, 1, 1))
    platform_clock.set_now(_at("2020-01-22"))
    number = world.apply().json()["number"]
    accepted = world.act(world.clerk, number, "accept").json()
    # 8 working days by law, 3 promised, from 22 January 2020: the holiday ran to 2 February.
    assert accepted["legal_deadline"] == "2020-02-11"
    assert accepted["promised_deadline"] == "2020-02-04"

    platform_clock.set_now(_at("2020-02-03"))
    started = world.act(
        world.reviewer,
        number,
        "special_start",
        kind="site_check",
        reason="需现场核查代表处办公场所。",
        basis="《中华人民共和国行政许可法》第四十五条",
    )
    assert started.status_code == 200, started.json()
    assert started.json()["documents"][-1]["kind"] == "special_procedure"
    platform_clock.set_now(_at("2020-02-07"))
    ended = world.act(
        world.reviewer, number, "special_end", result="现场核查符合要求。"
    )
    # 3–7 February (five working days) do not count.
    assert ended.json()["legal_deadline"] == "2020-02-18"
    assert ended.json()["promised_deadline"] == "2020-02-11"

    platform_clock.set_now(_at("2020-02-10"))
    refused = world.act(world.head, number, "extend")
    assert refused.status_code == 422  # the reason is told to the applicant
    extended = world.act(
        world.head, number, "extend", reason="案情复杂，需征求相关部门意见。"
    )
    assert extended.json()["extended"] is True
    assert extended.json()["legal_deadline"] == "2020-03-03"
    assert extended.json()["promised_deadline"] == "2020-02-11"
    once = world.act(world.head, number, "extend", reason="再延长")
    assert once.status_code == 409


def test_a_missing_calendar_year_leaves_the_deadline_pending(
    world: World, platform_clock: Any
) -> None:
    from tongban.workdays.services import ArrangedDay, calendar_year_save

    platform_clock.set_now(_at("2026-12-28"))
    world.relogin_handler()  # a month on, the old access token has long expired
    applied = world.apply()
    assert applied.status_code == 201, applied.json()
    number = applied.json()["number"]
    case = world.handler.get(f"/cases/{number}").json()
    assert case["status"] == "received"  # never refused for want of a calendar
    assert case["correction_due"] is None
    assert case["deadline_pending_year"] == 2027
    calendar_year_save(
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        days=[ArrangedDay(date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")],
    )
    assert deadlines_pending_recompute() == 1
    stored = Case.objects.get(number=number)
    assert stored.deadline_pending_year is None
    assert stored.correction_due == dt.date(2027, 1, 5)
