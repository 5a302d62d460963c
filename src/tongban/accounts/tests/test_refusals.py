"""Every refusal of the accounts API: the right code and status, and nothing stored."""

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from tongban.accounts.models import Company, Consent, Grant, Person, SmsChallenge
from tongban.accounts.tests.conftest import PASSWORD, Api, staff_token
from tongban.audit.models import AuditEvent
from tongban.core import clock

ZHANG = ("张伟", "310115198506120317")
CHEN = ("陈志强", "310101197502140510")
LIU = ("刘洋", "320102199207300611")


def _counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Company.objects.count(),
        Grant.objects.count(),
        Consent.objects.count(),
    )


def _code_body(phone: str) -> dict[str, Any]:
    """A registration code's request: the document comes with it, checked first."""
    return {"phone": phone, "purpose": "register", "doc_number": ZHANG[1]}


def _register_body(**changes: Any) -> dict[str, Any]:
    body = {
        "name": ZHANG[0],
        "doc_type": "resident_id",
        "doc_number": ZHANG[1],
        "nationality": None,
        "phone": "13812345678",
        "sms_code": "123456",
        "password": PASSWORD,
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"doc_number": "310115198506120318"}, "invalid_id_number"),  # check character
        ({"doc_number": "310115198502300317"}, "invalid_id_number"),  # 30 February
        ({"doc_number": "310199198506120317"}, "invalid_id_number"),  # unknown region
        ({"doc_number": "31011519850612031"}, "invalid_id_number"),  # 17 characters
        (
            {"doc_type": "passport", "doc_number": "E12345678", "nationality": "CHN"},
            "invalid_document",
        ),
        (
            {"doc_type": "passport", "doc_number": "533380006", "nationality": None},
            "invalid_document",
        ),
        (
            {"doc_type": "hmt_residence_permit", "doc_number": "840000199005050026"},
            "invalid_document",
        ),
        ({"doc_type": "drivers_licence"}, "invalid_document"),
        ({"phone": "12345"}, "invalid_phone"),
        ({"phone": "+86 123"}, "invalid_phone"),
    ],
)
def test_register_refusals_store_nothing(
    api: Api, changes: dict[str, Any], code: str
) -> None:
    before = _counts()
    response = api.post("/auth/register", _register_body(**changes))
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert _counts() == before
    assert AuditEvent.objects.count() == 0


def test_register_checks_the_document_before_the_sms_code(api: Api) -> None:
    # A wrong code AND a wrong document: the document is what the user hears about.
    response = api.post(
        "/auth/register",
        _register_body(doc_number="310115198506120318", sms_code="000000"),
    )
    assert response.json()["code"] == "invalid_id_number"


def test_wrong_sms_code_stores_nothing(api: Api) -> None:
    api.post("/auth/sms-codes", _code_body("13812345678"))
    response = api.post("/auth/register", _register_body(sms_code="000000"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_sms_code"
    assert Person.objects.count() == 0


def test_second_registration_of_a_document_is_a_conflict(api: Api) -> None:
    api.register(*ZHANG, "13812345678")
    api.post("/auth/sms-codes", _code_body("13912345678"))
    code = api.standins.last_code("+8613912345678")
    response = api.post(
        "/auth/register", _register_body(phone="13912345678", sms_code=code)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_registered"
    assert Person.objects.count() == 1


def test_identity_mismatch_keeps_the_level(api: Api) -> None:
    # A well-formed number the population registry does not know under this name.
    me = api.register("张三", ZHANG[1], "13812345678")
    response = me.post("/me/identity-verification")
    assert response.status_code == 422
    assert response.json()["code"] == "identity_mismatch"
    assert Person.objects.get().level == 1
    assert not Consent.objects.filter(kind="identity_check").exists()


def test_company_with_bad_code_is_invalid_uscc(api: Api) -> None:
    chen = api.register(*CHEN, "13900001111")
    chen.post("/me/identity-verification")
    for bad in ("91310115MA1HK7Q24B", "91310115MA1HK7Q2", "91310115MA1HK7QO4A"):
        response = chen.post("/companies", {"uscc": bad})
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_uscc"
    assert Company.objects.count() == 0


def test_pilot_code_passes_the_check_but_the_registry_decides(api: Api) -> None:
    chen = api.register(*CHEN, "13900001111")
    chen.post("/me/identity-verification")
    response = chen.post("/companies", {"uscc": "91350100M0001TGQXM"})
    assert response.json()["code"] == "entity_not_found"
    assert Company.objects.count() == 0


def test_company_needs_level_two(api: Api) -> None:
    chen = api.register(*CHEN, "13900001111")
    response = chen.post("/companies", {"uscc": "91310115MA1HK7Q24A"})
    assert response.status_code == 403
    assert response.json()["code"] == "level_too_low"
    assert "L2" in response.json()["message"]
    assert Company.objects.count() == 0


def test_only_the_registered_legal_representative_registers_the_company(
    api: Api,
) -> None:
    liu = api.register(*LIU, "13700002222")
    liu.post("/me/identity-verification")
    response = liu.post("/companies", {"uscc": "91310115MA1HK7Q24A"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_authorised"
    assert Company.objects.count() == 0


def test_expired_grant_is_grant_expired(api: Api, platform_clock: Any) -> None:
    chen = api.register(*CHEN, "13900001111")
    chen.post("/me/identity-verification")
    company_id = chen.post("/companies", {"uscc": "91310115MA1HK7Q24A"}).json()["id"]
    api.register(*LIU, "13700002222")
    until = clock.today() + dt.timedelta(days=3)
    chen.post(
        f"/companies/{company_id}/grants",
        {
            "agent_name": LIU[0],
            "agent_doc_number": LIU[1],
            "valid_until": until.isoformat(),
        },
    )
    platform_clock.set_now(clock.now() + dt.timedelta(days=5))
    # The access token outlived its 15 minutes: log in again, days later.
    token = api.post("/auth/token", {"login": LIU[1], "password": PASSWORD}).json()
    later = api.as_(token["access_token"], acting=f"company:{company_id}")
    response = later.get(f"/companies/{company_id}")
    assert response.status_code == 403
    assert response.json()["code"] == "grant_expired"


@override_settings(LOGIN_DELAY_FIRST_SECONDS=60)  # a wait no slow run outlasts
def test_too_many_failures_make_the_login_wait(api: Api) -> None:
    api.register(*ZHANG, "13812345678")
    for _attempt in range(5):
        response = api.post(
            "/auth/token", {"login": "13812345678", "password": "wrong"}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    locked = api.post("/auth/token", {"login": "13812345678", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"


def test_sms_codes_are_rate_limited(api: Api) -> None:
    assert api.post("/auth/sms-codes", _code_body("13812345678")).status_code == 202
    again = api.post("/auth/sms-codes", _code_body("13812345678"))
    assert again.status_code == 429
    assert again.json()["code"] == "too_many_attempts"
    assert SmsChallenge.objects.count() == 1


def test_sms_gateway_down_is_503_and_leaves_no_challenge(api: Api) -> None:
    api.standins.sms_down()
    try:
        response = api.post("/auth/sms-codes", _code_body("13812345678"))
    finally:
        api.standins.sms_down(False)
    assert response.status_code == 503
    assert response.json()["code"] == "sms_unavailable"
    assert SmsChallenge.objects.count() == 0


def test_staff_only_endpoints_refuse_applicants(api: Api) -> None:
    me = api.register(*ZHANG, "13812345678")
    response = me.post("/staff/persons", {"name": "李四", "doc_number": CHEN[1]})
    assert response.status_code == 403
    assert response.json()["code"] == "not_authorised"
    assert Person.objects.count() == 1


def test_staff_read_without_reason_is_refused_and_not_audited(api: Api) -> None:
    token = staff_token(api, "clerk", "上海市市场监督管理局", ["intake_clerk"])
    clerk = api.as_(token)
    created = clerk.post(
        "/staff/persons", {"name": CHEN[0], "doc_number": CHEN[1]}
    ).json()
    reads = AuditEvent.objects.filter(action__startswith="identity.").count()
    response = clerk.get(f"/staff/persons/{created['id']}")
    assert response.status_code == 422
    assert response.json()["code"] == "reason_required"
    assert AuditEvent.objects.filter(action__startswith="identity.").count() == reads


@override_settings(LOGIN_DELAY_FIRST_SECONDS=60)
def test_the_wait_holds_however_the_phone_is_typed(api: Api) -> None:
    api.register(*ZHANG, "13812345678")
    for typed in (
        "13812345678",
        "138 1234 5678",
        "+86 138-1234-5678",
        "+8613812345678",
        "138-1234-5678",
    ):
        api.post("/auth/token", {"login": typed, "password": "wrong"})
    locked = api.post("/auth/token", {"login": "13812345678", "password": PASSWORD})
    assert locked.status_code == 429
    assert AuditEvent.objects.filter(action="account.login_delayed").count() == 1


def test_a_second_active_grant_to_the_same_handler_is_a_conflict(api: Api) -> None:
    chen = api.register(*CHEN, "13900001111")
    chen.post("/me/identity-verification")
    company_id = chen.post("/companies", {"uscc": "91310115MA1HK7Q24A"}).json()["id"]
    api.register(*LIU, "13700002222")
    body = {
        "agent_name": LIU[0],
        "agent_doc_number": LIU[1],
        "valid_until": (clock.today() + dt.timedelta(days=30)).isoformat(),
    }
    assert chen.post(f"/companies/{company_id}/grants", body).status_code == 201
    again = chen.post(f"/companies/{company_id}/grants", body)
    assert again.status_code == 409
    assert again.json()["code"] == "already_granted"
    assert Grant.objects.count() == 1


def test_grant_to_someone_not_registered_or_misnamed(api: Api) -> None:
    chen = api.register(*CHEN, "13900001111")
    chen.post("/me/identity-verification")
    company_id = chen.post("/companies", {"uscc": "91310115MA1HK7Q24A"}).json()["id"]
    api.register(*LIU, "13700002222")
    until = (clock.today() + dt.timedelta(days=30)).isoformat()
    for name, number, code in [
        ("刘洋", "320102199207300612", "invalid_id_number"),
        ("刘阳", LIU[1], "agent_not_found"),
        ("张伟", ZHANG[1], "agent_not_found"),
    ]:
        response = chen.post(
            f"/companies/{company_id}/grants",
            {"agent_name": name, "agent_doc_number": number, "valid_until": until},
        )
        assert response.status_code == 422, response.json()
        assert response.json()["code"] == code
    past = chen.post(
        f"/companies/{company_id}/grants",
        {"agent_name": LIU[0], "agent_doc_number": LIU[1], "valid_until": "2020-01-01"},
    )
    assert past.json()["code"] == "invalid_period"
    assert Grant.objects.count() == 0
