"""Fixtures of the browser tests: one Chromium per test process, a fresh page per test."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.browser import chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as instance:
        yield instance


@pytest.fixture
def page(browser: Browser, live_instance) -> Iterator[Page]:
    context = browser.new_context(base_url=live_instance.urls["web"], locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
