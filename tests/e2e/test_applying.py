"""Applying as people do, in a real browser: finding the one service, being told before
the form when you cannot apply as you are, the form's conditional rules, 免交 that tells
the truth, checking your answers, and what happens next."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_cases import (
    HANDLER,
    OFFICE,
    REP_CHANGE,
    materials_upload,
    person_login,
)

pytestmark = pytest.mark.browser

SOLE_TRADER_PUDONG = "000131020000-310115000000-000-11310115002439017N-1-00"
ZHANG_WEI = "310115198506120317"  # 张伟, L2, lives in Pudong (demo data)
EMMA_CLARKE = "548812706"  # held by the exit-entry stand-in: her passport is fetched
NOBODY = "561234987"  # a passport number the exit-entry registry does not hold


def _snake_case(text: str) -> list[str]:
    return re.findall(r"\b[a-z]+_[a-z_]+\b", text)


def test_one_service_per_item_with_its_districts_and_visa_answers(
    page: Page, demo
) -> None:
    page.goto("/services/?q=居住证")
    results = page.get_by_role("link", name="居住证新办", exact=True)
    expect(results).to_have_count(1)
    results.click()
    choice = page.locator(".district-switch")
    expect(choice).to_contain_text("浦东新区")
    expect(choice).to_contain_text("黄浦区")
    apply = page.get_by_test_id("apply")
    if apply.count():  # the district choice stands before 在线申请
        assert choice.bounding_box()["y"] < apply.first.bounding_box()["y"]  # type: ignore[index]

    page.goto("/en/services/?q=visa")
    notice = page.get_by_test_id("referral")
    expect(notice.first).to_be_visible()
    expect(notice.first).to_contain_text(
        re.compile("not handled here|Exit-Entry", re.I)
    )


def test_a_company_only_service_is_refused_before_the_form_as_yourself(
    page: Page, demo
) -> None:
    person_login(page, HANDLER)  # 陈美玲 logs in as herself
    page.goto(f"/apply/{REP_CHANGE}/")
    barrier = page.get_by_test_id("barrier")
    expect(barrier).to_contain_text("此事项由企业或其他组织办理")
    expect(page.get_by_test_id("apply-form")).to_have_count(0)
    # the office she handles for is offered; choosing it comes back to the application
    page.get_by_label(re.compile(OFFICE)).check()
    page.get_by_test_id("apply-acting-submit").click()
    expect(page).to_have_url(re.compile(re.escape(f"/apply/{REP_CHANGE}/") + "$"))
    expect(page.get_by_test_id("apply-form")).to_be_visible()
    expect(page.get_by_test_id("applying-as")).to_contain_text(OFFICE)


def test_family_members_are_asked_for_when_a_family_runs_the_business(
    page: Page, demo
) -> None:
    person_login(page, ZHANG_WEI)
    page.goto(f"/apply/{SOLE_TRADER_PUDONG}/")
    mark = page.locator("#id_family_members_required")
    expect(mark).to_be_hidden()
    page.select_option("#id_organisation_form", "家庭经营")
    expect(mark).to_be_visible()
    page.fill("#id_business_address", "上海市浦东新区张杨路 500 号 101 室")
    page.fill("#id_business_scope", "餐饮服务；食品销售")
    page.fill("#id_capital", "5")
    page.get_by_test_id("save-draft").click()  # stopped in the browser
    expect(page.locator("#id_family_members_error")).to_have_text("请填写此项。")
    expect(page.locator("#id_family_members")).to_be_focused()
    assert "/apply/" in page.url
    page.select_option("#id_organisation_form", "个人经营")  # no longer asked
    expect(mark).to_be_hidden()
    expect(page.locator("#id_family_members_error")).to_have_count(0)
    page.select_option("#id_organisation_form", "家庭经营")
    page.fill("#id_family_members", "张伟、李娟")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("case-status")).to_have_text("草稿")
    # the online form is not a file to upload
    online = page.locator("[data-testid^=material-]:has([data-testid=online-form])")
    expect(online).to_have_count(1)
    expect(online.locator("input[type=file]")).to_have_count(0)


def _office_draft(page: Page, passport: str) -> None:
    person_login(page, HANDLER)
    page.goto(f"/apply/{REP_CHANGE}/")
    page.get_by_label(re.compile(OFFICE)).check()
    page.get_by_test_id("apply-acting-submit").click()
    page.fill("#id_office_name", OFFICE)
    page.fill("#id_new_representative", "Emma Clarke")
    page.fill("#id_passport_number", passport)
    page.fill("#id_appointment_date", "2026-11-20")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("case-status")).to_have_text("草稿")


def test_free_of_papers_fetches_for_the_person_the_form_names_or_says_it_could_not(
    page: Page, demo
) -> None:
    _office_draft(page, NOBODY)
    identity = page.locator(
        "[data-testid^=material-]:has-text('新任首席代表的身份证明')"
    )
    expect(identity.get_by_test_id("not-fetched")).to_contain_text("请上传")
    expect(identity.get_by_test_id("fetched")).to_have_count(0)  # nothing in its place
    expect(identity.locator("input[type=file]")).to_have_count(1)

    _office_draft(page, EMMA_CLARKE)
    identity = page.locator(
        "[data-testid^=material-]:has-text('新任首席代表的身份证明')"
    )
    expect(identity.get_by_test_id("fetched")).to_be_visible()
    expect(identity.get_by_test_id("not-fetched")).to_have_count(0)


def test_check_your_answers_then_what_happens_next(page: Page, demo) -> None:
    _office_draft(page, EMMA_CLARKE)
    page.get_by_test_id("check-and-submit").click()
    # materials still missing: said, with a link to them, and nothing to submit yet
    expect(page.get_by_test_id("check-problems")).to_contain_text("还缺")
    expect(page.get_by_test_id("submit")).to_have_count(0)
    page.get_by_test_id("check-problems").get_by_role("link").first.click()
    materials_upload(page)
    page.get_by_test_id("check-and-submit").click()
    answers = page.get_by_test_id("check-answers")
    expect(answers).to_contain_text("Emma Clarke")
    assert not _snake_case(answers.inner_text())
    # a change link goes to the field, and coming back shows the change
    page.get_by_test_id("change-new_representative").click()
    expect(page.locator("#id_new_representative")).to_be_visible()
    page.fill("#id_new_representative", "Emma J. Clarke")
    page.get_by_test_id("draft-form").get_by_role("button").click()
    page.get_by_test_id("check-and-submit").click()
    expect(page.get_by_test_id("check-answers")).to_contain_text("Emma J. Clarke")
    page.get_by_test_id("submit").click()

    expect(page.get_by_test_id("case-status")).to_have_text("已收件，待受理")
    next_steps = page.get_by_test_id("next-steps")
    expect(next_steps).to_contain_text(
        re.compile(r"在 \d{4}-\d{2}-\d{2} 前决定是否受理")
    )
    expect(page.get_by_test_id("told-by")).to_contain_text("短信发送至")
    expect(page.get_by_test_id("form-data")).to_contain_text("Emma J. Clarke")
    for block in ("form-data", "timeline", "case-summary"):
        found = page.get_by_test_id(block)
        if found.count():
            assert not _snake_case(found.first.inner_text()), block
