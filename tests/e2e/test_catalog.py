"""Finding a service in a real browser: search, open the guide, switch district and language."""

import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect

from tongban.catalog.tests.small_catalog import PUDONG, SERVICES, write_catalog

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


def test_every_filter_lives_in_the_url_so_back_and_a_shared_link_work(
    page: Page, catalog_loaded
):
    page.goto("/services/?q=居住证")
    district, department = (
        page.locator("#filter-district"),
        page.locator("#filter-department"),
    )
    subject, mode = page.locator("#filter-subject"), page.locator("#filter-mode")
    channel, no_visit = (
        page.locator("#filter-channel"),
        page.locator("#filter-no-visit"),
    )
    district.select_option("310115")
    expect(page).to_have_url(re.compile(r"district=310115"))
    department.select_option(PUDONG)
    expect(page).to_have_url(re.compile(f"department={PUDONG}"))
    # One change at a time, as a person makes them (htmx keeps only the last of the
    # changes made while a search is on its way, so they make one step of history).
    subject.select_option("person")
    expect(page).to_have_url(re.compile(r"subject=person"))
    mode.select_option("standard")
    expect(page).to_have_url(re.compile(r"mode=standard"))
    channel.select_option("web")
    expect(page).to_have_url(re.compile(r"channel=web"))
    no_visit.check()
    expect(page).to_have_url(re.compile(r"no_visit=1"))
    shared = page.url
    for name, value in [
        ("q", "居住证"),
        ("district", "310115"),
        ("department", PUDONG),
        ("subject", "person"),
        ("mode", "standard"),
        ("channel", "web"),
        ("no_visit", "1"),
    ]:
        assert f"{name}={value}" in unquote(shared), name
    expect(page.locator("#results-title")).to_contain_text("1")
    # Back undoes one filter at a time: the address, the form and the results agree.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"no_visit=1"))
    expect(no_visit).not_to_be_checked()
    expect(channel).to_have_value("web")
    page.go_back()
    expect(channel).to_have_value("")
    expect(mode).to_have_value("standard")
    page.go_back()
    expect(mode).to_have_value("")
    expect(subject).to_have_value("person")
    page.go_back()
    expect(subject).to_have_value("")
    expect(department).to_have_value(PUDONG)
    page.go_back()
    expect(department).to_have_value("")
    expect(district).to_have_value("310115")
    expect(page.locator("#results-title")).to_contain_text("2")
    page.go_back()
    expect(district).to_have_value("")
    expect(page).to_have_url(re.compile(r"/services/\?q="))
    # Forward again, and a shared link opens the same search with every filter set.
    page.go_forward()
    expect(district).to_have_value("310115")
    other = page.context.new_page()
    other.goto(shared)
    for locator, value in [
        ("#filter-district", "310115"),
        ("#filter-department", PUDONG),
        ("#filter-subject", "person"),
        ("#filter-mode", "standard"),
        ("#filter-channel", "web"),
    ]:
        expect(other.locator(locator)).to_have_value(value)
    expect(other.locator("#filter-no-visit")).to_be_checked()
    expect(other.locator("#search-q")).to_have_value("居住证")
    expect(other.locator("#results-title")).to_contain_text("1")


def test_a_guide_on_a_phone_opens_with_its_contents_and_says_whom_to_call(
    page: Page, catalog_loaded
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/services/{SERVICES[1]['code']}/")
    contents = page.get_by_test_id("contents")
    expect(contents.get_by_role("link")).to_have_count(7)
    link = contents.get_by_role("link", name="办理地点和咨询")
    assert link.bounding_box()["height"] >= 44  # a tap target on a phone
    link.click()
    expect(page).to_have_url(re.compile(r"#contact$"))
    expect(page.locator("#contact")).to_be_in_viewport()
    expect(page.get_by_test_id("contact-demo")).to_have_text("示例数据，非真实信息")
    expect(page.get_by_test_id("contact-phone")).to_have_attribute(
        "href", "tel:021-12345678"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone


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
