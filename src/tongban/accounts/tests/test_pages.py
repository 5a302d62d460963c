"""The account pages through a test client: forms, errors in the user's language, staff."""

import re
from typing import Any

import pyotp
import pytest
from django.test import Client

from tongban.accounts.models import Person, StaffProfile
from tongban.accounts.services import staff_create
from tongban.accounts.tests.conftest import PASSWORD, STAFF_SECRET
from tongban.catalog.models import Department
from tongban.core import clock


@pytest.fixture
def browser(standins: Any, db: None) -> Client:
    return Client()


def _register(browser: Client, standins: Any, prefix: str = "") -> Any:
    form = {
        "name": "张伟",
        "doc_type": "resident_id",
        "doc_number": "310115198506120317",
        "phone": "13812345678",
        "action": "send_code",
    }
    sent = browser.post(f"{prefix}/accounts/register/", form)
    assert sent.status_code == 200
    form.update(
        action="register",
        sms_code=standins.last_code("+8613812345678"),
        password=PASSWORD,
        agree="on",
    )
    return browser.post(f"{prefix}/accounts/register/", form)


def test_register_page_then_profile_then_l2(browser: Client, standins: Any) -> None:
    done = _register(browser, standins)
    assert done.status_code == 302
    profile = browser.get("/accounts/me/").content.decode()
    assert "310115********0317" in profile
    assert "310115198506120317" not in profile
    browser.post("/accounts/me/verify/")
    assert Person.objects.get().level == 2


def test_register_page_shows_a_bad_number_in_chinese_and_english(
    browser: Client,
) -> None:
    form = {
        "name": "张伟",
        "doc_type": "resident_id",
        "doc_number": "310115198506120318",
        "phone": "13812345678",
        "action": "send_code",
    }
    chinese = browser.post("/accounts/register/", form).content.decode()
    assert "校验" in chinese
    english = browser.post("/en/accounts/register/", form).content.decode()
    assert "The check character (the last one)" in english
    assert Person.objects.count() == 0


def test_terms_must_be_accepted(browser: Client, standins: Any) -> None:
    form = {
        "name": "张伟",
        "doc_number": "310115198506120317",
        "doc_type": "resident_id",
        "phone": "13812345678",
        "action": "register",
        "sms_code": "1",
        "password": PASSWORD,
    }
    page = browser.post("/accounts/register/", form).content.decode()
    assert "用户服务协议" in page
    assert Person.objects.count() == 0


def test_staff_bind_an_authenticator_at_first_login(browser: Client) -> None:
    department = Department.objects.create(
        code="11310000002420033N",
        name="上海市市场监督管理局",
        region="310000",
        level="city",
    )
    staff_create(
        username="clerk",
        email="clerk@example.gov.cn",
        password=PASSWORD,
        department=department,
        roles=["intake_clerk"],
    )
    first = browser.post(
        "/accounts/staff/login/", {"username": "clerk", "password": PASSWORD}
    )
    assert first.status_code == 302
    assert first["Location"].endswith("/accounts/staff/totp/")
    page = browser.get(first["Location"]).content.decode()
    assert "<svg" in page
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    bound = browser.post(
        first["Location"], {"code": pyotp.TOTP(secret).at(clock.now())}
    )
    assert bound.status_code == 302
    assert StaffProfile.objects.get().totp_confirmed_at is not None
    home = browser.get("/accounts/staff/").content.decode()
    assert "上海市市场监督管理局" in home


def test_clerk_creates_a_record_at_the_counter(browser: Client) -> None:
    department = Department.objects.create(
        code="11310000002420033N",
        name="上海市市场监督管理局",
        region="310000",
        level="city",
    )
    staff_create(
        username="clerk",
        email="c@example.gov.cn",
        password=PASSWORD,
        department=department,
        roles=["intake_clerk"],
        totp_secret=STAFF_SECRET,
    )
    browser.post(
        "/accounts/staff/login/",
        {
            "username": "clerk",
            "password": PASSWORD,
            "totp": pyotp.TOTP(STAFF_SECRET).at(clock.now()),
        },
    )
    created = browser.post(
        "/accounts/staff/persons/new/",
        {
            "name": "Anna Müller",
            "doc_type": "permanent_residence",
            "doc_number": "93127619800310001X",
            "phone": "+8613800000011",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    person = Person.objects.get()
    assert person.nationality == "DEU"
    assert person.level_evidence == "in_person"
    page = browser.post(
        f"/accounts/staff/persons/{person.pk}/", {"reason": "窗口核对"}
    ).content.decode()
    assert "931276********001X" in page or "93****1X" in page


def test_guide_tells_a_low_level_applicant_how_to_rise(
    browser: Client, standins: Any
) -> None:
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
    _register(browser, standins)
    page = browser.get(f"/services/{demanding.code}/").content.decode()
    assert 'data-testid="level-too-low"' in page
    assert "/accounts/me/" in page
    browser.post("/accounts/me/verify/")
    page = browser.get(f"/services/{demanding.code}/").content.decode()
    assert 'data-testid="level-too-low"' not in page
