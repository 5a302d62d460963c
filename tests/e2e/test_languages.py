"""Every person in their language, in a real browser with the real processes: a passport
holder registering on the Chinese page gets the code in English and the profile says
English; when a handler applies for the office, its English-preferring representative
gets the SMS in English (delivered by the worker through the SMS stand-in) and the
Chinese-preferring handler in Chinese."""

import json
import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_accounts import register
from tests.e2e.test_cases import HANDLER, _page, apply_for_the_office, person_login

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
SMITH_PHONE = "+447911123456"  # John Smith, the office's representative in the demo
CHAN_PHONE = "+85291234567"  # 陈美玲, its handler


def _sms(live_instance, phone: str) -> list[str]:
    query = urllib.parse.urlencode({"to": phone})
    url = f"{live_instance.urls['standins']}/sms/messages?{query}"
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — http, ours
        return [m["text"] for m in json.loads(response.read())]


@pytest.fixture(autouse=True)
def _address_limit_counts_this_test_only(live_instance) -> None:
    live_instance.tongban(
        "shell",
        "-c",
        "from tongban.ops.models import RateWindow;"
        "RateWindow.objects.filter(key__startswith='sms-codes:address:').delete()",
    )


def test_a_passport_holder_on_the_chinese_page_is_written_to_in_english(
    page: Page, live_instance
) -> None:
    register(
        page,
        live_instance,
        name="Lukas Schneider",
        number="C4J7KN2R9",
        doc_type="passport",
        country="德国",
        phone="+49 1512 3456789",
        phone_e164="+4915123456789",
    )
    code_sms = _sms(live_instance, "+4915123456789")[-1]
    assert "verification code" in code_sms
    assert not CJK.search(code_sms), code_sms
    expect(page.locator("html")).to_have_attribute(
        "lang", "zh-CN"
    )  # the page is Chinese
    expect(page.locator("#id_language")).to_have_value("en")
    page.select_option("#id_language", "zh-hans")
    page.get_by_test_id("language-save").click()
    expect(page.get_by_test_id("flash")).to_be_visible()
    expect(page.locator("#id_language")).to_have_value("zh-hans")


def test_the_representative_hears_of_the_application_in_english(
    browser: Browser, demo
) -> None:
    before = len(_sms(demo, SMITH_PHONE))
    handler = _page(browser, demo)
    person_login(handler, HANDLER)
    number = apply_for_the_office(handler)  # on the Chinese pages
    to_smith = demo.wait_for(
        lambda: [t for t in _sms(demo, SMITH_PHONE)[before:] if number in t],
        what="the representative's SMS",
    )[-1]
    to_chan = demo.wait_for(
        lambda: [t for t in _sms(demo, CHAN_PHONE) if number in t],
        what="the handler's SMS",
    )[-1]
    assert "received" in to_smith
    assert "representative office" in to_smith  # the service by its English name
    assert "申请已收到" not in to_smith
    assert to_chan.startswith("【通办】您的")
    assert not CJK.search(to_smith), to_smith  # the signature too, once translated
