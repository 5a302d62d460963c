"""`make screenshots`: pictures of the pages for the README, from a throw-away instance.

Not part of `make test` (the file name keeps pytest from collecting it), because it
writes tracked files under docs/screenshots/.
"""

import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import Browser

from tests.e2e.test_cases import (
    HANDLER,
    OFFICE,
    REP_CHANGE,
    _page,
    materials_upload,
    person_login,
    staff_login,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


HAZARDOUS_RENEWAL = "000136012000-310115000000-000-11310115002439033C-1-00"
WORK_PERMIT_EXTENSION = "000121003000-310000000000-000-11310000002420025U-1-00"
DESKTOP, PHONE = {"width": 1280, "height": 1000}, {"width": 390, "height": 844}


def test_shoot(browser: Browser, live_instance) -> None:
    live_instance.tongban("catalog", "load")
    live_instance.tongban("demo_data")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = [
        ("home-zh.png", "/", DESKTOP, "zh-CN"),
        ("search-zh.png", "/services/?q=驾照", DESKTOP, "zh-CN"),
        ("phone-home-zh.png", "/", PHONE, "zh-CN"),
        ("guide-zh.png", f"/services/{HAZARDOUS_RENEWAL}/", DESKTOP, "zh-CN"),
        ("guide-en.png", f"/en/services/{WORK_PERMIT_EXTENSION}/", DESKTOP, "en-GB"),
    ]
    for name, path, viewport, locale in pages:
        context = browser.new_context(
            base_url=live_instance.urls["web"], viewport=viewport, locale=locale
        )
        page = context.new_page()
        page.goto(path)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=viewport is PHONE)
        context.close()
    shots = [
        ("calculator-zh.png", "/workdays/", DESKTOP, "zh-CN", "2020-01-23", "1"),
        ("calculator-en.png", "/en/workdays/", DESKTOP, "en-GB", "2026-09-24", "20"),
        ("phone-zh.png", "/workdays/", PHONE, "zh-CN", "2026-02-13", "5"),
    ]
    for name, path, viewport, locale, date, days in shots:
        context = browser.new_context(
            base_url=live_instance.urls["web"], viewport=viewport, locale=locale
        )
        page = context.new_page()
        page.goto(path)
        page.fill("#id_add-date", date)
        page.fill("#id_add-days", days)
        page.click("[data-testid=submit-add]")
        page.get_by_test_id("result").wait_for()
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        page.screenshot(
            path=str(SCREENSHOTS / name), full_page=name.startswith("phone")
        )
        context.close()
    # Accounts: a demo legal representative's profile and company, the English sign-up.
    for name, viewport, locale, login, path in [
        ("profile-zh.png", DESKTOP, "zh-CN", "310101197502140510", "/accounts/me/"),
        (
            "company-zh.png",
            DESKTOP,
            "zh-CN",
            "310101197502140510",
            "/accounts/companies/1/",
        ),
        ("phone-profile-zh.png", PHONE, "zh-CN", "320102199207300611", "/accounts/me/"),
        ("register-en.png", DESKTOP, "en-GB", "", "/en/accounts/register/"),
    ]:
        context = browser.new_context(
            base_url=live_instance.urls["web"], viewport=viewport, locale=locale
        )
        page = context.new_page()
        if login:
            page.goto("/accounts/login/")
            page.fill("#id_login", login)
            page.fill("#id_password", "Tongban-demo-2026")
            page.get_by_test_id("login").click()
            page.wait_for_url("**/accounts/me/")
        page.goto(path)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=viewport is PHONE)
        context.close()
    # A case: the handler applies for the office; check your answers (desktop), then the
    # submitted case on a desktop and on a phone.
    live_instance.tongban(
        "shell",
        "-c",
        "from tongban.accounts.models import Person;"
        "Person.objects.filter(name='陈美玲').update(level=3)",
    )
    context = browser.new_context(
        base_url=live_instance.urls["web"], viewport=DESKTOP, locale="zh-CN"
    )
    page = context.new_page()
    person_login(page, HANDLER)
    page.goto(f"/apply/{REP_CHANGE}/")
    page.get_by_label(OFFICE).check()
    page.get_by_test_id("apply-acting-submit").click()
    page.fill("#id_office_name", OFFICE)
    page.fill("#id_new_representative", "Emma Clarke")
    page.fill("#id_passport_number", "548812706")
    page.fill("#id_appointment_date", "2026-11-20")
    page.get_by_test_id("save-draft").click()
    materials_upload(page)
    page.get_by_test_id("check-and-submit").click()
    page.screenshot(path=str(SCREENSHOTS / "check-answers-zh.png"), full_page=True)
    page.get_by_test_id("submit").click()
    number = page.get_by_test_id("case-number").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "case-zh.png"))
    context.close()
    context = browser.new_context(
        base_url=live_instance.urls["web"],
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    person_login(page, HANDLER)
    page.goto(f"/cases/{number}/")
    page.screenshot(path=str(SCREENSHOTS / "phone-case-zh.png"), full_page=True)
    page.goto("/cases/")
    page.screenshot(path=str(SCREENSHOTS / "phone-cases-zh.png"), full_page=True)
    context.close()
    # The staff case page as the intake clerk sees it, then, the handler preferring
    # English, the acceptance notice's English version (its first page).
    live_instance.tongban(
        "shell",
        "-c",
        "from tongban.accounts.models import Person;"
        "Person.objects.filter(name='陈美玲').update(language='en')",
    )
    clerk = _page(browser, live_instance)
    clerk.set_viewport_size(DESKTOP)
    staff_login(clerk, live_instance, "sh-amr-intake")
    clerk.goto(f"/workbench/{number}/")
    clerk.screenshot(path=str(SCREENSHOTS / "staff-case-zh.png"), full_page=True)
    clerk.get_by_test_id("do-accept").click()
    clerk.get_by_test_id("legal-deadline").wait_for()
    clerk.context.close()
    handler = _page(browser, live_instance)
    person_login(handler, HANDLER)
    handler.goto(f"/cases/{number}/")
    link = handler.get_by_test_id("document-acceptance").get_by_test_id("document-en")
    link.click()
    raw = handler.get_by_test_id("download").get_attribute("href")
    assert raw is not None
    answer = handler.request.get(raw)
    assert answer.status == 200
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "notice.pdf"
        pdf.write_bytes(answer.body())
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(SCREENSHOTS / "notice-en"),
            ],
            check=True,
        )
    handler.context.close()
