"""效能监察 and the counter: cases near or past their limits; a walk-in application."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tongban.accounts.tests.conftest import staff_token
from tongban.cases.models import Case
from tongban.cases.tests.conftest import FORM, REP_CHANGE, World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


def test_supervisor_sees_late_and_on_time_cases(
    world: World, platform_clock: Any
) -> None:
    platform_clock.set_now(_at("2026-03-02"))
    world.relogin_handler()
    on_time, late = world.apply().json()["number"], world.apply().json()["number"]
    for number in (on_time, late):
        world.act(world.clerk, number, "accept")
        world.act(world.reviewer, number, "review", recommend="approve", opinion="同意")
    world.act(world.approver, on_time, "approve")  # the same day: within the promise
    platform_clock.set_now(
        _at("2026-03-16")
    )  # 8 working days from 2 March ended on the 12th
    supervisor = world.api.as_(
        staff_token(world.api, "supervisor-2", "上海市发展和改革委员会", ["supervisor"])
    )
    report = supervisor.get("/supervision").json()
    row = next(
        r for r in report["departments"] if r["department"] == "上海市市场监督管理局"
    )
    assert row["on_time_promised"] == 1
    assert row["overdue"] == 1
    assert [f["number"] for f in report["flagged"]] == [late]
    assert report["flagged"][0]["state"] == "overdue"
    # a clerk may not look; a department head sees their own department
    assert (
        world.api.as_(
            staff_token(world.api, "clerk-9", "上海市市场监督管理局", ["intake_clerk"])
        )
        .get("/supervision")
        .status_code
        == 403
    )
    head = world.api.as_(
        staff_token(world.api, "head-9", "上海市市场监督管理局", ["department_head"])
    )
    assert len(head.get("/supervision").json()["departments"]) == 1


def test_clerk_enters_a_walk_in_application(world: World) -> None:
    created = world.clerk.post(
        "/staff/persons",
        {"name": "刘洋", "doc_number": "320102199207300611", "phone": "13700002222"},
    )
    assert created.status_code == 201, created.json()
    case = world.clerk.post(
        "/workbench/counter-cases",
        {
            "service_code": REP_CHANGE,
            "applicant_doc_number": "320102199207300611",
            "form": FORM,
        },
    )
    assert case.status_code == 201, case.json()
    assert case.json()["channel"] == "counter"
    assert case.json()["status"] == "received"
    made = Case.objects.get(number=case.json()["number"])
    assert made.submitted_by.name == "刘洋"
    # the applicant as the queue reads it, on the case: the person, masked document
    assert (made.applicant_kind, made.applicant_label) == ("person", "刘洋")
    assert made.applicant_identifier == made.submitted_by.doc_masked
    assert "19920730" not in made.applicant_identifier
    unknown = world.clerk.post(
        "/workbench/counter-cases",
        {
            "service_code": REP_CHANGE,
            "applicant_doc_number": "440305199501011236",
            "form": FORM,
        },
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "applicant_not_found"
    bad_form = world.clerk.post(
        "/workbench/counter-cases",
        {
            "service_code": REP_CHANGE,
            "applicant_doc_number": "320102199207300611",
            "form": {},
        },
    )
    assert bad_form.json()["code"] == "invalid_form"
    assert Case.objects.count() == 1
    reviewer = world.reviewer.post(
        "/workbench/counter-cases",
        {
            "service_code": REP_CHANGE,
            "applicant_doc_number": "320102199207300611",
            "form": FORM,
        },
    )
    assert reviewer.status_code == 403


def test_supervision_page_is_for_supervisors_and_heads(world: World) -> None:
    from django.test import Client

    from tongban.accounts.models import StaffProfile

    client = Client()
    clerk = StaffProfile.objects.get(user__username="clerk-1")
    client.force_login(clerk.user)
    assert client.get("/supervision/").status_code == 403
    head = StaffProfile.objects.get(user__username="head-1")
    client.force_login(head.user)
    page = client.get("/supervision/")
    assert page.status_code == 200
    assert (
        "上海市市场监督管理局" in page.content.decode()
        or "暂无已受理的办件" in page.content.decode()
    )
