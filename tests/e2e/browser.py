"""Playwright driving Debian's Chromium, shared by the browser tests and the screenshots."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Background networking off: the machine's network is closed, and Chromium's own calls
# home would only fail and slow the start.
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGUMENTS
        )
        try:
            yield browser
        finally:
            browser.close()


class CspWatchedBrowser:
    """The browser, every context of which records the Content-Security-Policy violations
    Chromium reports (contexts never bypass the policy: `bypass_csp` is not used)."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser
        self.violations: list[str] = []

    def new_context(self, **options: Any) -> BrowserContext:
        context = self._browser.new_context(**options)
        context.on("console", self._console)
        return context

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.location.get('url')}: {message.text}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)
