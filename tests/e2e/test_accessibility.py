"""Every applicant page passes axe-core's WCAG 2.1 A and AA rules, in both languages, on a
desktop screen and on a phone.

axe is injected into the page, which the Content-Security-Policy forbids: it runs in a
second Chromium whose contexts bypass the policy (`axe_context`), made for this and nothing
else; the other browser tests keep the watched browser, which never bypasses it.
"""

import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.e2e.applicant import RESIDENCE_PERMIT, Applicant, applicant_prepare
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGUMENTS
from tests.e2e.test_calculator import fill_deadline
from tests.e2e.test_cases import (
    HANDLER,
    REP_CHANGE,
    _page,
    apply_for_the_office,
    person_login,
    staff_login,
)
from tests.e2e.test_phone import overflow

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

LANGUAGES = {"zh": ("", "zh-CN"), "en": ("/en", "en-GB")}
WIDTHS: dict[str, dict[str, Any]] = {
    "1366": {"viewport": {"width": 1366, "height": 900}},
    "390": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def _calculator_answer(page: Page) -> None:
    fill_deadline(page, "2026-09-24", "7")
    page.click("[data-testid=submit-add]")
    page.get_by_test_id("result").wait_for()


def _apply_with_errors(page: Page) -> None:
    page.get_by_test_id(
        "save-draft"
    ).click()  # nothing filled in: stopped in the browser
    page.locator("#id_residence_address_error").wait_for()


@dataclass(frozen=True)
class ApplicantPage:
    """A page as the applicant reaches it: its path (`{draft}` and `{submitted}` stand for
    the applicant's cases), whether signed in, and what they do there before it is checked."""

    name: str
    path: str
    signed_in: bool = False
    then: Callable[[Page], None] | None = None


PAGES = [
    ApplicantPage("home", "/"),
    ApplicantPage("search", "/services/?q=居住证"),
    ApplicantPage("guide", f"/services/{RESIDENCE_PERMIT}/"),
    ApplicantPage("register", "/accounts/register/"),
    ApplicantPage("login", "/accounts/login/"),
    ApplicantPage("calculator", "/workdays/"),
    ApplicantPage("calculator answer", "/workdays/", then=_calculator_answer),
    ApplicantPage("apply", f"/apply/{RESIDENCE_PERMIT}/", signed_in=True),
    ApplicantPage(
        "apply, errors", f"/apply/{RESIDENCE_PERMIT}/", True, then=_apply_with_errors
    ),
    ApplicantPage("apply, not for a person", f"/apply/{REP_CHANGE}/", signed_in=True),
    ApplicantPage("my cases", "/cases/", signed_in=True),
    ApplicantPage("check answers", "/cases/{draft}/check/", signed_in=True),
    ApplicantPage("case, draft", "/cases/{draft}/", signed_in=True),
    ApplicantPage("case, submitted", "/cases/{submitted}/", signed_in=True),
]


@pytest.fixture(scope="module")
def applicant(browser: Browser, live_instance: Any) -> Applicant:
    return applicant_prepare(browser, live_instance)


@pytest.fixture(scope="module")
def axe_browser(browser: Browser) -> Iterator[Browser]:
    """A second Chromium of the same Playwright, only for contexts that bypass the CSP."""
    instance = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGUMENTS
    )
    yield instance
    instance.close()


@pytest.fixture
def axe_context(axe_browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """New contexts that bypass the Content-Security-Policy, so that axe can be injected."""
    contexts: list[BrowserContext] = []

    def new_context(**options: Any) -> BrowserContext:
        context = axe_browser.new_context(bypass_csp=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return list(
        page.evaluate(
            """async (tags) => {
              const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
              });
              return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({
                  target: n.target.join(" "),
                  summary: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim(),
                })),
              }));
            }""",
            TAGS,
        )
    )


def violations_described(where: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(
            f"{where}: {violation['id']} [{violation['impact']}] {violation['help']}"
        )
        lines += [f"    {n['target']} — {n['summary']}" for n in violation["nodes"]]
    return lines


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_applicant_page_passes_axe(
    axe_context: Callable[..., BrowserContext],
    live_instance: Any,
    applicant: Applicant,
    language: str,
    width: str,
) -> None:
    prefix, locale = LANGUAGES[language]
    context = axe_context(
        base_url=live_instance.urls["web"], locale=locale, **WIDTHS[width]
    )
    page = context.new_page()
    found: list[str] = []
    signed_in = False
    for spec in sorted(PAGES, key=lambda spec: spec.signed_in):
        if spec.signed_in and not signed_in:
            context.add_cookies(applicant.storage_state["cookies"])
            signed_in = True
        path = prefix + spec.path.format(
            draft=applicant.draft, submitted=applicant.submitted
        )
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response}"
        arrived = urllib.parse.unquote(page.url)
        assert arrived == live_instance.urls["web"] + path, (
            arrived
        )  # not sent to log in
        if spec.then is not None:
            spec.then(page)
        where = f"{spec.name} ({language}, {width} px) {path}"
        found += violations_described(where, axe_violations(page))
    assert not found, "axe-core found:\n" + "\n".join(found)


# The staff pages, each by its path (`{case}`: a case of the department, received) and
# whether it needs the staff member signed in: the department head, whose roles open all.
STAFF_PAGES = [
    ("staff login", "/accounts/staff/login/", False),
    ("counter", "/accounts/staff/", True),
    ("counter, new person", "/accounts/staff/persons/new/", True),
    ("queue", "/workbench/", True),
    ("staff case", "/workbench/{case}/", True),
    ("supervision", "/supervision/", True),
]


def test_every_staff_page_passes_axe(
    browser: Browser, axe_context: Callable[..., BrowserContext], demo: Any
) -> None:
    handler = _page(browser, demo)
    person_login(handler, HANDLER)
    number = apply_for_the_office(handler)
    handler.context.close()
    staff = _page(browser, demo)
    staff_login(staff, demo, "sh-amr-head")
    cookies = staff.context.storage_state()["cookies"]
    staff.context.close()

    found: list[str] = []
    for language, (prefix, locale) in LANGUAGES.items():
        for width, options in WIDTHS.items():
            context = axe_context(base_url=demo.urls["web"], locale=locale, **options)
            page = context.new_page()
            signed_in = False
            for name, path, needs_staff in STAFF_PAGES:
                if needs_staff and not signed_in:
                    context.add_cookies(cookies)
                    signed_in = True
                address = prefix + path.format(case=number)
                response = page.goto(address)
                assert response is not None and response.ok, f"{address}: {response}"
                arrived = urllib.parse.unquote(page.url)
                assert arrived == demo.urls["web"] + address, arrived
                where = f"{name} ({language}, {width} px) {address}"
                found += violations_described(where, axe_violations(page))
                wider = overflow(page)
                if wider:  # a phone scrolls nothing sideways but a table of its own
                    found.append(
                        f"{where}: the page is {wider} px wider than the screen"
                    )
            context.close()
    assert not found, "axe-core found:\n" + "\n".join(found)
