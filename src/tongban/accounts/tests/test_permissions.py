"""Who may call what: every accounts endpoint against every kind of caller.

404 where the caller may not know the thing exists; 403 where they know it but may not act
(a lapsed grant, an applicant at a staff endpoint); 401 without a token.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tongban.accounts.models import Grant
from tongban.accounts.tests.conftest import Api, staff_token
from tongban.core import clock

CHEN = ("陈志强", "310101197502140510")
LIU = ("刘洋", "320102199207300611")
ZHAO = ("赵敏", "440305199501011236")
WANG = ("王芳", "31010419881120004X")
ZHANG = ("张伟", "310115198506120317")
COUNTER_PERSON = ("李秀英", "31010319410308002X")

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


@dataclass
class World:
    tokens: dict[str, str]
    company_id: int
    grant_id: int
    counter_person_id: int


@pytest.fixture
def world(api: Api) -> World:
    chen = api.register(*CHEN, "13900000001")
    chen.post("/me/identity-verification")
    company_id = chen.post("/companies", {"uscc": "91310115MA1HK7Q24A"}).json()["id"]
    liu = api.register(*LIU, "13900000002")
    zhao = api.register(*ZHAO, "13900000003")
    wang = api.register(*WANG, "13900000004")
    zhang = api.register(*ZHANG, "13900000005")
    until = (clock.today() + dt.timedelta(days=30)).isoformat()
    grant_id = chen.post(
        f"/companies/{company_id}/grants",
        {"agent_name": LIU[0], "agent_doc_number": LIU[1], "valid_until": until},
    ).json()["id"]
    expired = chen.post(
        f"/companies/{company_id}/grants",
        {"agent_name": WANG[0], "agent_doc_number": WANG[1], "valid_until": until},
    ).json()["id"]
    yesterday = clock.today() - dt.timedelta(days=1)
    Grant.objects.filter(pk=expired).update(
        valid_from=yesterday - dt.timedelta(days=30), valid_until=yesterday
    )
    right = staff_token(api, "clerk-a", "上海市市场监督管理局", ["intake_clerk"])
    other = staff_token(api, "clerk-b", "上海市公安局", ["intake_clerk"])
    counter = api.as_(right).post(
        "/staff/persons",
        {
            "name": COUNTER_PERSON[0],
            "doc_number": COUNTER_PERSON[1],
            "phone": "13900000006",
        },
    )
    assert counter.status_code == 201, counter.json()
    return World(
        tokens={
            "anonymous": "",
            "another_person": zhang.token,
            "handler_without_grant": zhao.token,
            "handler_with_grant": liu.token,
            "expired_grant": wang.token,
            "staff_other_department": other,
            "right_staff": right,
            "legal_representative": chen.token,
        },
        company_id=company_id,
        grant_id=grant_id,
        counter_person_id=counter.json()["id"],
    )


OK, CREATED = 200, 201
# endpoint → expected status per caller, in the order of ROLES
MATRIX: list[tuple[str, str, list[int]]] = [
    ("GET", "/me", [401, OK, OK, OK, OK, 403, 403, OK]),
    ("GET", "/me/data", [401, OK, OK, OK, OK, 403, 403, OK]),
    ("GET", "/me/grants", [401, OK, OK, OK, OK, 403, 403, OK]),
    ("GET", "/me/export", [401, OK, OK, OK, OK, 403, 403, OK]),
    ("GET", "/companies", [401, OK, OK, OK, OK, 403, 403, OK]),
    ("GET", "/companies/{company}", [401, 404, 404, OK, 403, 403, 403, OK]),
    ("GET", "/companies/{company}/grants", [401, 404, 404, 404, 404, 403, 403, OK]),
    ("GET", "/companies/{company}/activity", [401, 404, 404, 404, 404, 403, 403, OK]),
    (
        "POST",
        "/companies/{company}/grants",
        [401, 404, 404, 404, 404, 403, 403, CREATED],
    ),
    ("DELETE", "/grants/{grant}", [401, 404, 404, OK, 404, 403, 403, OK]),
    # A company grant needs no confirmation: nobody can confirm it, and it is hidden.
    ("POST", "/grants/{grant}/confirm", [401, 404, 404, 404, 404, 403, 403, 404]),
    ("GET", "/staff/me", [401, 403, 403, 403, 403, OK, OK, 403]),
    (
        "GET",
        "/staff/persons/{person}?reason=核对",
        [401, 403, 403, 403, 403, 404, OK, 403],
    ),
    ("POST", "/staff/persons", [401, 403, 403, 403, 403, CREATED, CREATED, 403]),
]


def _body(path: str, role: str) -> dict[str, Any]:
    if path.endswith("/grants"):
        return {
            "agent_name": ZHANG[0],
            "agent_doc_number": ZHANG[1],
            "valid_until": (clock.today() + dt.timedelta(days=10)).isoformat(),
        }
    if path == "/staff/persons":
        numbers = {
            "staff_other_department": "110105194912310021",
            "right_staff": "110105195001010024",
        }
        from tongban.core.documents import gb11643_check_character

        number = numbers.get(role, "110105196001010020")
        number = number[:17] + gb11643_check_character(number[:17])
        return {"name": "测试", "doc_number": number}
    return {}


@pytest.mark.parametrize(("method", "template", "expected"), MATRIX)
def test_permission_matrix(
    api: Api, world: World, method: str, template: str, expected: list[int]
) -> None:
    path = template.format(
        company=world.company_id, grant=world.grant_id, person=world.counter_person_id
    )
    seen = {}
    for role in ROLES:
        acting = f"company:{world.company_id}" if "company" in template else ""
        caller = api.as_(world.tokens[role], acting=acting)
        if method == "GET":
            response = caller.get(path)
        elif method == "POST":
            response = caller.post(path, _body(path, role))
        else:
            # Each DELETE on a fresh grant, so one caller's revocation doesn't hide the next.
            grant = Grant.objects.get(pk=world.grant_id)
            grant.status = "active"
            grant.revoked_at = None
            grant.save()
            response = caller.delete(path)
        seen[role] = response.status_code
        if response.status_code >= 400:
            body = response.json()
            assert set(body) >= {"code", "message"}, body
    assert seen == dict(zip(ROLES, expected, strict=True))


def test_lists_show_only_what_the_caller_may_act_for(api: Api, world: World) -> None:
    def companies(role: str) -> list[int]:
        return [c["id"] for c in api.as_(world.tokens[role]).get("/companies").json()]

    assert companies("another_person") == []
    assert companies("handler_without_grant") == []
    assert companies("expired_grant") == []
    assert companies("handler_with_grant") == [world.company_id]
    assert companies("legal_representative") == [world.company_id]
