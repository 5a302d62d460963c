"""Every person is written to in their language: chosen at registration from the document
and the page, changed on the profile and in the API, an unknown one refused in words."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tongban.accounts.models import Person
from tongban.accounts.services import person_register, sms_code_send
from tongban.accounts.services.sms_codes import sms_code_text
from tongban.accounts.tests.conftest import PASSWORD, Api, staff_token
from tongban.audit.models import AuditEvent
from tongban.core.phones import phone_normalise

ZHANG = ("张伟", "310115198506120317")
CHEN = ("陈志强", "310101197502140510")
KOREAN = ("KIM MINJUN", "M70689098", "韩国")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    """The services' messages in Chinese, whatever an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def _register_page(page: Client, standins: Any, prefix: str, **form: str) -> Any:
    sent = page.post(f"{prefix}/accounts/register/", {**form, "action": "send_code"})
    assert sent.status_code == 200
    return page.post(
        f"{prefix}/accounts/register/",
        {
            **form,
            "action": "register",
            "sms_code": standins.last_code(phone_normalise(form["phone"])),
            "password": PASSWORD,
            "agree": "on",
        },
    )


# --- at registration -----------------------------------------------------------------


def test_a_passport_holder_is_written_to_in_english_even_from_the_chinese_page(
    standins: Any, db: None
) -> None:
    name, number, country = KOREAN
    common = {"doc_type": "passport", "doc_number": number, "nationality": country}
    sms_code_send(
        phone="+82 10-2345-6789",
        purpose="register",
        client_address="198.51.100.7",
        page_language="zh-hans",
        **common,
    )
    # the code itself already came in the language the account will have
    text = standins.sms("+821023456789")[-1]["text"]
    assert text == _code_text_of(text, "en")
    assert not CJK.search(text)
    person = person_register(
        name=name,
        phone="+82 10-2345-6789",
        sms_code=standins.last_code("+821023456789"),
        password=PASSWORD,
        page_language="zh-hans",
        **common,
    )
    assert Person.objects.get(pk=person.pk).language == "en"
    register = AuditEvent.objects.get(action="account.register")
    assert register.data["language"] == "en"


def test_a_resident_id_on_the_english_page_is_english_and_on_the_chinese_page_chinese(
    standins: Any, db: None
) -> None:
    english = _register_page(
        Client(), standins, "/en", name=ZHANG[0], doc_type="resident_id",
        doc_number=ZHANG[1], phone="13800138000",
    )  # fmt: skip
    chinese = _register_page(
        Client(), standins, "", name=CHEN[0], doc_type="resident_id",
        doc_number=CHEN[1], phone="13900139000",
    )  # fmt: skip
    assert (english.status_code, chinese.status_code) == (302, 302)
    assert Person.objects.get(name=ZHANG[0]).language == "en"
    assert Person.objects.get(name=CHEN[0]).language == "zh-hans"
    # each one's code came in that language
    assert standins.sms("+8613900139000")[-1]["text"].startswith("【通办】您的验证码")
    assert standins.sms("+8613800138000")[-1]["text"] == _code_text_of(
        standins.sms("+8613800138000")[-1]["text"], "en"
    )


def _code_text_of(text: str, language: str) -> str:
    code = re.search(r"\d{6}", text)
    assert code
    return sms_code_text(
        code=code.group(0), minutes=10, purpose="register", language=language
    )


def test_the_api_registers_in_the_language_chosen_or_the_requests_language(
    api: Api,
) -> None:
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    by_header = api.register(*ZHANG, "13800138000")
    assert by_header.get("/me").json()["language"] == "en"
    api.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    chinese = api.register(*CHEN, "13900139000")
    assert chinese.get("/me").json()["language"] == "zh-hans"


def test_a_passport_holder_may_choose_chinese_when_registering_by_the_api(
    api: Api,
) -> None:
    name, number, country = KOREAN
    body = {"doc_type": "passport", "doc_number": number, "nationality": country}
    sent = api.post(
        "/auth/sms-codes", {"phone": "+82 10-2345-6789", "purpose": "register", **body}
    )
    assert sent.status_code == 202
    answer = api.post(
        "/auth/register",
        {
            "name": name,
            **body,
            "phone": "+82 10-2345-6789",
            "sms_code": api.standins.last_code("+821023456789"),
            "password": PASSWORD,
            "language": "zh-hans",
        },
    )
    assert answer.status_code == 201, answer.json()
    assert Person.objects.get().language == "zh-hans"


def test_registering_in_an_unknown_language_is_refused_and_saves_nothing(
    api: Api,
) -> None:
    sent = api.post(
        "/auth/sms-codes",
        {"phone": "13800138000", "purpose": "register", "doc_number": ZHANG[1]},
    )
    assert sent.status_code == 202
    answer = api.post(
        "/auth/register",
        {
            "name": ZHANG[0],
            "doc_number": ZHANG[1],
            "phone": "13800138000",
            "sms_code": api.standins.last_code("+8613800138000"),
            "password": PASSWORD,
            "language": "fr",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "unknown_language"
    assert "fr" in answer.json()["message"]
    assert answer.json()["fields"]["language"]
    assert not Person.objects.exists()


def test_the_counter_writes_to_a_foreigner_in_english_and_a_resident_in_chinese(
    api: Api,
) -> None:
    clerk = api.as_(
        staff_token(api, "clerk-1", "浦东新区市场监督管理局", ["intake_clerk"])
    )
    for body in (
        {"name": ZHANG[0], "doc_number": ZHANG[1]},
        {"name": "Anna Müller", "doc_type": "permanent_residence",
         "doc_number": "93127619800310001X"},
    ):  # fmt: skip
        assert clerk.post("/staff/persons", body).status_code == 201
    assert Person.objects.get(name=ZHANG[0]).language == "zh-hans"
    assert Person.objects.get(name="Anna Müller").language == "en"


# --- changing it -----------------------------------------------------------------------


def _patch(api: Api, body: dict[str, Any]) -> Any:
    return api.client.patch(
        "/api/v1/me", body, content_type="application/json", headers=api._headers()
    )


def test_the_api_changes_the_language_audited_and_refuses_an_unknown_one(
    api: Api,
) -> None:
    zhang = api.register(*ZHANG, "13800138000")
    assert zhang.get("/me").json()["language"] == "zh-hans"
    changed = _patch(zhang, {"language": "en"})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["language"] == "en"
    assert zhang.get("/me").json()["language"] == "en"
    event = AuditEvent.objects.get(action="account.language_change")
    assert event.data == {"before": "zh-hans", "after": "en", "channel": "api"}

    refused = _patch(zhang, {"language": "klingon"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "unknown_language"
    assert "zh-hans" in refused.json()["message"]  # says what it may be
    assert Person.objects.get().language == "en"
    assert AuditEvent.objects.filter(action="account.language_change").count() == 1
    assert api.client.patch(
        "/api/v1/me", {"language": "en"}, content_type="application/json"
    ).status_code == 401  # fmt: skip


def test_the_profile_page_changes_the_language(standins: Any, db: None) -> None:
    page = Client()
    assert (
        _register_page(
            page, standins, "", name=ZHANG[0], doc_type="resident_id",
            doc_number=ZHANG[1], phone="13800138000",
        ).status_code
        == 302
    )  # fmt: skip
    profile = page.get("/accounts/me/").content.decode()
    assert re.search(r'<option value="zh-hans" selected>', profile)
    done = page.post("/accounts/me/", {"action": "language", "language": "en"})
    assert done.status_code == 302
    assert Person.objects.get().language == "en"
    assert '<option value="en" selected>' in page.get("/accounts/me/").content.decode()
    # an unknown value is said under the field and changes nothing
    refused = page.post("/accounts/me/", {"action": "language", "language": "fr"})
    assert refused.status_code == 200
    assert 'data-testid="field-error"' in refused.content.decode()
    assert Person.objects.get().language == "en"
    # the email form is not touched by a language change
    assert "请输入有效的电子邮箱地址" not in refused.content.decode()


def test_the_email_confirmation_is_in_the_persons_language(
    api: Api, mailoutbox: Any
) -> None:
    zhang = api.register(*ZHANG, "13800138000")
    _patch(zhang, {"language": "en"})
    with translation.override("zh-hans"):  # whatever the request's language
        assert zhang.post("/me/email", {"email": "zhang@example.cn"}).status_code == 202
    sent = mailoutbox[-1]
    with translation.override("en"):
        assert sent.subject == translation.gettext("通办：确认您的电子邮箱")
    assert not CJK.search(sent.subject)  # English once translated
