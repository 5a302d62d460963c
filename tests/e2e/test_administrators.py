"""The three administrators (三员分立) in a real browser: the auditor reads and verifies the
audit log and is refused the workbench; the security administrator meets the rule on roles."""

import time

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(live_instance):
    live_instance.tongban("catalog", "load")
    live_instance.tongban("demo_data")
    return live_instance


def staff_page(browser: Browser, live_instance, username: str, **options) -> Page:
    """A demo staff member signed in; a code already used in this 30-second step waits
    for the next one, as a person would."""
    context = browser.new_context(
        base_url=live_instance.urls["web"], locale="zh-CN", **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    for _attempt in range(2):
        page.goto("/accounts/staff/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "Staff-demo-2026")
        page.fill("#id_totp", live_instance.tongban("totp", username).stdout.strip())
        page.get_by_test_id("staff-login").click()
        page.wait_for_load_state()
        if page.get_by_test_id("abilities").count():
            return page
        time.sleep(31 - time.time() % 30)
    expect(page.get_by_test_id("abilities")).to_be_visible()
    return page


def test_the_auditor_reads_and_verifies_the_log_and_nothing_else(
    browser: Browser, demo
) -> None:
    auditor = staff_page(
        browser, demo, "sh-auditor", viewport={"width": 390, "height": 844}
    )
    expect(auditor.get_by_test_id("abilities")).to_have_text("查阅与校验审计日志")
    auditor.get_by_role("link", name="查阅与校验审计日志").click()
    expect(auditor.get_by_test_id("audit-event").first).to_contain_text("audit.read")
    auditor.get_by_test_id("verify").click()
    expect(auditor.get_by_test_id("flash")).to_contain_text("审计链")
    expect(auditor.get_by_test_id("last-verification")).to_contain_text("sh-auditor")
    auditor.fill("#id_action", "staff.login")
    auditor.get_by_role("button", name="筛选").click()
    events = auditor.get_by_test_id("audit-event")
    expect(events.first).to_contain_text("staff.login")
    for row in events.all():
        expect(row).to_contain_text("staff.login")
    assert auditor.goto("/workbench/").status == 403
    assert auditor.goto("/admin/").status == 403
    auditor.context.close()


def test_the_security_administrator_cannot_give_one_person_two_administrator_roles(
    browser: Browser, demo
) -> None:
    security = staff_page(browser, demo, "sh-secadmin")
    security.get_by_test_id("staff-accounts-link").click()
    security.get_by_role("link", name="管理 sh-amr-review").click()
    security.check("input[value=audit_admin]")
    security.get_by_test_id("save-roles").click()
    expect(security.get_by_test_id("field-error")).to_contain_text("审计管理员")
    expect(security.get_by_test_id("roles")).to_have_text("审查人员")
    assert security.goto("/accounts/staff/audit/").status == 403
    security.context.close()
