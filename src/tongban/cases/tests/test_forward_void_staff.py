"""Closing by forwarding (转办) and voiding (作废); staff told of what waits for them."""

from typing import Any

import pytest

from tongban.accounts.tests.conftest import Api, staff_token
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.conftest import REP_CHANGE, World
from tongban.catalog.models import Department, ServiceItem
from tongban.notifications.models import Notification, OutboxMessage

PUDONG = "上海市浦东新区市场监督管理局"
PUDONG_CODE = REP_CHANGE.replace("310000000000", "310115000000").replace(
    "11310000002420033N", "11310115002439017N"
)

pytestmark = pytest.mark.django_db


def _pudong_implementation() -> ServiceItem:
    """The same item as the Pudong bureau would implement it (same basic code)."""
    item = ServiceItem.objects.select_related("current").get(code=REP_CHANGE)
    version = item.current
    assert version is not None
    item.pk = None
    item.code = PUDONG_CODE
    item.department = Department.objects.get(name=PUDONG)
    item.region = "310115"
    item.current = None
    item.save()
    version.pk = None
    version.item = item
    version.save()
    item.current = version
    item.save(update_fields=["current"])
    return item


def _inbox(who: Api) -> list[dict[str, Any]]:
    answer = who.get("/workbench/notifications")
    assert answer.status_code == 200, answer.json()
    return list(answer.json()["items"])


def test_forward_to_the_competent_department(world: World) -> None:
    _pudong_implementation()
    pudong_clerk = world.api.as_(
        staff_token(world.api, "pd-clerk", PUDONG, ["intake_clerk"])
    )
    number = world.apply().json()["number"]
    files = set(
        CaseMaterial.objects.filter(case__number=number).values_list("sha256", "file")
    )
    answer = world.act(
        world.clerk,
        number,
        "forward",
        service_code=PUDONG_CODE,
        reason="申请人住所在浦东新区，由浦东新区市场监管局管辖。",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "closed"
    assert answer.json()["closing_type"] == "forwarded"
    new_number = answer.json()["timeline"][-1]["data"]["new_number"]
    assert "-017N-" in new_number
    forwarded = Case.objects.get(number=new_number)
    assert forwarded.status == "received"
    assert forwarded.applicant_company_id == world.company_id
    company = forwarded.applicant_company
    assert company is not None
    assert (
        forwarded.applicant_kind,
        forwarded.applicant_label,
        forwarded.applicant_identifier,
    ) == ("company", company.name, company.uscc)
    assert forwarded.form_data == Case.objects.get(number=number).form_data
    assert (
        set(forwarded.materials.values_list("sha256", "file")) == files
    )  # the same stored files, not copies
    # the receiving department sees it, was told, and the sending one no longer can act
    queue = pudong_clerk.get("/workbench/queue").json()
    assert [row["number"] for row in queue["items"]] == [new_number]
    assert queue["count"] == 1
    told = _inbox(pudong_clerk)
    assert told[0]["event"] == "staff.forwarded_in"
    assert told[0]["case_number"] == new_number
    assert world.clerk.get(f"/workbench/cases/{new_number}").status_code == 404
    # the applicant follows both numbers and was told where it went
    titles = [
        n["event"] for n in world.handler.get("/me/notifications").json()["items"]
    ]
    assert "case.forward" in titles
    assert world.handler.get(f"/cases/{new_number}").status_code == 200
    # nothing to deliver for a forwarded case
    refused = world.act(world.clerk, number, "deliver", proof="x")
    assert refused.status_code == 409


def test_forward_refusals_change_nothing(world: World) -> None:
    number = world.apply().json()["number"]
    before = Case.objects.get(number=number)
    other_item = ServiceItem.objects.exclude(basic_code=before.item.basic_code).exclude(
        department_id=before.department_id
    )[0]
    for payload, code in (
        ({"service_code": REP_CHANGE, "reason": "x"}, "invalid_forward"),  # own dept
        ({"service_code": other_item.code, "reason": "x"}, "invalid_forward"),
        ({"service_code": "nope", "reason": "x"}, "invalid_forward"),
        ({"service_code": "", "reason": "x"}, "invalid_input"),
        ({"service_code": REP_CHANGE, "reason": ""}, "invalid_input"),
    ):
        answer = world.act(world.clerk, number, "forward", **payload)
        assert answer.status_code == 422, answer.json()
        assert answer.json()["code"] == code
    after = Case.objects.get(number=number)
    assert (after.status, after.row_version) == (before.status, before.row_version)
    assert Case.objects.count() == 1


def test_void_by_the_head_only_before_acceptance(world: World) -> None:
    number = world.apply().json()["number"]
    by_clerk = world.act(world.clerk, number, "void", reason="重复申请")
    assert by_clerk.status_code == 403
    no_reason = world.act(world.head, number, "void", reason="")
    assert no_reason.status_code == 422
    voided = world.act(world.head, number, "void", reason="与 0001 号重复申请")
    assert voided.status_code == 200, voided.json()
    assert voided.json()["closing_type"] == "voided"
    events = [
        n["event"] for n in world.handler.get("/me/notifications").json()["items"]
    ]
    assert "case.void" in events
    # an accepted case must end in a decision: it cannot be voided
    accepted = world.apply(key="second").json()["number"]
    assert world.act(world.clerk, accepted, "accept").status_code == 200
    late = world.act(world.head, accepted, "void", reason="重复")
    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"


def test_staff_are_told_what_waits_for_them(world: World) -> None:
    from django.contrib.auth.models import User

    User.objects.filter(username="approver-1").update(email="approver@amr.sh.gov.cn")
    number = world.apply().json()["number"]
    assert world.clerk.post(f"/workbench/cases/{number}/claim").status_code == 200
    asked = world.act(
        world.clerk, number, "request_correction", items=["章程修正案缺少签字页"]
    )
    assert asked.status_code == 200, asked.json()
    supplied = world.handler.post(f"/cases/{number}/supplement", {"note": "已补签字页"})
    assert supplied.status_code == 200, supplied.json()
    clerk_told = _inbox(world.clerk)
    assert [n["event"] for n in clerk_told] == ["staff.supplement"]  # once, not twice
    assert world.act(world.clerk, number, "accept").status_code == 200
    reviewed = world.act(
        world.reviewer,
        number,
        "review",
        recommend="approve",
        opinion="材料齐全，符合条件。",
    )
    assert reviewed.status_code == 200
    approver_told = _inbox(world.approver)
    assert approver_told[0]["event"] == "staff.reviewed"
    assert _inbox(world.reviewer) == []  # the reviewer is not told of their own step
    # in-app only for this one: email is for what cannot wait
    assert not OutboxMessage.objects.filter(
        notification__staff_recipient__username="approver-1"
    ).exists()
    # read, and unread filter
    first = approver_told[0]["id"]
    assert (
        world.approver.post(f"/workbench/notifications/{first}/read").status_code == 204
    )
    assert world.approver.get("/workbench/notifications?unread=true").json() == {
        "count": 0,
        "items": [],
    }
    # applicants have no workbench inbox, and staff cannot read each other's
    assert world.handler.get("/workbench/notifications").status_code == 403
    world.clerk.post(f"/workbench/notifications/{first}/read")
    assert Notification.objects.get(pk=first).read_at is not None


def test_accepted_by_law_tells_the_clerks_by_email(
    world: World, platform_clock: Any
) -> None:
    import datetime as dt

    from django.contrib.auth.models import User

    from tongban.cases.services import accept_by_law_due

    User.objects.filter(username="clerk-1").update(email="clerk@amr.sh.gov.cn")
    number = world.apply().json()["number"]
    case = Case.objects.get(number=number)
    assert case.correction_due is not None
    platform_clock.set_now(
        dt.datetime.combine(case.correction_due + dt.timedelta(days=1), dt.time(9))
    )
    assert accept_by_law_due() == 1
    told = Notification.objects.filter(staff_recipient__username="clerk-1")
    assert [n.event for n in told] == ["staff.accept_by_law"]  # tokens lapsed meanwhile
    assert OutboxMessage.objects.filter(
        notification__staff_recipient__username="clerk-1", channel="email"
    ).exists()


def test_workbench_pages_forward_void_and_messages(world: World) -> None:
    from django.test import Client

    from tongban.accounts.models import StaffProfile

    _pudong_implementation()
    staff_token(world.api, "pd-clerk", PUDONG, ["intake_clerk"])
    number = world.apply().json()["number"]
    second = world.apply(key="duplicate").json()["number"]
    client = Client()
    clerk = StaffProfile.objects.get(user__username="clerk-1")
    client.force_login(clerk.user)
    page = client.get(f"/workbench/{number}/").content.decode()
    assert "浦东新区市场监督管理局" in page and 'value="forward"' in page
    assert 'value="void"' not in page  # only the head voids
    # the application form is the online form, not a material missing
    assert '代表机构变更登记申请书：<span class="text-success">在线填写' in page
    assert "未提交" not in page
    version = Case.objects.get(number=number).row_version
    client.post(
        f"/workbench/{number}/",
        {
            "action": "forward",
            "version": version,
            "service_code": PUDONG_CODE,
            "reason": "住所在浦东新区",
        },
    )
    assert Case.objects.get(number=number).closing_type == "forwarded"
    head = StaffProfile.objects.get(user__username="head-1")
    client.force_login(head.user)
    page = client.get(f"/workbench/{second}/").content.decode()
    assert 'value="void"' in page
    version = Case.objects.get(number=second).row_version
    refused = client.post(
        f"/workbench/{second}/",
        {"action": "void", "version": version, "reason": ""},
        follow=True,
    )
    assert "请写明作废原因" in refused.content.decode()
    assert Case.objects.get(number=second).status == "received"
    # the receiving clerk sees the message on the workbench; opening the case reads it
    client.force_login(StaffProfile.objects.get(user__username="pd-clerk").user)
    workbench = client.get("/workbench/").content.decode()
    assert "收到转办件" in workbench and 'data-testid="staff-messages"' in workbench
    new_number = Case.objects.get(item__code=PUDONG_CODE).number
    assert client.get(f"/workbench/{new_number}/").status_code == 200
    assert "收到转办件" not in client.get("/workbench/").content.decode()
