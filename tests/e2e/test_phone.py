"""On a phone 390 px wide: my cases and the case page fit the screen, tables are cards whose
values have room for at least three characters, controls are 44 px tall, and large text is
one tap away and enlarges the header, badges and labels alike."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.applicant import Applicant, applicant_prepare

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LARGE_TEXT = 1.25  # html.large-text in tongban.css


@pytest.fixture(scope="module")
def applicant(browser: Browser, live_instance: Any) -> Applicant:
    return applicant_prepare(browser, live_instance)


@pytest.fixture
def phone(browser: Browser, live_instance: Any, applicant: Applicant) -> Iterator[Page]:
    """A phone, signed in as the applicant."""
    context = browser.new_context(
        base_url=live_instance.urls["web"],
        locale="zh-CN",
        storage_state=applicant.storage_state,
        **PHONE,
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0: nothing scrolls sideways)."""
    return int(
        page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    )


def narrow_cells(page: Page, table: str) -> list[str]:
    """The cells of a table whose room for a value (or for a card's label) is under three
    characters of their own font size."""
    return list(
        page.evaluate(
            """(table) => {
              const found = [];
              for (const cell of document.querySelectorAll(`${table} td`)) {
                const style = getComputedStyle(cell);
                const em = parseFloat(style.fontSize);
                const tracks = style.display === "grid"
                  ? style.gridTemplateColumns.split(" ").map(parseFloat)
                  : [cell.clientWidth - parseFloat(style.paddingLeft)
                       - parseFloat(style.paddingRight)];
                for (const width of tracks) {
                  if (width < 3 * em) {
                    found.push(`${cell.innerText.trim().slice(0, 40)}: ${width}px < 3 × ${em}px`);
                  }
                }
              }
              return found;
            }""",
            table,
        )
    )


def small_targets(page: Page) -> list[str]:
    """Visible controls under 44 px tall: the header's, the footer's links, the buttons and
    form fields of the page, and the links that stand alone in its lists and tables."""
    return list(
        page.evaluate(
            """() => {
              const selector = [
                "header a", "header button", "footer a", "main .btn", "main .form-control",
                "main .form-select", "main .form-check-label", "main li > a", "main td > a",
              ].join(", ");
              const found = [];
              for (const element of document.querySelectorAll(selector)) {
                const box = element.getBoundingClientRect();
                if (box.width === 0 || element.closest(".visually-hidden-focusable")) continue;
                // a link within a sentence is not a target of its own (WCAG 2.5.5's inline)
                const holder = element.parentElement;
                if (["LI", "TD"].includes(holder.tagName)
                    && holder.innerText.trim() !== element.innerText.trim()
                    && !holder.closest(".list-unstyled")) continue;
                if (box.height < 43.5) {
                  found.push(`${element.tagName.toLowerCase()} "${element.innerText.trim().slice(0, 30)}": ${box.height.toFixed(1)}px`);
                }
              }
              return found;
            }"""
        )
    )


def one_character_lines(page: Page) -> list[str]:
    """Elements of the page whose text runs about one character to a line: a box under 2.5
    characters wide holding a text of several, over several lines."""
    return list(
        page.evaluate(
            """() => {
              const found = [];
              for (const element of document.querySelectorAll("main *, header *, footer *")) {
                const own = [...element.childNodes]
                  .filter((n) => n.nodeType === Node.TEXT_NODE)
                  .map((n) => n.textContent.trim()).join("");
                if ([...own].length < 3) continue;
                // a stacked table's header row is there for screen readers only
                if (element.closest(".table-stack thead, .guide .table thead, .visually-hidden")) continue;
                const style = getComputedStyle(element);
                const em = parseFloat(style.fontSize);
                const box = element.getBoundingClientRect();
                if (box.width === 0) continue;
                if (box.width < 2.5 * em && box.height > 2.5 * em) {
                  found.push(`${element.tagName.toLowerCase()} "${own.slice(0, 20)}": ${box.width.toFixed(0)}px wide`);
                }
              }
              return found;
            }"""
        )
    )


def large_text_on(page: Page, live_instance: Any) -> None:
    page.context.add_cookies(
        [{"name": "tongban_large_text", "value": "1", "url": live_instance.urls["web"]}]
    )


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_applicant_page_has_room_and_tap_targets_on_a_phone(
    phone: Page, live_instance: Any, applicant: Applicant, prefix: str, large: bool
) -> None:
    from tests.e2e.test_accessibility import PAGES

    if large:
        large_text_on(phone, live_instance)
    problems: list[str] = []
    for spec in PAGES:
        path = prefix + spec.path.format(
            draft=applicant.draft, submitted=applicant.submitted
        )
        phone.goto(path)
        if overflow(phone) > 0:
            problems.append(f"{path}: {overflow(phone)}px too wide")
        problems += [f"{path}: {found}" for found in one_character_lines(phone)]
        problems += [f"{path}: {found}" for found in small_targets(phone)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_my_cases_are_cards_that_fit_a_phone(phone: Page, prefix: str) -> None:
    phone.goto(f"{prefix}/cases/")
    table = "[data-testid=my-cases]"
    expect(phone.locator(f"{table} a.case-number").first).to_be_visible()
    assert phone.locator(f"{table} tbody tr").count() >= 2  # a draft, a submitted
    assert overflow(phone) <= 0, f"{prefix}/cases/ is {overflow(phone)}px too wide"
    # a card, not a row of columns: one cell under another
    cells = phone.locator(f"{table} tbody tr").first.locator("td")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert first and second and second["y"] >= first["y"] + first["height"] - 1
    assert narrow_cells(phone, table) == []
    assert small_targets(phone) == []


def test_large_text_is_one_tap_away_and_enlarges_everything(phone: Page) -> None:
    phone.goto("/services/?q=居住证")
    toggle = phone.get_by_test_id("large-text")
    expect(toggle).to_be_visible()  # without opening the menu
    expect(phone.locator("#nav")).not_to_be_visible()
    parts = {
        "header": ".site-header .navbar-brand",
        "badge": "main .badge",
        "label": "main label",
        "small text": "main .small",
    }

    def sizes() -> dict[str, float]:
        return {
            name: float(
                phone.locator(selector).first.evaluate(
                    "(e) => parseFloat(getComputedStyle(e).fontSize)"
                )
            )
            for name, selector in parts.items()
        }

    before = sizes()
    toggle.tap()
    expect(phone.locator("html")).to_have_class("large-text")
    after = sizes()
    for name in parts:
        assert after[name] == pytest.approx(before[name] * LARGE_TEXT, abs=0.3), (
            f"{name}: {before[name]}px → {after[name]}px"
        )
    assert overflow(phone) <= 0
    expect(phone.get_by_test_id("large-text")).to_have_text("标准字号")
    assert small_targets(phone) == []


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large-text"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_case_page_fits_a_phone(
    phone: Page, live_instance: Any, applicant: Applicant, prefix: str, large: bool
) -> None:
    if large:
        large_text_on(phone, live_instance)
    for number in (applicant.draft, applicant.submitted):
        phone.goto(f"{prefix}/cases/{number}/")
        expect(phone.get_by_test_id("case-number")).to_have_text(number)
        assert overflow(phone) <= 0, f"case {number} is {overflow(phone)}px too wide"
        assert small_targets(phone) == [], number
