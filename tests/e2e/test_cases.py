"""Cases in a real browser: a handler applies for the company, staff of one department take
it through intake, review and decision; a correction and a supplement; acceptance by law."""

import datetime as dt
import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

REP_CHANGE = "000131007000-310000000000-000-11310000002420033N-1-00"
OFFICE = "英国示范贸易有限公司上海代表处"
HANDLER = "810000199005050026"  # 陈美玲, the office's handler in the demo data


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "scan")
    page.showPage()
    page.save()
    return buffer.getvalue()


# What each page's confirmations asked (`data-confirm` on a form), by page: every one is
# accepted, as a clerk who has read it would.
_ASKED: dict[int, list[str]] = {}


def _page(browser: Browser, live_instance) -> Page:
    context = browser.new_context(base_url=live_instance.urls["web"], locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    asked = _ASKED.setdefault(id(page), [])

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return page


def asked(page: Page) -> list[str]:
    """The confirmations the page has asked for so far, oldest first."""
    return _ASKED.get(id(page), [])


def person_login(page: Page, login: str, password: str = "Tongban-demo-2026") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.get_by_test_id("login").click()
    expect(page.get_by_test_id("level")).to_be_visible()


def staff_login(page: Page, live_instance, username: str) -> None:
    """Password and the current one-time code; a code is accepted once, so a second login
    within the same 30 seconds waits for the next code, as a person would."""
    import time

    for _attempt in range(2):
        page.goto("/accounts/staff/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "Staff-demo-2026")
        page.fill("#id_totp", live_instance.tongban("totp", username).stdout.strip())
        page.get_by_test_id("staff-login").click()
        page.wait_for_load_state()
        if page.get_by_test_id("workbench-link").count():
            return
        time.sleep(31 - time.time() % 30)
    expect(page.get_by_test_id("workbench-link")).to_be_visible()


def apply_for_the_office(page: Page) -> str:
    """As the handler acting for the office: fill the form, upload, submit; the case number."""
    page.goto("/accounts/me/")
    page.get_by_label(re.compile(OFFICE)).check()
    page.get_by_test_id("acting-switch").click()
    page.goto(f"/services/{REP_CHANGE}/")
    page.get_by_test_id("apply").click()
    expect(page.get_by_text(f"您正在以“{OFFICE}”经办人的身份申请。")).to_be_visible()
    page.fill("#id_office_name", OFFICE)
    page.fill("#id_new_representative", "Jane Doe")
    page.fill("#id_passport_number", "561234987")
    page.fill("#id_appointment_date", "2026-11-20")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("case-status")).to_have_text("草稿")
    expect(
        page.get_by_test_id("fetched")
    ).to_be_visible()  # the registration certificate
    materials_upload(page)
    return case_submit(page)


def materials_upload(page: Page) -> None:
    """On a case page, a one-page PDF for every material that still waits for a file."""
    while True:
        pending = page.locator("[data-testid^=material-]:has(input[type=file])").filter(
            has_not=page.get_by_text("✓")
        )
        if pending.count() == 0:
            break
        first = pending.first
        first.locator("input[type=file]").set_input_files(
            {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
        )
        first.get_by_role("button", name="上传").click()
        expect(page.get_by_test_id("flash")).to_contain_text("材料已上传")


def case_submit(page: Page) -> str:
    """Submit the draft open on its case page, as the applicant would (through the check
    page where the case page leads to one); the case number."""
    check = page.locator("main a[href$='/check/']")
    if check.count():
        check.first.click()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已收件，待受理")
    return page.get_by_test_id("case-number").inner_text()


def open_case(page: Page, number: str) -> None:
    page.goto(f"/workbench/{number}/")
    expect(page.get_by_test_id("case-number")).to_have_text(number)


def test_representative_change_from_apply_to_approval(browser: Browser, demo) -> None:
    handler = _page(browser, demo)
    person_login(handler, HANDLER)
    number = apply_for_the_office(handler)
    # the form as it was filled in, under its labels; the clock starts on acceptance
    answers = handler.get_by_test_id("form-data")
    expect(answers).to_contain_text("任命日期")
    expect(answers).to_contain_text("2026-11-20")
    expect(answers).not_to_contain_text("appointment_date")
    expect(handler.get_by_test_id("legal-deadline")).to_have_text("受理后开始计算")
    # what was uploaded and the receipt, read in the platform's viewer (pdf.js)
    handler.locator("[data-testid^=material-] a").first.click()
    expect(handler.get_by_test_id("pdf-viewer")).to_have_attribute("data-rendered", "1")
    expect(handler.locator("canvas.pdf-page")).to_have_count(1)
    handler.go_back()
    handler.get_by_test_id("documents").get_by_role("link").first.click()
    expect(handler.get_by_test_id("pdf-viewer")).to_have_attribute(
        "data-rendered", re.compile(r"^[1-9]")
    )
    with handler.expect_download() as download:
        handler.get_by_test_id("download").click()
    assert download.value.suggested_filename.endswith(".pdf")

    clerk = _page(browser, demo)
    staff_login(clerk, demo, "sh-amr-intake")
    expect(clerk.get_by_test_id("workbench-link")).to_have_text("待办件")
    # the queue finds the case by its number, and by its applicant
    clerk.goto("/workbench/")
    clerk.get_by_test_id("queue-search").fill(number)
    clerk.get_by_test_id("queue-find").click()
    rows = clerk.get_by_test_id("queue-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(OFFICE)
    expect(rows.first.get_by_test_id("legal-left")).to_contain_text("期限待定")
    clerk.get_by_test_id("queue-search").fill("示范贸易")
    clerk.get_by_test_id("queue-find").click()
    found = clerk.locator(f"[data-testid=queue-row][data-number='{number}']")
    expect(found).to_contain_text(OFFICE)
    expect(clerk.get_by_test_id("queue-row").filter(has_not_text=OFFICE)).to_have_count(
        0
    )
    found.get_by_role("link", name=number).click()
    # claiming is offered, not required
    expect(clerk.get_by_test_id("claim")).to_have_text("认领（可选）")
    clerk.get_by_test_id("claim").click()
    clerk.get_by_test_id("do-accept").click()
    expect(clerk.get_by_test_id("case-status")).to_have_text("已受理，审查中")
    expect(clerk.get_by_test_id("legal-deadline")).to_be_visible()
    assert asked(clerk) == ["将签发《受理通知书》并通知申请人，确定受理？"]

    reviewer = _page(browser, demo)
    staff_login(reviewer, demo, "sh-amr-review")
    open_case(reviewer, number)
    reviewer.fill("#opinion", "任免文件齐全，符合条例第三十条。")
    reviewer.get_by_test_id("do-review").click()  # no recommendation chosen: not sent
    expect(reviewer.get_by_test_id("case-status")).to_have_text("已受理，审查中")
    reviewer.get_by_label("建议准予许可").check()
    reviewer.get_by_test_id("do-review").click()
    expect(reviewer.get_by_test_id("case-status")).to_have_text("已审查，待决定")

    approver = _page(browser, demo)
    staff_login(approver, demo, "sh-amr-approve")
    open_case(approver, number)
    # the reviewer's choice and opinion, before the approver decides
    recommendation = approver.get_by_test_id("review-recommendation")
    expect(recommendation.get_by_test_id("review-label")).to_have_text("建议准予许可")
    expect(recommendation).to_contain_text("任免文件齐全，符合条例第三十条。")
    expect(approver.get_by_test_id("timeline")).to_contain_text(
        "审查完成：建议准予许可"
    )
    approver.get_by_test_id("do-approve").click()
    expect(approver.get_by_test_id("case-status")).to_have_text("准予许可")
    assert asked(approver) == ["将签发《准予许可决定书》并通知申请人，确定准予许可？"]

    handler.goto(f"/cases/{number}/")
    expect(handler.get_by_test_id("case-status")).to_have_text("准予许可")
    expect(handler.get_by_test_id("documents")).to_contain_text("准予许可决定书")
    # The applicant hears that the review is done, never the reviewer's internal opinion.
    expect(handler.get_by_test_id("timeline")).to_contain_text("审查完成")
    expect(handler.get_by_test_id("timeline")).not_to_contain_text("任免文件齐全")
    for page in (handler, clerk, reviewer, approver):
        page.context.close()


def test_correction_notice_and_supplement(browser: Browser, demo) -> None:
    handler = _page(browser, demo)
    person_login(handler, HANDLER)
    number = apply_for_the_office(handler)
    clerk = _page(browser, demo)
    staff_login(clerk, demo, "sh-amr-intake")
    open_case(clerk, number)
    clerk.get_by_text("一次性告知补正").click()
    clerk.fill(
        "#id_items",
        "外国企业对首席代表的任免文件须经公证认证\n新任首席代表的简历须有本人签名",
    )
    clerk.get_by_test_id("do-correction").click()
    expect(clerk.get_by_test_id("case-status")).to_have_text("待补正材料")

    handler.goto(f"/cases/{number}/")
    expect(handler.get_by_test_id("timeline")).to_contain_text("须经公证认证")
    appointment = handler.locator("[data-testid=material-1]")  # the 任免文件 asked for
    appointment.locator("input[type=file]").set_input_files(
        {"name": "notarised.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
    )
    appointment.get_by_role("button", name="上传").click()
    handler.get_by_test_id("supplement").click()
    expect(handler.get_by_test_id("case-status")).to_have_text("已收件，待受理")

    open_case(clerk, number)
    clerk.get_by_test_id("do-accept").click()
    expect(clerk.get_by_test_id("case-status")).to_have_text("已受理，审查中")
    for page in (handler, clerk):
        page.context.close()


def test_no_notice_in_time_means_accepted_by_law(browser: Browser, demo) -> None:
    handler = _page(browser, demo)
    person_login(handler, HANDLER)
    number = apply_for_the_office(handler)
    received = dt.date.fromisoformat(
        number.split("-")[1]
    )  # 20261129 is ISO basic format
    later = dt.datetime.combine(received + dt.timedelta(days=14), dt.time(10, 0))
    try:
        demo.tongban(
            "tick", "--now", later.isoformat()
        )  # the scheduler's pass, two weeks on
        person_login(handler, HANDLER)  # the old session went idle long ago
        handler.goto(f"/cases/{number}/")
        expect(handler.get_by_test_id("case-status")).to_have_text("已受理，审查中")
        expect(handler.get_by_text("依法视为受理")).to_be_visible()
        expect(handler.get_by_test_id("timeline")).to_contain_text(
            "依法自收件之日起受理"
        )
    finally:
        demo.tongban("clock", "reset")
    handler.context.close()
