"""Tokens, sessions, second factors, data at rest, masking and the audit trail."""

import datetime as dt
import logging
from typing import Any

import pyotp
import pytest
from django.test import Client, override_settings

from tongban.accounts.models import Person, StaffProfile
from tongban.accounts.tests.conftest import PASSWORD, STAFF_SECRET, Api, staff_token
from tongban.audit.services import audit_verify
from tongban.core import clock, protect

ZHANG = ("张伟", "310115198506120317")
CHEN = ("陈志强", "310101197502140510")


def test_access_tokens_expire_and_refresh_tokens_rotate(
    api: Api, platform_clock: Any
) -> None:
    api.register(*ZHANG, "13812345678")
    pair = api.post(
        "/auth/token", {"login": "13812345678", "password": PASSWORD}
    ).json()
    me = api.as_(pair["access_token"])
    assert me.get("/me").status_code == 200
    platform_clock.set_now(clock.now() + dt.timedelta(minutes=16))
    expired = me.get("/me")
    assert expired.status_code == 401
    assert expired.json()["code"] == "not_authenticated"
    fresh = api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
    assert fresh.status_code == 200
    # the used refresh token is spent
    reused = api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
    assert reused.status_code == 401
    again = api.as_(fresh.json()["access_token"])
    assert again.get("/me").status_code == 200
    assert again.post("/auth/logout").status_code == 204
    assert again.get("/me").status_code == 401


def test_token_check_loads_what_the_orm_loads(api: Api) -> None:
    """The token check reads session, user, person or staff profile and department by
    hand-written SQL: every field as the ORM reads it, relations set, no second query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.accounts.models import ApiSession
    from tongban.accounts.selectors import access_token_read

    person_api = api.register(*ZHANG, "13812345678")
    staff_api = api.as_(staff_token(api, "clerk-rows", "测试局", ["intake_clerk"]))
    for caller in (person_api, staff_api):
        with CaptureQueriesContext(connection) as queries:
            session = access_token_read(caller.token)
            assert session is not None
            user = session.user
            person, staff = getattr(user, "person", None), getattr(user, "staff", None)
            department = staff.department if staff is not None else None
        assert len(queries) == 1
        expected = ApiSession.objects.select_related(
            "user", "user__person", "user__staff__department"
        ).get(pk=session.pk)
        pairs: list[tuple[Any, Any]] = [(session, expected), (user, expected.user)]
        if person is not None:
            pairs.append((person, expected.user.person))
        if staff is not None:
            pairs += [
                (staff, expected.user.staff),
                (department, expected.user.staff.department),
            ]
        assert (person is None) != (staff is None)
        for got, want in pairs:
            for field in type(want)._meta.concrete_fields:
                assert getattr(got, field.attname) == getattr(want, field.attname), (
                    field.name
                )
        assert session.created_at.tzinfo is not None
        if person is not None:
            assert person.doc_number == expected.user.person.doc_number
            assert person.user is user


def test_forged_token_is_refused(api: Api) -> None:
    assert api.as_("not-a-token").get("/me").status_code == 401


def test_an_idle_staff_session_is_not_refreshed_the_password_and_code_again(
    api: Api, platform_clock: Any
) -> None:
    """Staff API tokens, like staff pages: 15 minutes without a request and the session
    ends at the next refresh; a session in use is refreshed as before."""
    staff_token(api, "clerk", "上海市市场监督管理局", ["intake_clerk"])

    def sign_in() -> dict[str, Any]:
        platform_clock.set_now(clock.now() + dt.timedelta(seconds=31))  # a fresh code
        code = pyotp.TOTP(STAFF_SECRET).at(clock.now())
        answer = api.post(
            "/auth/staff-token",
            {"username": "clerk", "password": PASSWORD, "totp": code},
        )
        assert answer.status_code == 200, answer.json()
        return dict(answer.json())

    pair = sign_in()
    for _minute in range(3):  # in use: a request every 4 minutes, then refreshed
        platform_clock.set_now(clock.now() + dt.timedelta(minutes=4))
        assert api.as_(pair["access_token"]).get("/staff/me").status_code == 200
    pair = api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]}).json()
    assert "access_token" in pair
    # then nothing but refreshing, as a client left open does: refreshing is not use
    platform_clock.set_now(clock.now() + dt.timedelta(minutes=10))
    pair = api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]}).json()
    assert "access_token" in pair  # 10 minutes since the last request
    platform_clock.set_now(clock.now() + dt.timedelta(minutes=10))  # 20: idle
    refused = api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
    assert refused.status_code == 401
    assert refused.json()["code"] == "reauthentication_required"
    # the session is over: its refresh token never works again
    platform_clock.set_now(clock.now() - dt.timedelta(minutes=10))
    again = api.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    platform_clock.set_now(clock.now() + dt.timedelta(minutes=10))
    fresh = sign_in()  # password and a fresh code
    assert api.as_(fresh["access_token"]).get("/staff/me").status_code == 200


def test_staff_need_the_second_factor_and_codes_are_single_use(api: Api) -> None:
    staff_token(api, "clerk", "上海市市场监督管理局", ["intake_clerk"])
    code = pyotp.TOTP(STAFF_SECRET).at(clock.now())
    replay = api.post(
        "/auth/staff-token", {"username": "clerk", "password": PASSWORD, "totp": code}
    )
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_totp"
    wrong = api.post(
        "/auth/staff-token",
        {"username": "clerk", "password": PASSWORD, "totp": "000000"},
    )
    assert wrong.status_code == 401


def test_staff_lock_after_five_failures(api: Api) -> None:
    staff_token(api, "clerk", "上海市市场监督管理局", ["intake_clerk"])
    for _attempt in range(5):
        api.post(
            "/auth/staff-token", {"username": "clerk", "password": "x", "totp": "1"}
        )
    locked = api.post(
        "/auth/staff-token",
        {
            "username": "clerk",
            "password": PASSWORD,
            "totp": pyotp.TOTP(STAFF_SECRET).at(clock.now() + dt.timedelta(seconds=30)),
        },
    )
    assert locked.status_code == 429


@override_settings(LOGIN_DELAY_FIRST_SECONDS=15 * 60)
def test_the_login_wait_ends(api: Api, platform_clock: Any) -> None:
    api.register(*ZHANG, "13812345678")
    for _attempt in range(5):
        api.post("/auth/token", {"login": ZHANG[1], "password": "wrong"})
    assert (
        api.post("/auth/token", {"login": ZHANG[1], "password": PASSWORD}).status_code
        == 429
    )
    platform_clock.set_now(clock.now() + dt.timedelta(minutes=16))
    assert (
        api.post("/auth/token", {"login": ZHANG[1], "password": PASSWORD}).status_code
        == 200
    )


def test_idle_page_sessions_end(api: Api, platform_clock: Any) -> None:
    api.register(*ZHANG, "13812345678")
    browser = Client()
    response = browser.post(
        "/accounts/login/",
        {"mode": "password", "login": "13812345678", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert browser.get("/accounts/me/").status_code == 200
    platform_clock.set_now(clock.now() + dt.timedelta(minutes=20))
    assert browser.get("/accounts/me/").status_code == 200  # activity keeps it alive
    platform_clock.set_now(clock.now() + dt.timedelta(minutes=31))
    assert browser.get("/accounts/me/").status_code == 302


def test_numbers_are_encrypted_and_found_by_blind_index(api: Api) -> None:
    api.register(*ZHANG, "13812345678")
    person = Person.objects.get()
    assert ZHANG[1] not in person.doc_encrypted
    assert "13812345678" not in person.phone_encrypted
    assert person.doc_encrypted.startswith(f"a2:{protect.current_key().id}:")
    assert person.doc_masked == "310115********0317"
    assert person.phone_masked == "+86 138****5678"
    # a ciphertext moved to another column does not decrypt (the context is bound)
    with pytest.raises(protect.DecryptionFailed):
        protect.decrypt(person.doc_encrypted, context="person.phone")


@override_settings(CRYPTO_SUITE="sm")
def test_national_suite_sm4_and_sm3() -> None:
    token = protect.encrypt("310115198506120317", context="person.document")
    assert token.startswith("s2:")
    assert protect.decrypt(token, context="person.document") == "310115198506120317"
    assert protect.blind_index("x", kind="k").startswith("s")
    # an AES ciphertext written before a switch still reads
    with override_settings(CRYPTO_SUITE="aes"):
        old = protect.encrypt("13812345678", context="person.phone")
    assert protect.decrypt(old, context="person.phone") == "13812345678"


def test_logs_never_carry_document_or_phone_numbers(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    me = api.register(*ZHANG, "13812345678")
    me.post("/me/identity-verification")
    api.post(
        "/auth/register",
        {
            "name": "x",
            "doc_number": "310115198506120318",
            "phone": "1",
            "sms_code": "1",
            "password": "p",
        },
    )
    text = caplog.text
    assert ZHANG[1] not in text
    assert "13812345678" not in text


def test_staff_reads_are_audited_and_shown_to_the_person(api: Api) -> None:
    clerk = api.as_(staff_token(api, "clerk", "上海市市场监督管理局", ["intake_clerk"]))
    created = clerk.post(
        "/staff/persons",
        {"name": CHEN[0], "doc_number": CHEN[1], "phone": "13600001234"},
    ).json()
    read = clerk.get(
        f"/staff/persons/{created['id']}", reason="核对营业执照变更申请", reveal="true"
    )
    assert read.status_code == 200
    assert read.json()["doc_number"] == CHEN[1]
    masked = clerk.get(f"/staff/persons/{created['id']}", reason="电话回访")
    assert masked.json()["doc_number"] == "310101********0510"
    # the person claims the record and sees who read it, and why
    clock.set_now(clock.now() + dt.timedelta(minutes=2))
    api.post("/auth/sms-codes", {"phone": "13600001234", "purpose": "claim"})
    claimed = api.post(
        "/auth/claim",
        {
            "name": CHEN[0],
            "doc_number": CHEN[1],
            "phone": "13600001234",
            "sms_code": api.standins.last_code("+8613600001234"),
            "password": PASSWORD,
        },
    )
    me = api.as_(claimed.json()["access_token"])
    reads = me.get("/me/data").json()["identity_reads"]
    assert [r["reason"] for r in reads] == ["电话回访", "核对营业执照变更申请"]
    assert all("上海市市场监督管理局" in r["by"] for r in reads)
    export = me.get("/me/export")
    assert export["Content-Disposition"].startswith("attachment")
    assert CHEN[1] in export.content.decode()  # their own number, in their own export
    assert audit_verify().ok


def test_staff_command_and_admin_pages(api: Api) -> None:
    import os

    from django.contrib.auth.models import User
    from django.core.management import call_command

    from tongban.catalog.models import Department

    Department.objects.create(
        code="11310000002420033N",
        name="上海市市场监督管理局",
        region="310000",
        level="city",
    )
    os.environ["TONGBAN_STAFF_PASSWORD"] = PASSWORD
    try:
        call_command(
            "staff",
            "create",
            "head",
            "--department",
            "11310000002420033N",
            "--role",
            "department_head",
            "--role",
            "approver",
            "--email",
            "head@example.gov.cn",
        )
    finally:
        del os.environ["TONGBAN_STAFF_PASSWORD"]
    assert StaffProfile.objects.get(user__username="head").roles == [
        "approver",
        "department_head",
    ]
    api.register(*ZHANG, "13812345678")
    admin = User.objects.create_superuser("root", "root@example.gov.cn", PASSWORD)
    client = Client()
    client.force_login(admin)
    for path in (
        "/admin/accounts/person/",
        "/admin/accounts/staffprofile/",
        "/admin/accounts/grant/",
        "/admin/accounts/company/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert ZHANG[1] not in page.content.decode()
    person = Person.objects.get()
    detail = client.get(f"/admin/accounts/person/{person.pk}/change/").content.decode()
    assert "310115********0317" in detail
    assert ZHANG[1] not in detail


def test_registries_return_the_documents_they_hold(standins: Any) -> None:
    from tongban.contrib.registries import held_documents

    held = held_documents(
        "legal_entity", holder="91310115MA1HK7Q24A", dataset="legal_entity_registry"
    )
    assert held[0]["document"] == "企业登记信息"
    assert held[0]["issuer"]
    assert held[0]["issued_on"] == "2018-03-12"
    assert held_documents("population", holder="000", dataset=None) == []
