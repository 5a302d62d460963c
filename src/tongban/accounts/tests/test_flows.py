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
