"""An applicant with cases, for the browser tests that look at every applicant page: 孙丽, from
Chengdu, living in Shanghai, verified at L2, with a draft and a submitted application for a
Shanghai residence permit (居住证新办, a person service at L2).

She is made alone, not with the demo accounts (`tongban demo_data`): test_accounts registers
several demo people itself, and this module's tests may run before it on the same instance."""

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_cases import case_submit, materials_upload, person_login

PERSON = "510104199003150023"  # 孙丽, 成都市锦江区
# The demo accounts' own maker: an account with the demo password, phone and consent, at L2.
PERSON_CREATE = (
    "from tongban.accounts.demo import _person;"
    "_person('孙丽', 'resident_id', '510104199003150023', 'CHN', '+8613800000021', 2)"
)
RESIDENCE_PERMIT = "000101021000-310000000000-000-11310000002419825J-1-00"


@dataclass
class Applicant:
    """A signed-in session (Playwright's storage state) and the numbers of its cases."""

    storage_state: Any
    draft: str
    submitted: str


def residence_permit_draft(page: Page) -> str:
    """Fill in the residence-permit application and save it; the draft's number."""
    page.goto(f"/apply/{RESIDENCE_PERMIT}/")
    page.fill("#id_residence_address", "上海市浦东新区张杨路1500号2号楼1203室")
    page.fill("#id_residence_start_date", "2025-05-06")
    page.select_option("#id_housing_type", "租赁住房")
    page.select_option("#id_qualifying_basis", "合法稳定就业")
    page.fill("#id_employer_name", "上海浦东发展银行股份有限公司")
    page.select_option("#id_delivery_method", "受理点领取")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("case-status")).to_have_text("草稿")
    return page.get_by_test_id("case-number").inner_text()


def applicant_prepare(browser: Browser, live_instance: Any) -> Applicant:
    """Load the catalogue, make 孙丽 and sign her in, and make her two cases."""
    live_instance.tongban("catalog", "load")
    live_instance.tongban("shell", "-c", PERSON_CREATE)
    context = browser.new_context(base_url=live_instance.urls["web"], locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        person_login(page, PERSON)
        residence_permit_draft(page)
        materials_upload(page)
        submitted = case_submit(page)  # a submitted case has its number now
        draft = residence_permit_draft(page)
        return Applicant(context.storage_state(), draft=draft, submitted=submitted)
    finally:
        context.close()
