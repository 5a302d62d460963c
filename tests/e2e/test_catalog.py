"""Finding a service in a real browser: search, open the guide, switch district and language."""

import re

import pytest
from playwright.sync_api import Page, expect

from tongban.catalog.tests.small_catalog import SERVICES, write_catalog

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def catalog_loaded(live_instance, tmp_path_factory):
    root = write_catalog(tmp_path_factory.mktemp("catalog"))
    live_instance.tongban("catalog", "load", str(root))


def test_search_open_guide_switch_district_and_language(page: Page, catalog_loaded):
    page.goto("/")
    page.fill("#home-q", "居住证")
    page.keyboard.press("Enter")
    expect(page.locator("#results-title")).to_contain_text("2")
    page.get_by_role("link", name="居住证新办").first.click()
    expect(page.locator("h1")).to_have_text("居住证新办")
    expect(page.locator("#materials")).to_be_visible()
    expect(page.get_by_text("免交")).to_be_visible()
    # Switch to the Pudong implementation of the same item.
    page.get_by_role("link", name="浦东新区", exact=True).click()
    expect(page).to_have_url(
        re.compile(re.escape(f"/services/{SERVICES[1]['code']}/") + "$")
    )
    expect(page.locator(".district-switch [aria-current=page]")).to_have_text(
        "浦东新区"
    )
    # Same page in English.
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#materials")).to_have_text("Materials")


def test_filters_apply_as_they_change_and_nonsense_offers_popular_services(
    page: Page, catalog_loaded
):
    page.goto("/services/?q=居住证")
    page.select_option("#filter-district", "310115")
    expect(page).to_have_url(re.compile(r"district=310115"))
    expect(page.locator("#results-title")).to_contain_text("2")
    page.goto("/services/?q=qxzvw")
    expect(page.locator("#results-title")).to_contain_text("qxzvw")
    expect(page.get_by_test_id("popular")).to_be_visible()


def test_large_text_mode(page: Page, catalog_loaded):
    page.goto("/services/")
    before = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    page.get_by_test_id("large-text").click()
    expect(page.locator("html")).to_have_class("large-text")
    after = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    assert after == before * 1.25
    page.get_by_test_id("large-text").click()
    expect(page.locator("html")).not_to_have_class("large-text")
