"""The accounts flows end to end over the API, against the real stand-ins."""

import datetime as dt

import pytest

from tongban.accounts.models import Company, Grant, Person
from tongban.accounts.tests.conftest import PASSWORD, Api
from tongban.core import clock

ZHANG = ("张伟", "310115198506120317")
CHEN = ("陈志强", "310101197502140510")
LIU = ("刘洋", "320102199207300611")
COMPANY = "91310115MA1HK7Q24A"


def test_resident_registers_reaches_l2_and_sees_masked_profile(api: Api) -> None:
    me = api.register(*ZHANG, "138 1234 5678")
    profile = me.get("/me").json()
    assert profile["level"] == 1
    assert profile["doc_number"] == "310115********0317"
    assert profile["phone"] == "+86 138****5678"
    raised = me.post("/me/identity-verification")
    assert raised.status_code == 200, raised.json()
    assert raised.json()["level"] == 2
    assert raised.json()["level_evidence"] == "population"
    person = Person.objects.get()
    assert "310115198506120317" not in person.doc_encrypted
    assert person.doc_number == "310115198506120317"


def test_company_handler_flow(api: Api) -> None:
    chen = api.register(*CHEN, "13900001111")
    assert chen.post("/me/identity-verification").status_code == 200
    company = chen.post("/companies", {"uscc": COMPANY})
    assert company.status_code == 201, company.json()
    company_id = company.json()["id"]
    liu = api.register(*LIU, "13700002222")
    grant = chen.post(
        f"/companies/{company_id}/grants",
        {
            "agent_name": LIU[0],
            "agent_doc_number": LIU[1],
            "valid_until": (clock.today() + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert grant.status_code == 201, grant.json()
    acting = liu.get("/me").json()["acting"]
    assert [a["key"] for a in acting] == ["self", f"company:{company_id}"]
    seen = liu.get(f"/companies/{company_id}")
    assert seen.status_code == 200
    assert seen.json()["you_are"] == "handler"
    assert Company.objects.count() == 1
    assert Grant.objects.count() == 1


def test_foreigner_registers_with_passport_and_international_phone(api: Api) -> None:
    smith = api.register(
        "John Smith",
        "533380006",
        "+44 7911 123456",
        doc_type="passport",
        nationality="GBR",
    )
    raised = smith.post("/me/identity-verification")
    assert raised.status_code == 200, raised.json()
    assert raised.json()["level_evidence"] == "exit_entry"


@pytest.mark.parametrize(
    ("doc_type", "number", "code"),
    [
        ("resident_id", "310115198506120318", "invalid_id_number"),
        ("resident_id", "999999198506120317", "invalid_id_number"),
        ("passport", "X", "invalid_document"),
    ],
)
def test_register_refuses_bad_documents_before_anything_is_stored(
    api: Api, doc_type: str, number: str, code: str
) -> None:
    response = api.post(
        "/auth/register",
        {
            "name": "张伟",
            "doc_type": doc_type,
            "doc_number": number,
            "nationality": "GBR",
            "phone": "13812345678",
            "sms_code": "000000",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert Person.objects.count() == 0


def test_sms_login_and_password_reset(api: Api) -> None:
    api.register(*ZHANG, "13812345678")
    clock.set_now(clock.now() + dt.timedelta(minutes=2))  # one code a minute per phone
    api.post("/auth/sms-codes", {"phone": "13812345678", "purpose": "login"})
    code = api.standins.last_code("+8613812345678")
    logged = api.post("/auth/token", {"phone": "13812345678", "sms_code": code})
    assert logged.status_code == 200, logged.json()
    clock.set_now(clock.now() + dt.timedelta(minutes=2))
    api.post("/auth/sms-codes", {"phone": "13812345678", "purpose": "password_reset"})
    code = api.standins.last_code("+8613812345678")
    reset = api.post(
        "/auth/password-reset",
        {
            "phone": "13812345678",
            "sms_code": code,
            "doc_number": ZHANG[1],
            "new_password": "Another-Secret-99",
        },
    )
    assert reset.status_code == 204, reset.json()
    old = api.post("/auth/token", {"login": ZHANG[1], "password": PASSWORD})
    assert old.status_code == 401
    new = api.post(
        "/auth/token", {"login": ZHANG[1].lower(), "password": "Another-Secret-99"}
    )
    assert new.status_code == 200
    # the old session's refresh token was revoked by the reset
    again = api.post("/auth/refresh", {"refresh_token": logged.json()["refresh_token"]})
    assert again.status_code == 401


def test_lost_phone_is_replaced_after_proving_identity(api: Api) -> None:
    me = api.register(*ZHANG, "13812345678")
    me.post("/me/identity-verification")  # L2: the registry is asked again on change
    api.post("/auth/sms-codes", {"phone": "+44 7911 123456", "purpose": "phone_change"})
    code = api.standins.last_code("+447911123456")
    changed = api.post(
        "/auth/phone-change",
        {
            "name": ZHANG[0],
            "doc_number": ZHANG[1],
            "password": PASSWORD,
            "new_phone": "+44 7911 123456",
            "sms_code": code,
        },
    )
    assert changed.status_code == 204, changed.json()
    person = Person.objects.get()
    assert person.phone == "+447911123456"
    assert person.phone_masked.startswith("+44")


def test_email_is_confirmed_by_link(api: Api) -> None:
    from django.core import mail

    me = api.register(*ZHANG, "13812345678")
    assert me.post("/me/email", {"email": "zhang.wei@example.cn"}).status_code == 202
    assert me.get("/me").json()["email_confirmed"] is False
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/email/confirm/" in line
    )
    page = api.client.get(link.replace("http://testserver", ""))
    assert page.status_code == 200
    assert me.get("/me").json()["email"] == "zhang.wei@example.cn"
    assert api.client.get("/accounts/email/confirm/forged/").status_code == 400


def test_counter_record_is_claimed_by_sms(api: Api) -> None:
    from tongban.accounts.tests.conftest import staff_token

    clerk = api.as_(staff_token(api, "clerk", "上海市市场监督管理局", ["intake_clerk"]))
    created = clerk.post(
        "/staff/persons",
        {"name": "李秀英", "doc_number": "31010319410308002x", "phone": "13600001234"},
    )
    assert created.status_code == 201, created.json()
    assert created.json()["level_evidence"] == "in_person"
    assert created.json()["can_log_in"] is False
    from tongban.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="person.create_at_counter")
    assert "31010319410308002X" not in str(event.data)
    api.post("/auth/sms-codes", {"phone": "13600001234", "purpose": "claim"})
    code = api.standins.last_code("+8613600001234")
    claimed = api.post(
        "/auth/claim",
        {
            "name": "李秀英",
            "doc_number": "31010319410308002X",
            "phone": "13600001234",
            "sms_code": code,
            "password": PASSWORD,
        },
    )
    assert claimed.status_code == 201, claimed.json()
    me = api.as_(claimed.json()["access_token"]).get("/me").json()
    assert me["level"] == 2
    assert me["level_evidence"] == "in_person"


def test_relative_acts_only_after_the_principal_confirms(api: Api) -> None:
    li = api.register("李秀英", "31010319410308002X", "13600001234")
    wang = api.register("王芳", "31010419881120004X", "13600005678")
    asked = wang.post(
        "/me/proxies",
        {
            "principal_name": "李秀英",
            "principal_doc_number": "31010319410308002X",
            "relation": "女儿",
            "valid_until": (clock.today() + dt.timedelta(days=365)).isoformat(),
        },
    )
    assert asked.status_code == 201, asked.json()
    assert asked.json()["status"] == "pending"
    assert [a["key"] for a in wang.get("/me").json()["acting"]] == ["self"]
    grant_id = asked.json()["id"]
    # the agent cannot confirm on the principal's behalf
    assert wang.post(f"/grants/{grant_id}/confirm").status_code == 404
    assert li.post(f"/grants/{grant_id}/confirm").status_code == 200
    keys = [a["key"] for a in wang.get("/me").json()["acting"]]
    assert keys == ["self", f"person:{Person.objects.get(name='李秀英').pk}"]
    # the one-query form that case lists use says the same
    from tongban.accounts.selectors import acting_ids

    principal = Person.objects.get(name="李秀英")
    assert acting_ids(Person.objects.get(name="王芳")) == (set(), {principal.pk})
    assert acting_ids(principal) == (set(), set())


def test_guardian_acts_for_a_child_under_fourteen(api: Api) -> None:
    wang = api.register("王芳", "31010419881120004X", "13600005678")
    wang.post("/me/identity-verification")
    added = wang.post(
        "/me/children",
        {"child_name": "王小明", "child_doc_number": "310115201609010414"},
    )
    assert added.status_code == 201, added.json()
    assert added.json()["kind"] == "guardian"
    assert (
        added.json()["valid_until"] == "2030-08-31"
    )  # the day before his 14th birthday
    child = Person.objects.get(name="王小明")
    assert child.user_id is None
    assert child.consents.get().kind == "guardian"
    # someone the registry does not list as guardian
    zhang = api.register(*ZHANG, "13812345678")
    zhang.post("/me/identity-verification")
    refused = zhang.post(
        "/me/children",
        {"child_name": "王小明", "child_doc_number": "310115201609010414"},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "identity_mismatch"


def test_handler_scope_limits_services(api: Api) -> None:
    from pathlib import Path

    from django.conf import settings

    from tongban.catalog.models import ServiceItem
    from tongban.catalog.services import catalog_load

    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    allowed, other = ServiceItem.objects.order_by("code").values_list(
        "code", flat=True
    )[:2]
    chen = api.register(*CHEN, "13900001111")
    chen.post("/me/identity-verification")
    company_id = chen.post("/companies", {"uscc": COMPANY}).json()["id"]
    liu = api.register(*LIU, "13700002222")
    liu.post("/me/identity-verification")
    chen.post(
        f"/companies/{company_id}/grants",
        {
            "agent_name": LIU[0],
            "agent_doc_number": LIU[1],
            "all_services": False,
            "service_codes": [allowed],
            "valid_until": (clock.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    handler = liu.as_(liu.token, acting=f"company:{company_id}")
    assert handler.get(f"/me/eligibility/{allowed}").status_code == 200
    refused = handler.get(f"/me/eligibility/{other}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_authorised"


def test_level_too_low_says_how_to_rise(api: Api) -> None:
    from pathlib import Path

    from django.conf import settings

    from tongban.catalog.models import ServiceItem
    from tongban.catalog.services import catalog_load

    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    demanding = next(
        item
        for item in ServiceItem.objects.all()
        if item.current_version.content.get("min_assurance_level", 1) == 2
    )
    me = api.register(*ZHANG, "13812345678")
    refused = me.get(f"/me/eligibility/{demanding.code}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "level_too_low"
    assert refused.json()["required_level"] == 2
    assert "实名" in refused.json()["message"]
    me.post("/me/identity-verification")
    assert me.get(f"/me/eligibility/{demanding.code}").status_code == 200
