"""Every case endpoint against every kind of caller."""

import datetime as dt
from typing import Any

import pytest

from tongban.accounts.models import Grant
from tongban.accounts.tests.conftest import Api, staff_token
from tongban.cases.tests.conftest import FORM, REP_CHANGE, World
from tongban.core import clock

ROLES = [
    "anonymous",
    "another_person",
    "handler_without_grant",
    "handler_with_grant",
    "expired_grant",
    "staff_other_department",
    "right_staff",
    "legal_representative",
]


@pytest.fixture
def callers(world: World) -> dict[str, Api]:
    api = world.api
    zhang = api.register("张伟", "310115198506120317", "13900000005")
    zhao = api.register("赵敏", "440305199501011236", "13900000003")
    wang = api.register("王芳", "31010419881120004X", "13900000004")
    until = (clock.today() + dt.timedelta(days=30)).isoformat()
    made = world.representative.post(
        f"/companies/{world.company_id}/grants",
        {
            "agent_name": "王芳",
            "agent_doc_number": "31010419881120004X",
            "valid_until": until,
        },
    )
    yesterday = clock.today() - dt.timedelta(days=1)
    Grant.objects.filter(pk=made.json()["id"]).update(
        valid_from=yesterday - dt.timedelta(days=30), valid_until=yesterday
    )
    acting = f"company:{world.company_id}"
    police = staff_token(api, "police-1", "上海市公安局", ["intake_clerk"])
    return {
        "anonymous": api.as_("", acting=acting),
        "another_person": zhang.as_(zhang.token, acting=acting),
        "handler_without_grant": zhao.as_(zhao.token, acting=acting),
        "handler_with_grant": world.handler,
        "expired_grant": wang.as_(wang.token, acting=acting),
        "staff_other_department": api.as_(police),
        "right_staff": world.clerk,
        "legal_representative": world.representative.as_(
            world.representative.token, acting=acting
        ),
    }


def _call(caller: Api, method: str, path: str, body: dict[str, Any] | None) -> int:
    if method == "GET":
        return int(caller.get(path).status_code)
    if method == "PATCH":
        return int(
            caller.client.patch(
                "/api/v1" + path,
                body,
                content_type="application/json",
                headers=caller._headers(),
            ).status_code
        )
    return int(caller.post(path, body).status_code)


OK = 200
MATRIX: list[tuple[str, str, dict[str, Any] | None, list[int]]] = [
    ("GET", "/cases/{n}", None, [401, 404, 404, OK, 404, 403, 403, OK]),
    # acting for a company one may not act for is refused, not answered with one's own list
    ("GET", "/cases", None, [401, 404, 404, OK, 403, 403, 403, OK]),
    ("POST", "/cases/{n}/withdraw", {}, [401, 404, 404, OK, 404, 403, 403, 403]),
    ("POST", "/cases/{n}/supplement", {}, [401, 404, 404, 409, 404, 403, 403, 403]),
    ("GET", "/workbench/queue", None, [401, 403, 403, 403, 403, OK, OK, 403]),
    ("GET", "/workbench/cases/{n}", None, [401, 403, 403, 403, 403, 404, OK, 403]),
    ("POST", "/workbench/cases/{n}/claim", {}, [401, 403, 403, 403, 403, 404, OK, 403]),
    (
        "POST",
        "/workbench/cases/{n}/actions/accept",
        {"expected_version": 2},
        [401, 403, 403, 403, 403, 404, OK, 403],
    ),
    ("PATCH", "/cases/{n}", {"form": FORM}, [401, 404, 404, 409, 404, 403, 403, 403]),
    # already submitted: the one who may submit is told it is too late, nobody else learns
    ("POST", "/cases/{n}/submit", {}, [401, 404, 404, 409, 404, 403, 403, 403]),
    (
        "GET",
        "/cases/{n}/documents/{d}.pdf",
        None,
        [401, 404, 404, OK, 404, 403, 403, OK],
    ),
    (
        "GET",
        "/workbench/cases/{n}/documents/{d}.pdf",
        None,
        [401, 403, 403, 403, 403, 404, OK, 403],
    ),
    (
        "POST",
        "/workbench/cases/{n}/release",
        {},
        [401, 403, 403, 403, 403, 404, 409, 403],  # 409: nobody had claimed it
    ),
    ("GET", "/workbench/notifications", None, [401, 403, 403, 403, 403, OK, OK, 403]),
    # the supervision view is for supervisors: a clerk is refused too
    ("GET", "/supervision", None, [401, 403, 403, 403, 403, 403, 403, 403]),
    (
        "POST",
        "/workbench/counter-cases",
        {
            "service_code": REP_CHANGE,
            "applicant_doc_number": "310115198506120317",
            "form": FORM,
        },
        # only staff of the item's department enter applications at its counter
        [401, 403, 403, 403, 403, 404, 201, 403],
    ),
    (
        "POST",
        "/cases",
        {"service_code": REP_CHANGE, "form": FORM},  # a draft
        # the representative is L2 and this item asks for L3
        [401, 404, 404, 201, 403, 403, 403, 403],
    ),
]


@pytest.mark.parametrize(("method", "template", "body", "expected"), MATRIX)
def test_case_permission_matrix(
    world: World,
    callers: dict[str, Api],
    method: str,
    template: str,
    body: dict[str, Any] | None,
    expected: list[int],
) -> None:
    from tongban.cases.models import CaseDocument

    seen = {}
    for role in ROLES:
        number = world.apply().json()["number"]  # a fresh case for every caller
        receipt = CaseDocument.objects.get(case__number=number, kind="receipt").number
        path = template.format(n=number, d=receipt)
        seen[role] = _call(callers[role], method, path, body)
    assert seen == dict(zip(ROLES, expected, strict=True))


def test_staff_queue_holds_only_their_department(
    world: World, callers: dict[str, Api]
) -> None:
    number = world.apply().json()["number"]
    assert [
        c["number"] for c in world.clerk.get("/workbench/queue").json()["items"]
    ] == [number]
    assert callers["staff_other_department"].get("/workbench/queue").json() == {
        "count": 0,
        "count_exact": True,
        "items": [],
    }
    assert callers["handler_without_grant"].get("/cases").status_code == 404
    assert callers["expired_grant"].get("/cases").json()["code"] == "grant_expired"
