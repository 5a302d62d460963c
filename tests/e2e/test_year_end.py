"""December 2026, with 2027's holidays not yet published: a case whose deadline runs into
2027 and the calculator both say when it will be fixed and its earliest day — never an
administrator's message."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_cases import HANDLER, _page, apply_for_the_office, person_login

pytestmark = pytest.mark.browser


def test_a_deadline_into_2027_on_the_case_page_and_in_the_calculator(
    browser: Browser, demo
) -> None:
    demo.tongban("clock", "set", "2026-12-28T10:00:00+08:00")
    try:
        handler = _page(browser, demo)
        person_login(handler, HANDLER)
        number = apply_for_the_office(handler)
        # Five working days to decide on acceptance: 29–31 December, 1 and 4 January.
        due = handler.get_by_test_id("correction-due")
        expect(due).to_have_text(
            "期限待国务院公布 2027 年节假日安排后确定，最早 2027-01-04"
        )
        expect(handler.get_by_test_id("next-steps")).to_contain_text(
            "决定的期限待国务院公布 2027 年节假日安排后确定，最早 2027-01-04"
        )
        handler.goto(f"/en/cases/{number}/")
        expect(handler.get_by_test_id("correction-due")).to_contain_text("2027-01-04")
        expect(handler.locator("main")).not_to_contain_text("管理员")

        handler.goto("/workdays/")
        handler.fill("#id_add-date", "2026-12-20")
        handler.fill("#id_add-days", "20")
        handler.click("[data-testid=submit-add]")
        expect(handler.get_by_test_id("result")).to_have_text(
            "期限待国务院公布 2027 年节假日安排后确定"
        )
        expect(handler.get_by_test_id("earliest")).to_have_text("2027-01-15")
        expect(handler.locator(".error-summary")).to_have_count(0)
        handler.context.close()
    finally:
        demo.tongban("clock", "reset")
