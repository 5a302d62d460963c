"""Every transition of a case and every refusal, over the API, with nothing changed on refusal."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tongban.cases.models import Case, CaseEvent
from tongban.cases.services import accept_by_law_due
from tongban.cases.tests.conftest import FORM, World, sample_pdf
from tongban.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _case(world: World) -> dict[str, Any]:
    response = world.apply()
    assert response.status_code == 201, response.json()
    return response.json()


def _state(number: str) -> tuple[str, int, int]:
    case = Case.objects.get(number=number)
    return case.status, case.row_version, CaseEvent.objects.filter(case=case).count()


def test_the_whole_story_from_apply_to_delivery(world: World) -> None:
    case = _case(world)
    number = case["number"]
    assert re.fullmatch(r"310000-\d{8}-033N-\d{5}", number)
    assert case["status"] == "received"
    assert case["applicant"] == "英国示范贸易有限公司上海代表处"
    assert case["documents"][0]["kind"] == "receipt"
    assert case["correction_due"]
    # the representative sees the case his handler filed; the handler sees it too
    assert world.representative.get(f"/cases/{number}").status_code == 200

    accepted = world.act(world.clerk, number, "accept")
    assert accepted.status_code == 200, accepted.json()
    body = accepted.json()
    assert body["status"] == "accepted"
    assert body["accepted_on"] == clock.today().isoformat()
    assert body["legal_deadline"] and body["promised_deadline"]
    assert body["promised_deadline"] <= body["legal_deadline"]
    assert "受字〔" in body["documents"][-1]["number"]

    reviewed = world.act(
        world.reviewer,
        number,
        "review",
        recommend="approve",
        opinion="材料齐全，符合条例第三十条。",
    )
    assert reviewed.json()["status"] == "reviewed"
    approved = world.act(world.approver, number, "approve")
    assert approved.json()["status"] == "approved"
    assert approved.json()["documents"][-1]["kind"] == "approval"
    closed = world.act(world.clerk, number, "close")
    assert closed.json()["status"] == "closed"
    assert closed.json()["closing_type"] == "result_issued"
    delivered = world.act(
        world.clerk, number, "deliver", proof="电子送达回执 ED-2026-0001"
    )
    assert delivered.json()["delivered"] is True
    actions = [e["action"] for e in delivered.json()["timeline"]]
    assert actions == [
        "draft",
        "submit",
        "accept",
        "review",
        "approve",
        "close",
        "deliver",
    ]
    assert world.handler.get(f"/cases/{number}").json()["status_label"] == "已办结"


def test_correction_once_then_supplement_then_accept(world: World) -> None:
    number = _case(world)["number"]
    missing = world.act(world.clerk, number, "request_correction", items=[])
    assert missing.status_code == 422
    sent = world.act(
        world.clerk,
        number,
        "request_correction",
        items=[
            "外国企业对首席代表的任免文件（须经公证认证）",
            "新任首席代表的护照复印件",
        ],
    )
    assert sent.json()["status"] == "correction_requested"
    notice = sent.json()["documents"][-1]
    assert notice["kind"] == "correction"
    assert len(notice["content"]["items"]) == 2
    supplied = world.handler.post(
        f"/cases/{number}/supplement", {"note": "已上传任免文件"}
    )
    assert supplied.status_code == 200, supplied.json()
    assert supplied.json()["status"] == "received"
    before = _state(number)
    again = world.act(world.clerk, number, "request_correction", items=["再补一份"])
    assert again.status_code == 409
    assert again.json()["code"] == "correction_already_sent"
    assert _state(number) == before
    assert world.act(world.clerk, number, "accept").json()["status"] == "accepted"


def test_no_notice_in_five_working_days_means_accepted_on_receipt(
    world: World, platform_clock: Any
) -> None:
    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))  # a Monday
    number = _case(world)["number"]
    assert Case.objects.get(number=number).correction_due == dt.date(2026, 3, 9)
    platform_clock.set_now(dt.datetime(2026, 3, 9, 18, 0, tzinfo=SHANGHAI))
    assert accept_by_law_due() == 0  # the fifth working day is still inside the window
    platform_clock.set_now(dt.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI))
    late = world.act(world.clerk, number, "request_correction", items=["任免文件"])
    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"
    case = world.handler.get(f"/cases/{number}").json()
    assert case["status"] == "accepted"
    assert case["accepted_by_law"] is True
    assert case["accepted_on"] == "2026-03-02"
    assert case["timeline"][-1]["action"] == "accept_by_law"
    assert accept_by_law_due() == 0  # idempotent


def test_the_scheduler_job_accepts_by_law(world: World, platform_clock: Any) -> None:
    platform_clock.set_now(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    number = _case(world)["number"]
    platform_clock.set_now(dt.datetime(2026, 3, 12, 9, 0, tzinfo=SHANGHAI))
    assert accept_by_law_due() == 1
    assert Case.objects.get(number=number).accepted_by_law


def test_refuse_at_intake_needs_reasons_and_states_appeal_rights(world: World) -> None:
    number = _case(world)["number"]
    before = _state(number)
    assert world.act(world.clerk, number, "refuse_intake").status_code == 422
    assert _state(number) == before
    refused = world.act(
        world.clerk, number, "refuse_intake", reason="不属于本机关职权范围。"
    )
    assert refused.json()["status"] == "not_accepted"
    document = refused.json()["documents"][-1]
    assert document["kind"] == "non_acceptance"
    assert "行政复议" in document["content"]["rights"]
    closed = world.act(world.clerk, number, "close")
    assert closed.json()["closing_type"] == "not_accepted"


def test_reviewer_cannot_decide_the_same_case(world: World) -> None:
    number = _case(world)["number"]
    world.act(world.clerk, number, "accept")
    # a reviewer who is also an approver
    both = world.api.as_(
        __import__("tongban.accounts.tests.conftest", fromlist=["x"]).staff_token(
            world.api, "both", "上海市市场监督管理局", ["reviewer", "approver"]
        )
    )
    world.act(both, number, "review", recommend="approve", opinion="同意")
    before = _state(number)
    response = world.act(both, number, "approve")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authorised"
    assert _state(number) == before
    refused = world.act(world.approver, number, "refuse", reason="任免文件未经认证。")
    assert refused.json()["status"] == "refused"
    assert "行政诉讼" in refused.json()["documents"][-1]["content"]["rights"]


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("approve", "approver"),
        ("review", "reviewer"),
        ("close", "clerk"),
        ("extend", "head"),
    ],
)
def test_invalid_transitions_change_nothing(
    world: World, action: str, who: str
) -> None:
    number = _case(world)["number"]
    before = _state(number)
    body = {
        "review": {"opinion": "x", "recommend": "approve"},
        "extend": {"reason": "x"},
    }.get(action, {})
    response = world.act(getattr(world, who), number, action, **body)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert _state(number) == before


def test_wrong_role_is_not_authorised(world: World) -> None:
    number = _case(world)["number"]
    before = _state(number)
    response = world.act(world.reviewer, number, "accept")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authorised"
    assert _state(number) == before


def test_two_clerks_at_once_exactly_one_wins(world: World) -> None:
    number = _case(world)["number"]
    version = world.clerk.get(f"/workbench/cases/{number}").json()["version"]
    from tongban.accounts.tests.conftest import staff_token

    other = world.api.as_(
        staff_token(world.api, "clerk-2", "上海市市场监督管理局", ["intake_clerk"])
    )
    first = world.act(world.clerk, number, "accept", expected_version=version)
    second = world.act(
        other, number, "refuse_intake", expected_version=version, reason="x"
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert second.json()["status"] == "accepted"
    assert Case.objects.get(number=number).status == "accepted"


def test_retried_submission_makes_one_case(world: World) -> None:
    first = world.apply(key="3f1e-retry")
    second = world.apply(
        key="3f1e-retry"
    )  # the app did not hear the answer and retries
    assert first.status_code == second.status_code == 201, second.json()
    assert first.json()["number"] == second.json()["number"]
    assert Case.objects.count() == 1
    assert first.json()["status"] == second.json()["status"] == "received"


def test_withdraw_before_a_decision_only(world: World) -> None:
    number = _case(world)["number"]
    withdrawn = world.handler.post(f"/cases/{number}/withdraw", {"reason": "信息填错"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["closing_type"] == "withdrawn"
    other = _case(world)["number"]
    world.act(world.clerk, other, "accept")
    world.act(world.reviewer, other, "review", recommend="approve", opinion="同意")
    world.act(world.approver, other, "approve")
    late = world.handler.post(f"/cases/{other}/withdraw", {})
    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"


def test_drafts_are_saved_and_submitted_later(world: World) -> None:
    draft = world.handler.post(
        "/cases",
        {
            "service_code": "000131007000-310000000000-000-11310000002420033N-1-00",
            "form": {"a": 1},
        },
    )
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft"
    number = draft.json()["number"]
    incomplete = world.handler.post(f"/cases/{number}/submit")
    assert incomplete.status_code == 422
    assert incomplete.json()["code"] == "invalid_form"
    assert set(incomplete.json()["fields"]) == {
        "office_name",
        "new_representative",
        "appointment_date",
    }
    bad_date = world.handler.client.patch(
        f"/api/v1/cases/{number}",
        {"form": {**FORM, "appointment_date": "2026-02-30"}},
        content_type="application/json",
        headers=world.handler._headers(),
    )
    assert bad_date.status_code == 200  # a draft may be incomplete or wrong
    refused = world.handler.post(f"/cases/{number}/submit")
    assert list(refused.json()["fields"]) == ["appointment_date"]
    world.handler.client.patch(
        f"/api/v1/cases/{number}",
        {"form": FORM},
        content_type="application/json",
        headers=world.handler._headers(),
    )
    unsupplied = world.handler.post(f"/cases/{number}/submit")
    assert unsupplied.status_code == 422
    assert unsupplied.json()["code"] == "materials_missing"
    for key in unsupplied.json()["fields"]:
        position = int(key.split(".")[1])
        assert world.upload(number, position, sample_pdf()).status_code == 201
    submitted = world.handler.post(f"/cases/{number}/submit")
    assert submitted.json()["status"] == "received"
    assert submitted.json()["number"].startswith("310000-")


def test_public_progress_by_number_and_document(world: World) -> None:
    number = _case(world)["number"]
    client = world.api.as_("")
    ok = client.get("/progress", number=number, identity="810000 1990 0505 0026")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status_label"] == "已收件，待受理"
    assert all(step["data"] == {} for step in ok.json()["steps"])
    # what and when, never a step's reasons, items or documents
    assert all(step["detail"] == step["document"] == "" for step in ok.json()["steps"])
    assert [step["label"] for step in ok.json()["steps"]] == ["填写申请", "提交申请"]
    assert (
        client.get("/progress", number=number, identity="+852 9123 4567").status_code
        == 200
    )
    assert (
        client.get(
            "/progress", number=number, identity="310115198506120317"
        ).status_code
        == 404
    )
    for _attempt in range(10):
        last = client.get("/progress", number=number, identity="x")
    assert last.status_code == 429
