"""Accounts in a real browser: a resident to L2, a company and its handler, foreigners
(a passport with the country typed by name, a permanent residence card that says its
own), the code button by the phone, the user agreement in both languages."""

import json
import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "Tongban-e2e-2026"


@pytest.fixture(autouse=True)
def _address_limit_counts_this_test_only(live_instance) -> None:
    """Every test's browser sends from 127.0.0.1, which may ask for five codes in ten
    minutes (accounts.services.limits): each test starts with that count at nought."""
    live_instance.tongban(
        "shell",
        "-c",
        "from tongban.ops.models import RateWindow;"
        "RateWindow.objects.filter(key__startswith='sms-codes:address:').delete()",
    )


def register(
    page: Page,
    live_instance,
    *,
    name: str,
    number: str,
    phone: str,
    phone_e164: str,
    doc_type: str = "resident_id",
    country: str = "",
    prefix: str = "",
) -> None:
    """Register through the page; `country` is typed by name, as a person does."""
    page.goto(f"{prefix}/accounts/register/")
    page.fill("#id_name", name)
    page.select_option("#id_doc_type", doc_type)
    page.fill("#id_doc_number", number)
    if country:
        page.locator("#id_nationality").press_sequentially(country)
    page.fill("#id_phone", phone)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("code-sent")).to_be_visible()
    page.fill("#id_sms_code", live_instance.sms_code(phone_e164))
    page.fill("#id_password", PASSWORD)
    page.check("#id_agree")
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("level")).to_have_text("L1")


def raise_to_l2(page: Page) -> None:
    page.get_by_test_id("verify-identity").click()
    expect(page.get_by_test_id("level")).to_have_text("L2")


def test_resident_registers_confirms_sms_and_reaches_l2(page: Page, live_instance):
    register(
        page,
        live_instance,
        # no demo account: the `demo` fixture may have loaded the demo people already
        name="林晓峰",
        number="44030519880315123x",  # typed with a small x, as people do
        phone="139 0000 7001",
        phone_e164="+8613900007001",
    )
    expect(page.get_by_test_id("doc-masked")).to_have_text("440305********123X")
    expect(page.get_by_test_id("phone-masked")).to_have_text("+86 139****7001")
    raise_to_l2(page)
    expect(page.get_by_text("人口库核验姓名与证件号")).to_be_visible()


def test_a_bad_id_number_is_refused_with_a_clear_message(page: Page):
    page.goto("/accounts/register/")
    page.fill("#id_name", "张伟")
    page.fill("#id_doc_number", "310115198506120318")
    page.fill("#id_phone", "13900007009")
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("校验")


def test_company_registered_by_its_representative_who_grants_a_handler(
    browser: Browser, live_instance
):
    def new_page() -> Page:
        context = browser.new_context(
            base_url=live_instance.urls["web"], locale="zh-CN"
        )
        context.set_default_timeout(15_000)
        return context.new_page()

    handler = new_page()
    register(
        handler,
        live_instance,
        name="刘洋",
        number="320102199207300611",
        phone="13900007002",
        phone_e164="+8613900007002",
    )
    representative = new_page()
    register(
        representative,
        live_instance,
        name="陈志强",
        number="310101197502140510",
        phone="13900007003",
        phone_e164="+8613900007003",
    )
    raise_to_l2(representative)
    representative.goto("/accounts/companies/")
    representative.fill("#id_uscc", "91310115MA1HK7Q24A")
    representative.get_by_test_id("register-company").click()
    expect(representative.get_by_test_id("company-name")).to_have_text(
        "上海通办示范科技有限公司"
    )
    representative.fill("#id_agent_name", "刘洋")
    representative.fill("#id_agent_doc_number", "320102199207300611")
    representative.fill("#id_valid_until", "2099-12-31")
    representative.get_by_test_id("grant").click()
    expect(representative.get_by_test_id("grants")).to_contain_text("刘洋")
    expect(representative.get_by_test_id("activity")).to_contain_text("授权了经办人")

    # The handler switches to acting for the company.
    handler.goto("/accounts/me/")
    handler.get_by_label(re.compile("上海通办示范科技有限公司")).check()
    handler.get_by_test_id("acting-switch").click()
    expect(handler.get_by_test_id("acting-badge")).to_contain_text(
        "上海通办示范科技有限公司"
    )
    handler.goto("/accounts/companies/")
    handler.get_by_test_id("companies").get_by_role(
        "link", name="上海通办示范科技有限公司"
    ).click()
    expect(handler.get_by_test_id("handler-scope")).to_contain_text("可办理全部事项")
    # The legal representative sees that the handler began acting for the company.
    representative.reload()
    expect(representative.get_by_test_id("activity")).to_contain_text("刘洋")
    for p in (handler, representative):
        p.context.close()


def test_foreigner_registers_in_english_with_passport_and_reaches_l2(
    page: Page, live_instance
):
    register(
        page,
        live_instance,
        name="John Smith",
        number="533380006",
        doc_type="passport",
        country="United Kingdom",
        phone="+44 7911 123456",
        phone_e164="+447911123456",
        prefix="/en",
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("phone-masked")).to_have_text("+44 79****3456")
    expect(page.get_by_test_id("nationality")).to_have_text("United Kingdom")
    raise_to_l2(page)
    expect(page.get_by_text("exit-entry", exact=False)).to_be_visible()


def test_nationality_is_asked_only_for_a_passport_as_a_country_name(
    page: Page, live_instance
):
    page.goto("/accounts/register/")
    nationality = page.locator("#id_nationality")
    # A resident ID card, the HMT documents and a permanent residence card: not asked.
    for doc_type in (
        "resident_id",
        "hmt_residence_permit",
        "hk_mo_travel_permit",
        "tw_travel_permit",
        "permanent_residence",
    ):
        page.select_option("#id_doc_type", doc_type)
        expect(nationality).to_be_hidden()
        expect(nationality).to_be_disabled()
    page.select_option("#id_doc_type", "passport")
    expect(nationality).to_be_visible()
    expect(page.get_by_label("国籍")).to_have_attribute(
        "list", "id_nationality_countries"
    )
    expect(
        page.locator('#id_nationality_countries option[value="美国"]')
    ).to_have_attribute("label", "United States of America")
    expect(
        page.locator('#id_nationality_countries option[value="中国"]')
    ).to_have_count(0)
    # A name that is no country is said under the field, in words.
    page.fill("#id_name", "Emily Davis")
    page.fill("#id_doc_number", "488839667")
    nationality.press_sequentially("Amerika")
    page.fill("#id_phone", "+1 415 555 0142")
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("field-error")).to_contain_text(
        "“Amerika”不是可识别的国家名称"
    )
    expect(nationality).to_be_visible()  # still a passport: the field stays


def test_an_american_registers_on_the_chinese_page_typing_the_country_in_chinese(
    page: Page, live_instance
):
    register(
        page,
        live_instance,
        name="Emily Davis",
        number="488839667",
        doc_type="passport",
        country="美国",
        phone="+1 415 555 0143",
        phone_e164="+14155550143",
    )
    expect(page.get_by_test_id("nationality")).to_have_text("美国")


def test_a_permanent_resident_is_not_asked_and_the_number_says_the_country(
    page: Page, live_instance
):
    register(
        page,
        live_instance,
        name="PARK JIWOO",
        number="911410198805150046",  # 2023 card: Beijing (11), Korea (410)
        doc_type="permanent_residence",
        phone="+82 10-3456-7890",
        phone_e164="+821034567890",
    )
    expect(page.get_by_test_id("nationality")).to_have_text("韩国")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_code_button_sits_by_the_phone_and_waits_before_resending(
    browser: Browser, live_instance, width: int
):
    context = browser.new_context(
        base_url=live_instance.urls["web"],
        locale="zh-CN",
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    page.goto("/accounts/register/")
    phone = page.locator("#id_phone")
    button = page.get_by_test_id("send-code")
    expect(page.get_by_test_id("phone-with-code")).to_contain_text("获取验证码")
    # One row: the button right of the phone field, at the same height.
    field_box, button_box = phone.bounding_box(), button.bounding_box()
    assert field_box and button_box
    assert abs(field_box["y"] - button_box["y"]) < 2
    assert button_box["x"] >= field_box["x"] + field_box["width"] - 1
    assert button_box["height"] >= 38
    page.fill("#id_name", "赵敏")
    page.fill("#id_doc_number", "440305199501011236")
    phone.fill({1366: "139 0000 7101", 390: "139 0000 7102"}[width])
    button.click()
    sent = page.get_by_test_id("code-sent")
    expect(sent).to_contain_text("验证码已发送至 +86 139****71")
    expect(sent).to_contain_text("10 分钟内有效")
    expect(sent).to_contain_text("60 秒后可重新获取")
    expect(button).to_be_disabled()
    expect(button).to_have_text(re.compile(r"重新获取（\d+ 秒）"))
    # Enter in the password field registers (the code is missing, or the document is
    # taken); it never asks for another code.
    page.fill("#id_password", PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_test_id("code-sent")).to_have_count(0)
    expect(
        page.locator(".invalid-feedback, [data-testid=form-error]").first
    ).not_to_contain_text("验证码已发送")
    e164 = {1366: "+8613900007101", 390: "+8613900007102"}[width]
    query = urllib.parse.urlencode({"to": e164})
    sent_to = f"{live_instance.urls['standins']}/sms/messages?{query}"
    with urllib.request.urlopen(sent_to, timeout=5) as answer:  # noqa: S310 — the stand-in
        assert len(json.loads(answer.read())) == 1
    context.close()


@pytest.mark.parametrize(
    ("prefix", "heading", "contents"),
    [
        ("", "通办用户服务协议", "四、代他人和企业办事"),
        ("/en", "Tongban terms of service", "Acting for others and for companies"),
    ],
)
def test_the_terms_page_opens_from_the_consent_in_both_languages(
    page: Page, live_instance, prefix: str, heading: str, contents: str
):
    page.goto(f"{prefix}/accounts/register/")
    with page.context.expect_page() as opened:
        page.locator('label[for="id_agree"] a[href$="/terms/"]').click()
    terms = opened.value
    terms.wait_for_load_state()
    expect(terms.get_by_role("heading", level=1)).to_have_text(heading)
    expect(terms.get_by_test_id("terms-version")).to_contain_text("2026-11")
    terms.get_by_role("link", name=contents).click()
    expect(terms.locator("#acting")).to_be_in_viewport()
    # The registration form is still there in the first tab, as it was.
    expect(page.get_by_test_id("register-form")).to_be_visible()
