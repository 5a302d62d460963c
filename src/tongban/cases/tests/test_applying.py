"""Applying keeps the guide's promises: who may apply and the level are checked before the
form, the online form is not a file to upload, answers are checked before submitting,
and the case page then says what happens next."""

import html
import re

from django.test import Client

from tongban.accounts.middleware import SESSION_ACTING
from tongban.accounts.models import Person
from tongban.cases.forms import required_when, rule_message, schema_form
from tongban.cases.models import Case
from tongban.cases.tests.conftest import (
    CHAN,
    FORM,
    REP_CHANGE,
    SMITH,
    World,
    sample_pdf,
)

SOLE_TRADER_FORM = {
    "type": "object",
    "required": ["organisation_form"],
    "allOf": [
        {
            "if": {
                "properties": {"organisation_form": {"const": "家庭经营"}},
                "required": ["organisation_form"],
            },
            "then": {"required": ["family_members"]},
        }
    ],
    "properties": {
        "organisation_form": {"type": "string", "enum": ["个人经营", "家庭经营"]},
        "family_members": {"type": "string", "title": "参加经营的家庭成员姓名"},
    },
}


def _page(name: str, acting: str) -> Client:
    user = Person.objects.get(name=name).user
    assert user is not None
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_ACTING] = acting
    session.save()
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    main = response.content.decode().split('<main id="main"')[1].split("</main>")[0]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def test_a_company_only_service_is_refused_before_the_form_as_yourself(
    world: World,
) -> None:
    page = _page(CHAN[0], "self")
    shown = page.get(f"/apply/{REP_CHANGE}/")
    body = shown.content.decode()
    assert 'data-code="applicant_type_not_allowed"' in body
    assert 'data-testid="apply-form"' not in body
    assert "此事项由企业或其他组织办理" in _text(shown)
    # the identities that may apply are offered, and switching comes back here
    assert f'value="company:{world.company_id}"' in body
    assert 'value="self"' not in body.split('data-testid="apply-acting-switch"')[1]
    switched = page.post(
        "/accounts/me/acting/",
        {"acting": f"company:{world.company_id}", "next": f"/apply/{REP_CHANGE}/"},
    )
    assert switched.status_code == 302
    assert switched["Location"] == f"/apply/{REP_CHANGE}/"
    assert (
        'data-testid="apply-form"' in page.get(f"/apply/{REP_CHANGE}/").content.decode()
    )
    # posting the form as oneself anyway makes nothing, on the page and in the API
    before = Case.objects.count()
    _page(CHAN[0], "self").post(f"/apply/{REP_CHANGE}/", FORM)
    as_self = world.handler.as_(world.handler.token, acting="self").post(
        "/cases", {"service_code": REP_CHANGE, "form": FORM}
    )
    assert as_self.status_code == 403
    assert as_self.json()["code"] == "applicant_type_not_allowed"
    assert Case.objects.count() == before


def test_a_level_too_low_says_what_to_do_in_plain_words(world: World) -> None:
    # John Smith is at L2 (registry check); the representative change asks for L3
    shown = _page(SMITH[0], f"company:{world.company_id}").get(f"/apply/{REP_CHANGE}/")
    text = _text(shown)
    assert 'data-code="level_too_low"' in shown.content.decode()
    assert "需要刷脸认证" in text
    assert "L3" not in text and "L2" not in text
    english = _text(
        _page(SMITH[0], f"company:{world.company_id}").get(f"/en/apply/{REP_CHANGE}/")
    )
    assert "L3" not in english


def test_the_online_form_is_not_a_file_to_upload(world: World) -> None:
    draft = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    assert draft.status_code == 201
    number = draft.json()["number"]
    status = {m["position"]: m["status"] for m in draft.json()["material_status"]}
    assert status[0] == "online_form"
    refused = world.upload(number, 0, sample_pdf())
    assert refused.status_code == 422
    assert refused.json()["code"] == "material_is_online_form"
    page = _page(CHAN[0], f"company:{world.company_id}").get(f"/cases/{number}/")
    block = page.content.decode().split('data-testid="material-0"')[1].split("</li>")[0]
    assert 'type="file"' not in block and 'data-testid="online-form"' in block


def test_check_your_answers_lists_what_is_missing_then_submits(world: World) -> None:
    draft = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    number = draft.json()["number"]
    page = _page(CHAN[0], f"company:{world.company_id}")
    check = page.get(f"/cases/{number}/check/")
    body = check.content.decode()
    assert 'data-testid="check-problems"' in body
    assert 'data-testid="submit"' not in body  # nothing to submit while materials lack
    assert f'href="/cases/{number}/#id_passport_number"' in body  # a change link
    assert "561234987" in _text(check)
    # a submit posted anyway is refused with the reason, and nothing changes
    refused = page.post(f"/cases/{number}/check/", follow=True)
    assert "还缺" in _text(refused)
    assert Case.objects.get(number=number).status == "draft"

    have = {m["position"] for m in draft.json()["materials"]}
    for m in draft.json()["material_status"]:
        if m["required"] and m["position"] not in have and m["status"] != "online_form":
            assert world.upload(number, m["position"], sample_pdf()).status_code == 201
    ready = page.get(f"/cases/{number}/check/").content.decode()
    assert 'data-testid="check-problems"' not in ready
    assert 'data-testid="submit"' in ready
    submitted = page.post(f"/cases/{number}/check/")
    assert submitted.status_code == 302
    case = Case.objects.get(number=submitted["Location"].strip("/").split("/")[-1])
    assert case.status == "received"
    after = page.get(f"/cases/{case.number}/")
    text = _text(after)
    assert case.correction_due is not None
    due = case.correction_due.isoformat()
    assert f"在 {due} 前决定是否受理" in text
    assert "短信发送至" in text and "4567" in text  # the handler's phone, masked
    assert "+852 9123 4567" not in text
    # a submitted case's check page leads back to the case
    assert page.get(f"/cases/{case.number}/check/").status_code == 302


def test_another_persons_draft_has_no_check_page(world: World) -> None:
    draft = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    world.api.register("刘芳", "440305198807153320", "+86 139 1234 5678")
    stranger = _page("刘芳", "self").get(f"/cases/{draft.json()['number']}/check/")
    assert stranger.status_code == 404


def test_a_conditional_requirement_is_checked_by_the_form_and_marked_for_the_browser() -> (
    None
):
    assert required_when(SOLE_TRADER_FORM) == {
        "family_members": [("organisation_form", ["家庭经营"])]
    }
    family = schema_form(SOLE_TRADER_FORM, {"organisation_form": "家庭经营"})
    assert not family.is_valid()
    assert family.errors["family_members"] == [rule_message("required")]
    alone = schema_form(SOLE_TRADER_FORM, {"organisation_form": "个人经营"})
    assert alone.is_valid(), alone.errors
    widget = str(schema_form(SOLE_TRADER_FORM)["family_members"])
    assert "data-required-when" in widget and "id_organisation_form" in widget


def test_a_document_the_registry_holds_is_fetched_again_on_the_check_page(
    world: World,
) -> None:
    """A draft made while nothing could be fetched: the check page asks again, as
    submitting would, rather than send the applicant to upload what the government has."""
    from tongban.cases.models import CaseMaterial

    draft = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    number = draft.json()["number"]
    CaseMaterial.objects.filter(case__number=number, file="").delete()  # as if down
    page = _page(CHAN[0], f"company:{world.company_id}")
    page.get("/cases/" + number + "/check/")
    assert CaseMaterial.objects.filter(case__number=number, file="").exists()
