"""Registering is easy: nationality as a country name and only where the document needs
it, the SMS-code button beside the phone, the user agreement, and what to do when the
registry cannot confirm a person."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tongban.accounts.countries import country_alpha3, country_name, country_options
from tongban.accounts.models import Consent, Person
from tongban.accounts.services import person_register, sms_code_send
from tongban.accounts.services._common import _document_facts, _name_clean
from tongban.accounts.tests.conftest import PASSWORD
from tongban.core.documents import country_exists
from tongban.core.errors import InvalidInput
from tongban.core.phones import phone_normalise

# Real-looking foreigners: passports in each country's own number format, and permanent
# residence cards of the 2023 format (9, province, ISO numeric nationality, birth date,
# sequence, MOD 11-2 check).
BRITISH = ("John Smith", "533380006", "英国", "GBR")
AMERICAN = ("Emily Davis", "488839667", "United States of America", "USA")
KOREAN = ("KIM MINJUN", "M70689098", "韩国", "KOR")
JAPANESE = ("SATO HARUTO", "TR4851297", "Japan", "JPN")
GERMAN = ("Lukas Schneider", "C4J7KN2R9", "Deutschland", "DEU")
PR_GERMAN = ("Anna Müller", "93127619800310001X")  # Shanghai, 276 Germany
PR_KOREAN = ("PARK JIWOO", "911410198805150046")  # Beijing, 410 Korea
PR_AMERICAN = ("Robert Miller", "944840197511200056")  # Guangdong, 840 USA


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    """The services' messages in Chinese, whatever an earlier test left active."""
    with translation.override("zh-hans"):
        yield


# --- country names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "alpha3"),
    [
        ("英国", "GBR"),
        ("United Kingdom", "GBR"),
        ("UK", "GBR"),
        ("gbr", "GBR"),
        ("ＧＢＲ", "GBR"),  # full-width, as a Chinese keyboard types it
        ("  英 国 ", "GBR"),
        ("英國", "GBR"),  # traditional characters
        ("美国", "USA"),
        ("United States of America", "USA"),
        ("America", "USA"),
        ("韩国", "KOR"),
        ("South Korea", "KOR"),
        ("대한민국", "KOR"),
        ("朝鲜", "PRK"),
        ("日本", "JPN"),
        ("Japan", "JPN"),
        ("德国", "DEU"),
        ("germany", "DEU"),
        ("Deutschland", "DEU"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("土耳其", "TUR"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote dIvoire", "CIV"),
        ("Russia", "RUS"),
        ("俄罗斯", "RUS"),
        ("Viet Nam", "VNM"),
        ("越南", "VNM"),
        ("the Netherlands", "NLD"),
        ("萨摩亚", "WSM"),
        ("美属萨摩亚群岛", "ASM"),
        ("北马其顿", "MKD"),
    ],
)
def test_a_country_is_found_by_its_name_in_either_language_or_its_code(
    typed: str, alpha3: str
) -> None:
    assert country_alpha3(typed) == alpha3


@pytest.mark.parametrize("typed", ["", "   ", "Narnia", "英格", "GB R X", "123"])
def test_what_names_no_country_is_none(typed: str) -> None:
    assert country_alpha3(typed) is None


def test_the_lists_name_every_foreign_country_once_in_each_language() -> None:
    chinese = country_options("zh-hans")
    english = country_options("en")
    assert len(chinese) == len(english) == 245  # ISO 3166-1 less CHN, HKG, MAC, TWN
    assert {c.alpha3 for c in chinese} == {c.alpha3 for c in english}
    assert not {"CHN", "HKG", "MAC", "TWN"} & {c.alpha3 for c in chinese}
    assert all(country_exists(c.alpha3) for c in chinese)
    for names in ([c.chinese for c in chinese], [c.english for c in english]):
        assert len(set(names)) == len(names), "two countries under one name"
    # Every Chinese name is Chinese, and each maps back to its own country.
    assert all(re.search(r"[\u4e00-\u9fff]", c.chinese) for c in chinese)
    assert all(country_alpha3(c.chinese) == c.alpha3 for c in chinese)
    assert all(country_alpha3(c.english) == c.alpha3 for c in english)


def test_the_lists_are_in_each_languages_order() -> None:
    chinese = [c.chinese for c in country_options("zh-hans")]
    assert chinese[:2] == ["阿尔巴尼亚", "阿尔及利亚"]  # by pinyin: a'erbaniya …
    assert chinese.index("澳大利亚") < chinese.index("巴西") < chinese.index("德国")
    english = [c.english for c in country_options("en")]
    assert english[:2] == ["Afghanistan", "Åland Islands"]  # Å sorts as A
    assert english.index("Germany") < english.index("Japan") < english.index("Zambia")


def test_a_code_is_named_in_the_language_asked() -> None:
    assert country_name("DEU", "zh-hans") == "德国"
    assert country_name("DEU", "en") == "Germany"
    assert country_name("KOR", "en") == "South Korea"
    assert country_name("XXX", "en") == "XXX"


# --- which documents ask for a nationality ------------------------------------------


@pytest.mark.parametrize(
    ("name", "number", "typed", "alpha3"),
    [BRITISH, AMERICAN, KOREAN, JAPANESE, GERMAN],
)
def test_a_passport_takes_its_country_by_name(
    name: str, number: str, typed: str, alpha3: str
) -> None:
    facts = _document_facts("passport", number, typed)
    assert (facts.nationality, facts.number) == (alpha3, number)
    assert _document_facts("passport", number, alpha3).nationality == alpha3


def test_a_passport_without_a_country_or_with_a_wrong_one_is_refused_in_words() -> None:
    with pytest.raises(InvalidInput) as missing:
        _document_facts("passport", "533380006", "")
    assert missing.value.fields == {"nationality": "required"}
    assert "签发护照的国家" in str(missing.value.message)
    with pytest.raises(InvalidInput) as unknown:
        _document_facts("passport", "533380006", "Narnia")
    assert unknown.value.fields == {"nationality": "unknown"}
    assert "“Narnia”不是可识别的国家名称" in str(unknown.value.message)
    with pytest.raises(InvalidInput) as chinese:
        _document_facts("passport", "E12345678", "中国")
    assert "中国护照不是外国护照" in str(chinese.value.message)
    for region in ("香港", "Macao", "台湾"):
        with pytest.raises(InvalidInput) as hmt:
            _document_facts("passport", "K01234567", region)
        assert "港澳台居民居住证" in str(hmt.value.message)


@pytest.mark.parametrize(
    ("doc_type", "number"),
    [
        ("resident_id", "310115198506120317"),
        ("hmt_residence_permit", "810000199005050026"),
        ("hk_mo_travel_permit", "H60123457"),
        ("tw_travel_permit", "08123456"),
    ],
)
def test_chinese_documents_ask_no_nationality_and_ignore_one_given(
    doc_type: str, number: str
) -> None:
    for given in (None, "", "英国", "Narnia"):
        assert _document_facts(doc_type, number, given).nationality == "CHN"


@pytest.mark.parametrize(
    ("number", "alpha3", "agreeing", "disagreeing"),
    [
        (PR_GERMAN[1], "DEU", "德国", "Austria"),
        (PR_KOREAN[1], "KOR", "South Korea", "朝鲜"),
        (PR_AMERICAN[1], "USA", "USA", "Canada"),
    ],
)
def test_a_permanent_residence_card_says_its_nationality_and_is_checked_against_one_given(
    number: str, alpha3: str, agreeing: str, disagreeing: str
) -> None:
    assert _document_facts("permanent_residence", number, None).nationality == alpha3
    assert (
        _document_facts("permanent_residence", number, agreeing).nationality == alpha3
    )
    with pytest.raises(InvalidInput) as mismatch:
        _document_facts("permanent_residence", number, disagreeing)
    assert mismatch.value.fields == {"nationality": "mismatch"}
    assert country_name(alpha3, "zh-hans") in str(mismatch.value.message)


def test_names_are_kept_as_the_registries_write_them() -> None:
    assert _name_clean("Ｊｏｈｎ　Ｓｍｉｔｈ") == "John Smith"
    assert _name_clean("买买提•艾力") == "买买提·艾力"
    assert _name_clean("  KIM   MINJUN ") == "KIM MINJUN"
    assert _name_clean("Anna Müller") == "Anna Müller"


def test_a_korean_registers_with_a_passport_named_in_chinese(
    standins: Any, db: None
) -> None:
    name, number, typed, alpha3 = KOREAN
    common = {"doc_type": "passport", "doc_number": number, "nationality": typed}
    sms_code_send(
        phone="+82 10-2345-6789",
        purpose="register",
        client_address="198.51.100.7",
        **common,
    )
    person = person_register(
        name=name,
        phone="+82 10-2345-6789",
        sms_code=standins.last_code("+821023456789"),
        password=PASSWORD,
        **common,
    )
    assert (person.nationality, person.doc_type, person.name) == (
        alpha3,
        "passport",
        name,
    )


# --- the registration page -----------------------------------------------------------


@pytest.fixture
def page(standins: Any, db: None) -> Client:
    return Client()


def _register_page(
    page: Client, standins: Any, prefix: str = "", **form: str
) -> tuple[str, Any]:
    """Ask for a code on the page, then register; (the page after the code, the answer)."""
    sent = page.post(f"{prefix}/accounts/register/", {**form, "action": "send_code"})
    assert sent.status_code == 200
    e164 = phone_normalise(form["phone"])
    done = page.post(
        f"{prefix}/accounts/register/",
        {
            **form,
            "action": "register",
            "sms_code": standins.last_code(e164),
            "password": PASSWORD,
            "agree": "on",
        },
    )
    return sent.content.decode(), done


def test_the_code_button_sits_in_the_phone_fields_group_and_says_what_happened(
    page: Client, standins: Any
) -> None:
    html = page.get("/accounts/register/").content.decode()
    group = re.search(
        r'<div class="input-group" data-testid="phone-with-code">(.*?)</div>',
        html,
        re.S,
    )
    assert group is not None
    assert 'name="phone"' in group.group(1)
    assert 'value="send_code"' in group.group(1)
    # The first submit button is the hidden copy of 注册: Enter registers, never sends.
    first = re.search(
        r'<button[^>]*type="submit"[^>]*>', html.split('data-testid="register-form"')[1]
    )
    assert first is not None and 'value="register"' in first.group(0)
    sent, _done = _register_page(
        page,
        standins,
        name="张伟",
        doc_type="resident_id",
        doc_number="310115198506120317",
        phone="13812345678",
    )
    status = re.search(r'data-testid="code-sent">(.*?)</div>', sent)
    assert status is not None
    assert "验证码已发送至 +86 138****5678，10 分钟内有效" in status.group(1)
    assert "60 秒后可重新获取" in status.group(1)
    assert 'data-resend-seconds="60"' in sent
    # Asking again at once: the wait, said under the phone field.
    again = page.post(
        "/accounts/register/",
        {
            "name": "王芳",
            "doc_type": "resident_id",
            "doc_number": "31010419881120004X",
            "phone": "13812345679",
            "action": "send_code",
        },
    )
    assert 'data-testid="code-sent"' in again.content.decode()
    sooner = page.post(
        "/accounts/register/",
        {
            "name": "王芳",
            "doc_type": "resident_id",
            "doc_number": "31010419881120004X",
            "phone": "13812345679",
            "action": "send_code",
        },
    ).content.decode()
    phone_block = sooner.split('data-field="phone"')[1].split('data-field="sms_code"')[
        0
    ]
    assert re.search(r"验证码已发送，请 \d+ (秒|分钟)后再试", phone_block)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/accounts/login/?mode=sms", "phone"),
        ("/accounts/password/reset/", "phone"),
        ("/accounts/phone/change/", "new_phone"),
        ("/accounts/claim/", "phone"),
    ],
)
def test_every_page_that_sends_a_code_has_its_button_by_the_phone(
    page: Client, path: str, field: str
) -> None:
    html = page.get(path).content.decode()
    group = re.search(r'data-testid="phone-with-code">(.*?)</div>', html, re.S)
    assert group is not None, path
    assert f'name="{field}"' in group.group(1)
    assert html.count('value="send_code"') == 1


def test_the_nationality_field_is_a_country_name_in_the_pages_language(
    page: Client,
) -> None:
    chinese = page.get("/accounts/register/").content.decode()
    assert re.search(
        r'<input[^>]*name="nationality"[^>]*list="id_nationality_countries"', chinese
    )
    assert 'data-asked-for="passport"' in chinese
    assert '<option value="德国" label="Germany">' in chinese
    assert 'value="GBR"' not in chinese  # a name, not a code
    assert "/static/web/accounts.js" in chinese
    english = page.get("/en/accounts/register/").content.decode()
    assert '<option value="Germany">' in english
    assert "德国" not in english


def test_a_foreigner_registers_by_typing_the_country_in_english_on_the_english_page(
    page: Client, standins: Any
) -> None:
    name, number, typed, alpha3 = AMERICAN
    _sent, done = _register_page(
        page,
        standins,
        "/en",
        name=name,
        doc_type="passport",
        doc_number=number,
        nationality=typed,
        phone="+1 415 555 0132",
    )
    assert done.status_code == 302
    person = Person.objects.get()
    assert person.nationality == alpha3
    profile = page.get("/en/accounts/me/").content.decode()
    assert 'data-testid="nationality">United States of America<' in profile


def test_a_wrong_country_name_is_said_under_the_field(page: Client) -> None:
    html = page.post(
        "/accounts/register/",
        {
            "name": "John Smith",
            "doc_type": "passport",
            "doc_number": "533380006",
            "nationality": "Englandshire",
            "phone": "+44 7911 123456",
            "action": "send_code",
        },
    ).content.decode()
    block = html.split('data-field="nationality"')[1].split('data-field="phone"')[0]
    assert "“Englandshire”不是可识别的国家名称" in block
    assert Person.objects.count() == 0


def test_a_permanent_resident_needs_no_nationality_and_a_wrong_one_is_refused(
    page: Client, standins: Any
) -> None:
    name, number = PR_KOREAN
    wrong = page.post(
        "/accounts/register/",
        {
            "name": name,
            "doc_type": "permanent_residence",
            "doc_number": number,
            "nationality": "日本",
            "phone": "+82 10-3456-7890",
            "action": "send_code",
        },
    ).content.decode()
    assert "与永久居留身份证号码中的国籍“韩国”不一致" in wrong
    _sent, done = _register_page(
        page,
        standins,
        name=name,
        doc_type="permanent_residence",
        doc_number=number,
        phone="+82 10-3456-7890",
    )
    assert done.status_code == 302
    assert Person.objects.get().nationality == "KOR"


# --- the user agreement --------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "heading", "lang"),
    [("", "通办用户服务协议", "zh-CN"), ("/en", "Tongban terms of service", "en")],
)
def test_the_terms_page_in_each_language(
    client: Client, prefix: str, heading: str, lang: str, settings: Any
) -> None:
    settings.PLATFORM_OPERATOR = "上海市大数据中心"
    settings.PERSONAL_INFORMATION_OFFICER = {
        "name": "王立新",
        "email": "pio@example.gov.cn",
        "phone": "021-12345678",
    }
    response = client.get(f"{prefix}/terms/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert heading in html
    assert 'data-testid="terms-version">' in html and "2026-11" in html
    assert 'data-testid="terms-operator">上海市大数据中心<' in html
    contact = html.split('data-testid="terms-contact"')[1].split("</dl>")[0]
    assert "王立新" in contact and "mailto:pio@example.gov.cn" in contact
    for section in ("service", "real-name", "duties", "acting", "notices"):
        assert f'id="{section}"' in html
    for section in ("platform", "suspension", "changes", "law", "contact"):
        assert f'id="{section}"' in html
    assert f'href="{prefix}/privacy/"' in html


def test_the_agreement_names_the_law_it_rests_on(client: Client) -> None:
    html = client.get("/terms/").content.decode()
    for law in (
        "网络安全法》第二十四条",
        "行政许可法》第七十八条",
        "国务院关于在线政务服务的若干规定",
        "行政复议法",
        "中华人民共和国法律",
    ):
        assert law in html


def test_the_consent_links_both_texts_and_records_the_version_agreed(
    page: Client, standins: Any
) -> None:
    html = page.get("/accounts/register/").content.decode()
    label = re.search(
        r'<label class="form-check-label" for="id_agree">(.*?)</label>', html
    )
    assert label is not None
    assert (
        '<a href="/terms/" target="_blank" rel="noopener">《用户服务协议》'
        in label.group(1)
    )
    assert (
        '<a href="/privacy/" target="_blank" rel="noopener">《隐私政策》'
        in label.group(1)
    )
    _register_page(
        page,
        standins,
        name="张伟",
        doc_type="resident_id",
        doc_number="310115198506120317",
        phone="13812345678",
    )
    consent = Consent.objects.get(kind="terms")
    assert consent.version == "2026-11"


# --- when the registry cannot confirm the person -------------------------------------


def test_a_person_the_registry_cannot_confirm_is_told_what_to_do(
    page: Client, standins: Any
) -> None:
    name, number, typed, _alpha3 = JAPANESE  # a real format, not in the registry
    _register_page(
        page,
        standins,
        name=name,
        doc_type="passport",
        doc_number=number,
        nationality=typed,
        phone="+81 90-1234-5678",
    )
    refused = page.post("/accounts/me/verify/")
    assert refused.status_code == 302
    profile = page.get("/accounts/me/").content.decode()
    help_block = profile.split('data-testid="identity-help"')[1].split("</div>")[0]
    assert "出入境管理信息库未能确认您的身份" in help_block
    assert "包括中间名" in help_block and "末位 X" in help_block
    assert "政务服务中心窗口" in help_block
    assert Person.objects.get().level == 1
    # Said once: the next visit to the profile is the profile.
    assert (
        'data-testid="identity-help"' not in page.get("/accounts/me/").content.decode()
    )


def test_the_api_says_the_same_in_its_message(api: Any) -> None:
    me = api.register(
        "Lukas Schneider",
        "C4J7KN2R9",
        "+49 1512 3456789",
        doc_type="passport",
        nationality="德国",
    )
    refused = me.post("/me/identity-verification")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "identity_mismatch"
    assert body["registry"] == "exit_entry"
    assert "政务服务中心窗口" in body["message"]


def test_an_unreachable_registry_is_said_to_be_the_registrys_fault(
    page: Client, standins: Any, settings: Any
) -> None:
    name, number, typed, _alpha3 = BRITISH
    _register_page(
        page,
        standins,
        name=name,
        doc_type="passport",
        doc_number=number,
        nationality=typed,
        phone="+44 7911 123456",
    )
    # Nothing listens on the discard port: the registry cannot be reached.
    settings.OUTSIDE_SYSTEMS = {
        **settings.OUTSIDE_SYSTEMS,
        "exit_entry": "http://127.0.0.1:9/exit_entry",
    }
    page.get("/accounts/me/")  # the welcome, said once
    page.post("/accounts/me/verify/")
    profile = page.get("/accounts/me/").content.decode()
    flashes = re.findall(r'data-testid="flash">(.*?)</div>', profile)
    assert len(flashes) == 1
    assert "暂时无法连接出入境管理信息库" in flashes[0]
    assert "不是您的信息有误" in flashes[0]
    assert 'data-testid="identity-help"' not in profile
    assert Person.objects.get().level == 1


# --- a passport holder is found by the passport alone --------------------------------


def test_a_passport_holder_replaces_a_lost_phone_without_restating_the_country(
    api: Any,
) -> None:
    name, number, typed, _alpha3 = BRITISH
    api.register(
        name, number, "+44 7911 123456", doc_type="passport", nationality=typed
    )
    page = Client()
    form = {
        "name": name,
        "doc_type": "passport",
        "doc_number": number,
        "password": PASSWORD,
        "new_phone": "+44 7400 123456",
    }
    sent = page.post("/accounts/phone/change/", {**form, "action": "send_code"})
    assert 'data-testid="code-sent"' in sent.content.decode()
    done = page.post(
        "/accounts/phone/change/",
        {
            **form,
            "action": "submit",
            "sms_code": api.standins.last_code("+447400123456"),
        },
    )
    assert done.status_code == 302, done.content.decode()[-3000:]
    assert Person.objects.get().phone_masked == "+44 74****3456"


def test_a_passport_holder_can_be_named_as_a_relatives_proxy(api: Any) -> None:
    name, number, typed, _alpha3 = GERMAN
    api.register(
        name, number, "+49 1512 3456789", doc_type="passport", nationality=typed
    )
    wife = api.register(
        "Sophie Schneider",
        "C7T2KP4M1",
        "+49 1512 3456780",
        doc_type="passport",
        nationality="Germany",
    )
    asked = wife.post(
        "/me/proxies",
        {
            "principal_name": name,
            "principal_doc_type": "passport",
            "principal_doc_number": number,
            "relation": "配偶",
            "valid_until": "2030-12-31",
        },
    )
    assert asked.status_code == 201, asked.json()


def test_asked_from_another_page_the_refusal_is_said_there(
    page: Client, standins: Any
) -> None:
    name, number, typed, _alpha3 = AMERICAN  # a real format, not in the registry
    _register_page(
        page,
        standins,
        name=name,
        doc_type="passport",
        doc_number=number,
        nationality=typed,
        phone="+1 415 555 0150",
    )
    page.get("/accounts/me/")  # the welcome, said once
    back = page.post("/accounts/me/verify/", {"next": "/accounts/me/data/"})
    assert back["Location"] == "/accounts/me/data/"
    there = page.get("/accounts/me/data/").content.decode()
    flash = re.findall(r'data-testid="flash">(.*?)</div>', there)
    assert len(flash) == 1 and "政务服务中心窗口" in flash[0]
    # … and the profile, visited later, shows no stale help.
    assert (
        'data-testid="identity-help"' not in page.get("/accounts/me/").content.decode()
    )
