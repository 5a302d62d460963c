"""The time-limit calculator in a real browser: by mouse, by keyboard, on a phone, in English."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def fill_deadline(page: Page, date: str, days: str, region: str = "") -> None:
    page.fill("#id_add-date", date)
    page.fill("#id_add-days", days)
    page.fill("#id_add-region", region)


def test_a_deadline_computed_from_the_home_page_without_reloading(page: Page):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("一网通办")
    page.get_by_role("link", name="办事时限计算器").click()
    expect(page.locator("h1")).to_have_text("时限计算")
    page.evaluate("window.notReloaded = true")
    fill_deadline(page, "2020-01-23", "1")
    page.click("[data-testid=submit-add]")
    expect(page.get_by_test_id("result")).to_contain_text("2020-02-03")
    expect(page.get_by_test_id("result")).to_contain_text("星期一")
    # HTMX swapped the answer in: the page itself was not reloaded.
    assert page.evaluate("window.notReloaded") is True


def test_calendar_day_limit_ending_on_national_day_moves_to_the_next_working_day(
    page: Page,
):
    page.goto("/workdays/")
    fill_deadline(page, "2026-09-24", "7")
    page.select_option("#id_add-unit", "calendar_days")
    page.click("[data-testid=submit-add]")
    expect(page.get_by_test_id("result")).to_contain_text("2026-10-08")


def test_keyboard_only(page: Page):
    page.goto("/workdays/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.focus("#id_add-date")
    page.fill("#id_add-date", "2020-02-10")
    # Fields follow in reading order, and Enter submits. Tab first walks the parts of the
    # date field itself (year, month, day), however many the browser shows.
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") != "id_add-date":
            break
    expect(page.locator("#id_add-days")).to_be_focused()
    page.keyboard.type("15")
    page.keyboard.press("Tab")
    expect(page.locator("#id_add-unit")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_add-region")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("result")).to_contain_text("2020-03-02")
    expect(page.get_by_test_id("answer")).to_be_focused()


def test_unknown_region_is_summarised_and_said_next_to_the_field(page: Page):
    page.goto("/workdays/")
    fill_deadline(page, "2026-03-02", "5", region="999999")
    page.click("[data-testid=submit-add]")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("999999")
    link = summary.locator("a[href='#id_add-region']")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#id_add-region")).to_be_focused()
    # The message also stands next to the field, linked for screen readers.
    expect(page.locator("#id_add-region_error")).to_contain_text("999999")


def test_a_year_without_calendar_data_is_never_a_deadline_only_its_earliest_day(
    page: Page,
):
    page.goto("/workdays/")
    fill_deadline(page, "2028-03-01", "5")
    page.click("[data-testid=submit-add]")
    expect(page.get_by_test_id("result")).to_have_text(
        "期限待国务院公布 2028 年节假日安排后确定"
    )
    expect(page.get_by_test_id("earliest")).to_have_text("2028-03-08")
    # A year before the calendar will never be published: reported, not guessed.
    fill_deadline(page, "1999-03-01", "5")
    page.click("[data-testid=submit-add]")
    expect(page.locator(".error-summary")).to_contain_text("1999")
    expect(page.get_by_test_id("answer")).to_have_count(0)


def test_a_regional_adjustment_shows_for_a_district(page: Page, live_instance):
    live_instance.tongban("demo_data")
    page.goto("/workdays/")
    page.fill("#id_day-date", "2026-04-20")
    page.fill("#id_day-region", "450100")
    page.click("[data-testid=submit-day]")
    answer = page.get_by_test_id("answer")
    expect(answer).to_contain_text("休息日")
    expect(answer).to_contain_text("壮族三月三")
    expect(answer).to_contain_text("450100")
    page.fill("#id_day-region", "")
    page.click("[data-testid=submit-day]")
    expect(page.get_by_test_id("answer")).to_contain_text("工作日")


def test_english_calculator(page: Page):
    page.goto("/en/workdays/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Time limits")
    fill_deadline(page, "2020-02-10", "15")
    page.click("[data-testid=submit-add]")
    expect(page.get_by_test_id("result")).to_contain_text("2020-03-02")
    expect(page.get_by_test_id("answer")).to_contain_text("15 working days")
    page.get_by_role("link", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_on_a_phone_nothing_scrolls_sideways(browser, live_instance):
    context = browser.new_context(
        base_url=live_instance.urls["web"],
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        for path in ["/", "/workdays/", "/en/"]:
            page.goto(path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide"
        page.goto("/workdays/")
        fill_deadline(page, "2026-02-13", "1")
        page.tap("[data-testid=submit-add]")
        expect(page.get_by_test_id("result")).to_contain_text("2026-02-14")
    finally:
        context.close()


def test_administrator_adds_next_year_and_the_warning_goes(page: Page, live_instance):
    live_instance.tongban("demo_data")
    live_instance.tongban("clock", "set", "2026-11-28T10:00:00+08:00")
    try:
        page.goto("/admin/login/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "demo-password")
        page.click("input[type=submit]")
        expect(page.get_by_role("alert")).to_contain_text("2027 年的节假日安排尚未录入")
        page.goto("/admin/workdays/calendaryear/add/")
        page.fill("#id_year", "2027")
        page.fill(
            "#id_source", "国务院办公厅关于2027年部分节假日安排的通知（浏览器测试）"
        )
        page.fill(
            "#id_days",
            "2027-01-01 休 元旦\n2027-02-06~2027-02-12 休 春节\n2027-02-14 班 春节",
        )
        page.click("input[name=_save]")
        expect(page.locator(".messagelist")).to_contain_text("2027")
        page.goto("/admin/")
        expect(page.locator("body")).not_to_contain_text("2027 年的节假日安排尚未录入")
        page.goto("/workdays/")
        fill_deadline(page, "2027-02-05", "1")
        page.click("[data-testid=submit-add]")
        expect(page.get_by_test_id("result")).to_contain_text("2027-02-14")
    finally:
        live_instance.tongban("clock", "reset")
