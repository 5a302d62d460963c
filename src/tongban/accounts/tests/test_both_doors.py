"""The pages and the API are two doors into one room: the same service, the same record,
the same refusal, whichever door a person comes through."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tongban.accounts.models import Person, SmsChallenge
from tongban.accounts.tests.conftest import Api, staff_token
from tongban.audit.models import AuditEvent
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import catalog_load
from tongban.core import clock

CHEN = ("陈志强", "310101197502140510")
LIU = ("刘洋", "320102199207300611")
ZHANG = ("张伟", "310115198506120317")
COMPANY = "91310115MA1HK7Q24A"


def _user(name: str) -> User:
    user = Person.objects.get(name=name).user
    assert user is not None
    return user


def _acting_rows() -> list[tuple[str, int | None, str, str]]:
    return [
        (e.action, e.actor_user_id, e.subject_type, e.subject_id)
        for e in AuditEvent.objects.filter(action="acting.begin").order_by("id")
    ]


@pytest.fixture
def handler(api: Api) -> tuple[Api, int, str]:
    """刘洋, a handler of 陈志强's company: the API caller, the company id, a service."""
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    service = ServiceItem.objects.order_by("code").values_list("code", flat=True)[0]
    chen = api.register(*CHEN, "13900001111")
    chen.post("/me/identity-verification")
    company_id = chen.post("/companies", {"uscc": COMPANY}).json()["id"]
    liu = api.register(*LIU, "13700002222")
    liu.post("/me/identity-verification")
    granted = chen.post(
        f"/companies/{company_id}/grants",
        {
            "agent_name": LIU[0],
            "agent_doc_number": LIU[1],
            "valid_until": (clock.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert granted.status_code == 201, granted.json()
    return liu, company_id, service


def test_acting_for_header_is_audited_as_the_page_switch_is(
    handler: tuple[Api, int, str],
) -> None:
    liu, company_id, service = handler
    key = f"company:{company_id}"
    page = Client()
    page.force_login(_user(LIU[0]))
    switched = page.post("/accounts/me/acting/", {"acting": key})
    assert switched.status_code == 302
    by_page = _acting_rows()
    user_id = Person.objects.get(name=LIU[0]).user_id
    assert by_page == [("acting.begin", user_id, "company", str(company_id))]

    acting = liu.as_(liu.token, acting=key)
    assert acting.get(f"/me/eligibility/{service}").status_code == 200
    assert _acting_rows() == by_page * 2  # the same row, through the other door
    channels = [
        e.data["channel"]
        for e in AuditEvent.objects.filter(action="acting.begin").order_by("id")
    ]
    assert channels == ["web", "api"]

    # The same principal again is not a new beginning; back to self and again is one.
    assert acting.get(f"/me/eligibility/{service}").status_code == 200
    assert len(_acting_rows()) == 2
    assert liu.get(f"/me/eligibility/{service}").status_code == 200  # as themself
    assert len(_acting_rows()) == 2
    assert acting.get(f"/me/eligibility/{service}").status_code == 200
    assert len(_acting_rows()) == 3


def test_acting_for_someone_not_theirs_is_refused_alike_and_not_audited(
    handler: tuple[Api, int, str],
) -> None:
    liu, company_id, service = handler
    other = Person.objects.get(name=CHEN[0])
    for key in [f"company:{company_id + 1000}", f"person:{other.pk}", "nobody"]:
        response = liu.as_(liu.token, acting=key).get(f"/me/eligibility/{service}")
        assert response.status_code == 404, (key, response.json())
        assert response.json()["code"] == "not_found"
        page = Client()
        page.force_login(_user(LIU[0]))
        page.post("/accounts/me/acting/", {"acting": key})
        assert page.session.get("tongban.acting", "self") == "self"
    assert _acting_rows() == []


def test_registration_code_checks_the_document_first_at_both_doors(
    api: Api, standins: Any
) -> None:
    bad = ZHANG[1][:-1] + "8"
    response = api.post(
        "/auth/sms-codes",
        {"phone": "13812345678", "purpose": "register", "doc_number": bad},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_id_number"
    missing = api.post("/auth/sms-codes", {"phone": "13812345678"})
    assert missing.status_code == 422
    page = Client().post(
        "/accounts/register/",
        {
            "name": ZHANG[0],
            "doc_type": "resident_id",
            "doc_number": bad,
            "phone": "13812345678",
            "action": "send_code",
        },
    )
    assert page.status_code == 200
    assert "校验" in page.content.decode()
    assert SmsChallenge.objects.count() == 0
    assert standins.sms("+8613812345678") == []


def test_data_export_is_audited_alike_at_both_doors(api: Api) -> None:
    me = api.register(*ZHANG, "13812345678")
    person = Person.objects.get()
    assert me.get("/me/export").status_code == 200
    page = Client()
    page.force_login(_user(ZHANG[0]))
    download = page.get("/accounts/me/export/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert ZHANG[1] in download.content.decode()
    rows = [
        (e.action, e.actor_user_id, e.subject_type, e.subject_id)
        for e in AuditEvent.objects.filter(action="account.export")
    ]
    assert rows == [("account.export", person.user_id, "person", str(person.pk))] * 2


def test_staff_on_an_applicant_page_is_403_as_in_the_api(api: Api) -> None:
    token = staff_token(api, "clerk1", "上海市市场监督管理局", ["intake_clerk"])
    assert api.as_(token).get("/me/data").status_code == 403
    page = Client()
    page.force_login(User.objects.get(username="clerk1"))
    for path in ["/accounts/me/data/", "/accounts/me/export/", "/accounts/companies/"]:
        assert page.get(path).status_code == 403, path
    assert not AuditEvent.objects.filter(action="account.export").exists()
