"""Accounts in a real browser: a resident to L2, a company and its handler, a foreigner."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "Tongban-e2e-2026"


def register(
    page: Page,
    live_instance,
    *,
    name: str,
    number: str,
    phone: str,
    phone_e164: str,
    doc_type: str = "resident_id",
    nationality: str = "",
    prefix: str = "",
) -> None:
    page.goto(f"{prefix}/accounts/register/")
    page.fill("#id_name", name)
    page.select_option("#id_doc_type", doc_type)
    page.fill("#id_doc_number", number)
    if nationality:
        page.fill("#id_nationality", nationality)
    page.fill("#id_phone", phone)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("flash")).to_be_visible()
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
        name="赵敏",
        number="440305199501011236",
        phone="139 0000 7001",
        phone_e164="+8613900007001",
    )
    expect(page.get_by_test_id("doc-masked")).to_have_text("440305********1236")
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
        nationality="GBR",
        phone="+44 7911 123456",
        phone_e164="+447911123456",
        prefix="/en",
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("phone-masked")).to_have_text("+44 79****3456")
    raise_to_l2(page)
    expect(page.get_by_text("exit-entry", exact=False)).to_be_visible()
