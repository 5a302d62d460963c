"""The application form in a real browser: a field is checked as it is filled in, with the
page's own words under it, and the form is not sent while a field is wrong."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_cases import HANDLER, OFFICE, REP_CHANGE, person_login

pytestmark = pytest.mark.browser


def test_a_half_typed_date_is_pointed_out_before_the_form_is_sent(
    page: Page, demo
) -> None:
    person_login(page, HANDLER)
    page.goto("/accounts/me/")
    page.get_by_label(re.compile(OFFICE)).check()
    page.get_by_test_id("acting-switch").click()
    page.goto(f"/apply/{REP_CHANGE}/")
    date = page.locator("#id_appointment_date")
    date.focus()
    page.keyboard.type("1")  # one part of the date only: the browser holds no date yet
    date.blur()
    message = page.locator("#id_appointment_date_error")
    expect(message).to_have_text("请按“年-月-日”填写有效的日期。")
    expect(date).to_have_class(re.compile("is-invalid"))
    expect(date).to_have_attribute(
        "aria-describedby", re.compile("id_appointment_date_error")
    )

    page.get_by_test_id("save-draft").click()  # stopped here, at the first wrong field
    expect(page.locator("#id_office_name_error")).to_have_text("请填写此项。")
    expect(page.locator("#id_office_name")).to_be_focused()
    assert "/apply/" in page.url

    date.fill("2026-11-20")  # put right, the message goes as it is typed
    expect(message).to_have_count(0)
