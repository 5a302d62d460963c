"""Fixtures of the browser tests: one Chromium per test process, a fresh page per test;
no test may end with a Content-Security-Policy violation in any of its pages."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.browser import CspWatchedBrowser, chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as instance:
        yield CspWatchedBrowser(instance)  # type: ignore[misc]  # a Browser, watched


@pytest.fixture(autouse=True)
def _no_csp_violation(request: pytest.FixtureRequest) -> Iterator[None]:
    if "browser" not in request.fixturenames:
        yield
        return
    watched = request.getfixturevalue("browser")
    watched.violations.clear()
    yield
    assert watched.violations == [], "\n".join(watched.violations)


@pytest.fixture
def page(browser: Browser, live_instance) -> Iterator[Page]:
    context = browser.new_context(base_url=live_instance.urls["web"], locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def demo(live_instance):
    """The catalogue and the demo accounts, once per module. Registration services ask for
    L3 (remote face verification), which arrives with the e-signature issue; until then
    the handler 陈美玲 is raised to L3 as that step would."""
    live_instance.tongban("catalog", "load")
    live_instance.tongban("demo_data")
    live_instance.tongban(
        "shell",
        "-c",
        "from tongban.accounts.models import Person;"
        "Person.objects.filter(name='陈美玲').update(level=3)",
    )
    return live_instance
