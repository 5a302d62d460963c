"""The main pages under the platform's Content-Security-Policy, in a context that does not
bypass it: nothing is refused (every browser test checks this at its end, see conftest),
and a violation, when there is one, is seen."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_cases import HANDLER, _page, person_login, staff_login

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_and_seen(
    browser: Browser,
    demo,
) -> None:
    page = _page(browser, demo)
    page.goto("/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        " '<img src=x onerror=\"document.title=1\">')"
    )
    page.wait_for_timeout(300)
    assert page.title() != "1"  # the handler never ran
    assert any("script-src" in seen for seen in browser.violations)
    browser.violations.clear()  # provoked on purpose: not a failure of the pages


def test_the_main_pages_load_with_no_violation(
    browser: Browser,
    demo,
) -> None:
    anonymous = _page(browser, demo)
    for path in (
        "/",
        "/services/?q=居住证",
        "/departments/",
        "/workdays/",
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/staff/login/",
        "/en/services/?q=work%20permit",
        "/api/v1/docs",  # Swagger UI, served by ninja from its own static files
        "/admin/login/",
    ):
        answer = anonymous.goto(path)
        assert answer is not None and answer.status < 400, path
        assert "script-src 'self'" in answer.headers["content-security-policy"]
    anonymous.goto("/services/?q=居住证")
    anonymous.get_by_role("link", name="居住证新办").first.click()
    expect(anonymous.locator("#materials")).to_be_visible()

    person = _page(browser, demo)
    person_login(person, HANDLER)
    for path in ("/accounts/me/", "/cases/", "/accounts/me/proxies/"):
        answer = person.goto(path)
        assert answer is not None and answer.status == 200, path

    staff = _page(browser, demo)
    staff_login(staff, demo, "sh-amr-head")
    for path in ("/workbench/", "/supervision/"):
        answer = staff.goto(path)
        assert answer is not None and answer.status == 200, path
