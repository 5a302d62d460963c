"""Each staff step is its own endpoint with its own body: unknown fields are refused."""

import pytest

from tongban.accounts.tests.conftest import staff_token
from tongban.cases.models import Case, CaseEvent
from tongban.cases.tests.conftest import World

pytestmark = pytest.mark.django_db

STEPS = {
    "request_correction": {"items"},
    "accept": set(),
    "refuse_intake": {"reason"},
    "review": {"opinion", "recommend"},
    "approve": set(),
    "refuse": {"reason"},
    "extend": {"reason"},
    "special_start": {"kind", "reason", "basis", "limit_days"},
    "special_end": {"result"},
    "close": set(),
    "deliver": {"proof"},
    "forward": {"service_code", "reason"},
    "void": {"reason"},
}


def test_the_contract_lists_each_steps_own_body(world: World) -> None:
    document = world.api.client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    for action, fields in STEPS.items():
        path = f"/api/v1/workbench/cases/{{number}}/actions/{action}"
        body = document["paths"][path]["post"]["requestBody"]["content"]
        reference = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        schema = schemas[reference]
        assert set(schema["properties"]) == {"expected_version", *fields}, action
        assert schema.get("additionalProperties") is False, action
    generic = "/api/v1/workbench/cases/{number}/actions/{action}"
    assert generic not in document["paths"]


def test_an_unknown_field_or_step_is_refused_and_changes_nothing(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    version = Case.objects.get(number=number).row_version
    events = CaseEvent.objects.filter(case__number=number).count()
    typo = world.act(world.clerk, number, "accept", reson="x")
    assert typo.status_code == 422
    assert typo.json()["code"] == "invalid_input"
    wrong_kind = world.act(
        world.reviewer, number, "special_start", kind="party", reason="x", basis="x"
    )
    assert wrong_kind.status_code == 422
    unknown = world.act(world.clerk, number, "approve_everything")
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "invalid_action"
    elsewhere = world.act(
        world.clerk, "310000-20260101-0000-00001", "accept", expected_version=1
    )
    assert elsewhere.status_code == 404
    assert Case.objects.get(number=number).row_version == version
    assert CaseEvent.objects.filter(case__number=number).count() == events


def test_the_reviewer_is_refused_as_decider_before_anything_else(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    both = world.api.as_(
        staff_token(
            world.api, "both-1", "上海市市场监督管理局", ["reviewer", "approver"]
        )
    )
    assert (
        world.act(
            both, number, "review", recommend="approve", opinion="齐全"
        ).status_code
        == 200
    )
    refused = world.act(both, number, "refuse", reason="")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_authorised"


def test_a_special_procedures_limit_is_a_number_of_days(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    for days in (0, -3, 40000):
        answer = world.act(
            world.reviewer,
            number,
            "special_start",
            kind="expert_review",
            reason="需专家评审",
            basis="条例第十条",
            limit_days=days,
        )
        assert answer.status_code == 422, days
    assert not Case.objects.get(number=number).special_procedures.exists()


def test_the_case_page_refuses_a_limit_that_is_not_days_and_keeps_the_case(
    world: World,
) -> None:
    from django.test import Client

    from tongban.accounts.models import StaffProfile

    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    client = Client()
    client.force_login(StaffProfile.objects.get(user__username="reviewer-1").user)
    for days in ("-3", "40000", "three"):
        answer = client.post(
            f"/workbench/{number}/",
            {
                "action": "special_start",
                "version": Case.objects.get(number=number).row_version,
                "kind": "expert_review",
                "reason": "需专家评审",
                "basis": "条例第十条",
                "limit_days": days,
            },
            follow=True,
        )
        assert answer.status_code == 200
        assert "特别程序的期限请填写天数" in answer.content.decode(), days
    assert not Case.objects.get(number=number).special_procedures.exists()


def test_a_case_answer_is_what_the_published_contract_says(world: World) -> None:
    import jsonschema

    document = world.api.client.get("/api/v1/openapi.json").json()
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    answers = {
        "applicant": world.handler.get(f"/cases/{number}").json(),
        "staff": world.clerk.get(f"/workbench/cases/{number}").json(),
    }
    schema = {"$ref": "#/components/schemas/CaseOut", **document}
    for who, answer in answers.items():
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(answer))
        assert errors == [], (who, [e.message for e in errors[:3]])


def test_the_channel_is_one_the_applicant_may_use_and_the_item_offers(
    world: World,
) -> None:
    from tongban.cases.tests.conftest import FORM, REP_CHANGE

    before = Case.objects.count()
    for channel, code in (("bogus", 422), ("counter", 422), ("mobile", 422)):
        answer = world.handler.post(
            "/cases", {"service_code": REP_CHANGE, "form": FORM, "channel": channel}
        )
        assert answer.status_code == code, channel
    assert answer.json()["code"] == "channel_not_offered"  # web and express only
    assert Case.objects.count() == before
    draft = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    assert draft.json()["channel"] == "web"  # the item's own online channel
    # the one-request door is the app's: recorded as mobile where the item offers it,
    # else as the item's own online channel
    assert world.apply().json()["channel"] == "web"
