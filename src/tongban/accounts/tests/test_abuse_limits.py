"""Abuse limits at both doors: SMS codes per address, per phone and for the platform
(with one alarm a window), and logins per account — a growing delay for applicants, a
hard lock for staff — and per address. Platform notifications are never limited."""

import datetime as dt
import logging
import re
from typing import Any

import pyotp
import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from tongban.accounts.models import LoginGuard, Person, SmsChallenge
from tongban.accounts.tests.conftest import PASSWORD, STAFF_SECRET, Api, staff_token
from tongban.audit.models import AuditEvent
from tongban.core import clock
from tongban.ops import ratelimits

ZHANG = ("张伟", "310115198506120317")
SPRAYER = "203.0.113.7"
WITHIN_A_MINUTE = r"请 (\d+ 秒|1 分钟)后再试"


class HeldRealTime:
    """The real time `ops.ratelimits` counts windows in, held still and moved by a test,
    so that a window never ends halfway through one (the platform clock is separate)."""

    def __init__(self) -> None:
        # A few seconds into a day: every window (minute, 10 minutes, day) just began.
        self.moment = dt.datetime(2026, 12, 1, 0, 0, 5, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, seconds: int) -> None:
        self.moment += dt.timedelta(seconds=seconds)


@pytest.fixture
def real_time(monkeypatch: pytest.MonkeyPatch) -> HeldRealTime:
    held = HeldRealTime()
    monkeypatch.setattr(ratelimits, "timezone", held)
    return held


def _from(api: Api, address: str) -> Api:
    """The same API, called from another client address."""
    return Api(Client(REMOTE_ADDR=address), api.standins)


def _code(api: Api, phone: str, purpose: str = "register") -> Any:
    return api.post(
        "/auth/sms-codes", {"phone": phone, "purpose": purpose, "doc_number": ZHANG[1]}
    )


def _page_code(page: Client, phone: str) -> str:
    """Ask for a registration code on the page; answers the page's text."""
    response = page.post(
        "/accounts/register/",
        {
            "name": ZHANG[0],
            "doc_type": "resident_id",
            "doc_number": ZHANG[1],
            "phone": phone,
            "action": "send_code",
        },
    )
    assert response.status_code == 200
    return str(response.content.decode())


def _page_login(page: Client, login: str, password: str) -> Any:
    return page.post(
        "/accounts/login/", {"mode": "password", "login": login, "password": password}
    )


def _login(api: Api, login: str, password: str) -> Any:
    return api.post("/auth/token", {"login": login, "password": password})


def _retry_after(response: Any) -> int:
    assert response.status_code == 429, response.json()
    assert response.json()["code"] == "too_many_attempts"
    seconds = int(response["Retry-After"])
    assert response.json()["retry_after"] == seconds
    return seconds


def _later(seconds: float) -> None:
    clock.set_now(clock.now() + dt.timedelta(seconds=seconds))


# --- SMS codes ---------------------------------------------------------------------------


def test_one_address_gets_five_codes_in_ten_minutes_whatever_the_phones(
    api: Api, real_time: HeldRealTime
) -> None:
    """The penetration test's finding: 12 new phones in a row from one address."""
    pumper = _from(api, SPRAYER)
    phones = [f"+86137001100{n:02d}" for n in range(12)]
    answers = [_code(pumper, phone) for phone in phones]
    assert [a.status_code for a in answers] == [202] * 5 + [429] * 7
    seconds = _retry_after(answers[5])
    assert 0 < seconds <= 600
    assert "此网络地址获取验证码过于频繁" in answers[5].json()["message"]
    assert "分钟后再试" in answers[5].json()["message"]
    assert SmsChallenge.objects.count() == 5
    assert all(api.standins.sms(phone) == [] for phone in phones[5:])
    # The pages are the same door: the address's count holds there too.
    page = _page_code(Client(REMOTE_ADDR=SPRAYER), "+8613700110099")
    assert "此网络地址获取验证码过于频繁" in page
    assert api.standins.sms("+8613700110099") == []
    # Another address is not this one; and the next ten minutes are new.
    assert _code(_from(api, "198.51.100.1"), "+8613700110098").status_code == 202
    real_time.advance(600)
    assert _code(pumper, "+8613700110097").status_code == 202


def test_one_address_gets_twenty_codes_a_day(api: Api, real_time: HeldRealTime) -> None:
    office = _from(api, "198.51.100.20")
    for batch in range(4):
        for n in range(5):
            assert _code(office, f"+86137002{batch}{n:04d}").status_code == 202
        real_time.advance(600)
    refused = _code(office, "+8613700299999")
    seconds = _retry_after(refused)
    assert 86_400 - 4 * 600 - 10 <= seconds <= 86_400 - 4 * 600
    assert "小时后再试" in refused.json()["message"]


def test_one_phone_gets_a_code_a_minute_and_ten_a_day_from_any_address(
    api: Api, real_time: HeldRealTime
) -> None:
    phone = "+8613700330033"
    assert _code(_from(api, "198.51.100.30"), phone).status_code == 202
    again = _code(_from(api, "198.51.100.31"), phone)
    assert 55 <= _retry_after(again) <= 60
    assert re.search(WITHIN_A_MINUTE, again.json()["message"])
    page = _page_code(Client(REMOTE_ADDR="198.51.100.32"), phone)
    assert "验证码已发送" in page and re.search(WITHIN_A_MINUTE, page)
    for n in range(9):
        _later(61)
        assert _code(_from(api, f"198.51.100.{40 + n}"), phone).status_code == 202
    _later(61)
    eleventh = _code(_from(api, "198.51.100.60"), phone)
    # Allowed again when the first of the ten is a day old, about 23 h 50 min from now.
    assert 86_400 - 10 * 61 - 10 <= _retry_after(eleventh) <= 86_400 - 10 * 61
    assert "24 小时内获取的验证码已达上限" in eleventh.json()["message"]
    assert SmsChallenge.objects.count() == 10


@override_settings(SMS_CODES_CEILING=(3, 60))
def test_the_ceiling_refuses_every_code_and_raises_one_alarm_a_window(
    api: Api, real_time: HeldRealTime, caplog: pytest.LogCaptureFixture
) -> None:
    def alarms() -> tuple[int, int]:
        logged = [
            r
            for r in caplog.records
            if r.levelno == logging.CRITICAL and "SMS code ceiling" in r.getMessage()
        ]
        audited = AuditEvent.objects.filter(action="sms.ceiling_reached").count()
        return len(logged), audited

    caplog.set_level(logging.CRITICAL)
    answers = [
        _code(_from(api, f"198.51.100.{70 + n}"), f"+86137004400{n:02d}")
        for n in range(6)
    ]
    assert [a.status_code for a in answers] == [202] * 3 + [429] * 3
    assert 0 < _retry_after(answers[3]) <= 60
    assert "验证码发送繁忙" in answers[3].json()["message"]
    page = _page_code(Client(REMOTE_ADDR="198.51.100.80"), "+8613700440099")
    assert "验证码发送繁忙" in page
    assert alarms() == (1, 1)  # one alarm, however many sends were refused
    event = AuditEvent.objects.get(action="sms.ceiling_reached")
    assert event.data == {"limit": 3, "window_seconds": 60}
    real_time.advance(60)  # the next window: sends again, and a new alarm when it fills
    more = [
        _code(_from(api, f"198.51.100.{90 + n}"), f"+86137004500{n:02d}")
        for n in range(5)
    ]
    assert [a.status_code for a in more] == [202] * 3 + [429] * 2
    assert alarms() == (2, 2)


@override_settings(SMS_CODES_CEILING=(1, 60), SMS_CODES_PER_ADDRESS=[(1, 600)])
def test_platform_notifications_are_not_limited_by_the_code_limits(
    api: Api, real_time: HeldRealTime
) -> None:
    from tongban.notifications.models import OutboxMessage
    from tongban.notifications.services import notify, outbox_due

    api.register(*ZHANG, "13700550055")  # the one code of the window and the address
    assert _code(api, "+8613700550056").status_code == 429
    person = Person.objects.get()
    for n in range(7):  # more, and faster, than any limit on codes allows
        notify(
            people=[person],
            event="case.accept",
            context={
                "service": "测试",
                "number": f"N{n}",
                "legal_deadline": "2027-01-01",
            },
        )
    outbox_due()
    sms = OutboxMessage.objects.filter(channel="sms")
    assert sms.count() == 7
    assert set(sms.values_list("status", flat=True)) == {"sent"}
    texts = [m["text"] for m in api.standins.sms("+8613700550055")]
    assert all(any(f"N{n}" in text for text in texts) for n in range(7))


# --- applicants logging in ---------------------------------------------------------------


@override_settings(LOGIN_DELAY_FIRST_SECONDS=60)
def test_failures_count_against_the_account_however_it_is_named(api: Api) -> None:
    api.register(*ZHANG, "13612345678")
    for typed in ("13612345678", "+86 136 1234 5678", "136-1234-5678"):
        assert _login(api, typed, "wrong").status_code == 401
    page = Client()
    for typed in (ZHANG[1], "310115 19850612 0317"):  # the document number, at the page
        assert _page_login(page, typed, "wrong").status_code == 200
    by_phone = _login(api, "13612345678", PASSWORD)  # the right password, refused
    assert 55 <= _retry_after(by_phone) <= 60
    assert re.search(WITHIN_A_MINUTE, by_phone.json()["message"])
    by_document = _page_login(page, ZHANG[1], PASSWORD)
    assert by_document.status_code == 200  # the form again, not logged in
    assert re.search(WITHIN_A_MINUTE, by_document.content.decode())
    user = Person.objects.get().user
    assert user is not None
    assert list(LoginGuard.objects.values_list("key", "failures")) == [
        (f"user:{user.pk}", 5)
    ]
    event = AuditEvent.objects.get(action="account.login_delayed")
    assert (event.subject_type, event.subject_id) == ("user", str(user.pk))


def test_after_five_failures_each_try_waits_a_doubling_delay(api: Api) -> None:
    api.register(*ZHANG, "13612345678")
    for _attempt in range(5):
        assert _login(api, ZHANG[1], "wrong").status_code == 401
    for delay in (1, 2, 4):  # each wait served, then one more failure doubles it
        _later(delay)
        assert _login(api, ZHANG[1], "wrong").status_code == 401
    right = _login(api, "13612345678", PASSWORD)  # eighth failure: eight seconds
    assert 4 < _retry_after(right) <= 8
    wrong = _login(api, ZHANG[1], "wrong")  # refused too, and not counted
    assert wrong.status_code == 429
    assert LoginGuard.objects.get().failures == 8
    page = _page_login(Client(), "13612345678", PASSWORD)
    assert "秒后再试" in page.content.decode()
    _later(8)
    assert _login(api, "13612345678", PASSWORD).status_code == 200
    assert not LoginGuard.objects.exists()  # a success clears the count
    assert _login(api, ZHANG[1], "wrong").status_code == 401
    assert _login(api, ZHANG[1], PASSWORD).status_code == 200


def test_the_delay_stops_at_fifteen_minutes_and_a_quiet_day_forgets(api: Api) -> None:
    api.register(*ZHANG, "13612345678")
    for _attempt in range(5):
        _login(api, ZHANG[1], "wrong")
    delays = []
    for _attempt in range(12):
        waited = _retry_after(_login(api, ZHANG[1], PASSWORD))
        delays.append(waited)
        _later(waited)
        assert _login(api, ZHANG[1], "wrong").status_code == 401
    assert delays[:10] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    assert delays[10:] == [900, 900]
    capped = _login(api, ZHANG[1], PASSWORD)
    assert "15 分钟后再试" in capped.json()["message"]
    _later(24 * 3600 + 1)
    assert _login(api, ZHANG[1], "wrong").status_code == 401  # counted from one again
    assert _login(api, ZHANG[1], PASSWORD).status_code == 200


def test_whoever_holds_the_phone_logs_in_by_code_through_the_password_delay(
    api: Api,
) -> None:
    """Anyone who knows a phone number can keep the password delay running, one wrong
    password every quarter hour; the person who holds the phone is never kept out."""
    api.register(*ZHANG, "13612345678")
    for _attempt in range(20):
        _later(900)
        _login(api, ZHANG[1], "wrong")
    assert _login(api, ZHANG[1], "wrong").status_code == 429  # the delay runs
    _later(120)  # one code a minute per phone
    api.post("/auth/sms-codes", {"phone": "13612345678", "purpose": "login"})
    code = api.standins.last_code("+8613612345678")
    logged = api.post("/auth/token", {"phone": "13612345678", "sms_code": code})
    assert logged.status_code == 200, logged.json()
    assert _login(api, ZHANG[1], PASSWORD).status_code == 200  # the delay is over


@override_settings(LOGIN_DELAY_FIRST_SECONDS=600)  # "10 分钟" for both, however slow
def test_an_unknown_login_is_limited_alike_and_reveals_nothing(api: Api) -> None:
    api.register(*ZHANG, "13612345678")

    def story(login: str) -> list[tuple[int, str, str, bool]]:
        answers = [_login(api, login, "wrong") for _attempt in range(6)]
        answers.append(_login(api, login, PASSWORD))
        return [
            (
                a.status_code,
                a.json()["code"],
                re.sub(r"\d+", "N", a.json()["message"]),
                "Retry-After" in a,
            )
            for a in answers
        ]

    known, unknown = story("13612345678"), story("13900009999")
    assert known == unknown
    assert [status for status, *_rest in known] == [401] * 5 + [429] * 2
    assert known[-1][3]  # with a Retry-After
    # Counted by its normalised spelling: typed another way, the same unknown login.
    assert _login(api, "+86 139 0000 9999", "x").status_code == 429
    assert LoginGuard.objects.count() == 2
    assert not AuditEvent.objects.filter(data__icontains="13900009999").exists()


def test_one_address_cannot_spray_many_accounts(
    api: Api, real_time: HeldRealTime
) -> None:
    api.register(*ZHANG, "13612345678")
    sprayer = _from(api, SPRAYER)
    for n in range(30):  # one try each against thirty logins
        assert _login(sprayer, f"1390000{n:04d}", "123456").status_code == 401
    refused = _login(sprayer, "13612345678", PASSWORD)
    assert 0 < _retry_after(refused) <= 600
    assert "此网络地址登录失败次数过多" in refused.json()["message"]
    page = _page_login(Client(REMOTE_ADDR=SPRAYER), ZHANG[1], PASSWORD)
    assert page.status_code == 200
    assert "此网络地址登录失败次数过多" in page.content.decode()
    sms = sprayer.post("/auth/token", {"phone": "13612345678", "sms_code": "123456"})
    assert sms.status_code == 429
    assert _login(api, "13612345678", PASSWORD).status_code == 200  # another address
    real_time.advance(600)
    assert _login(sprayer, "13612345678", PASSWORD).status_code == 200


# --- staff logging in --------------------------------------------------------------------


def test_staff_are_locked_per_account_for_fifteen_minutes_at_both_doors(
    api: Api,
) -> None:
    staff_token(api, "clerk", "上海市市场监督管理局", ["intake_clerk"])
    user = User.objects.get(username="clerk")

    def token(password: str, totp: str) -> Any:
        return api.post(
            "/auth/staff-token",
            {"username": "clerk", "password": password, "totp": totp},
        )

    def totp() -> str:
        return pyotp.TOTP(STAFF_SECRET).at(clock.now())

    for _attempt in range(3):
        assert token("wrong", "000000").status_code == 401
    page = Client()
    for _attempt in range(2):  # the right password, a wrong code, at the page
        page.post(
            "/accounts/staff/login/",
            {"username": "clerk", "password": PASSWORD, "totp": "000000"},
        )
    _later(60)
    locked = token(PASSWORD, totp())
    assert 800 < _retry_after(locked) <= 900  # not a delay that doubles from 1 s
    assert "账户已暂时锁定" in locked.json()["message"]
    assert "分钟后再试" in locked.json()["message"]
    refused_page = page.post(
        "/accounts/staff/login/",
        {"username": "clerk", "password": PASSWORD, "totp": totp()},
    )
    assert "账户已暂时锁定" in refused_page.content.decode()
    event = AuditEvent.objects.get(action="account.locked")
    assert (event.subject_type, event.subject_id) == ("user", str(user.pk))
    assert event.data == {"failures": 5, "minutes": 15}
    _later(15 * 60)
    assert token(PASSWORD, totp()).status_code == 200
