"""The application form built from an item's JSON Schema: labels in the page's language, the
schema's constraints as HTML attributes for the browser, the same constraints on the
server without JavaScript, and the service's own refusals under the field they are about.

The schema is the test's own (the catalogue's forms change with the catalogue)."""

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tongban.cases.forms import form_values, html_pattern, schema_form
from tongban.cases.tests.conftest import CHAN, FORM, REP_CHANGE, World

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["passport_number", "appointment_date", "seats", "kind"],
    "properties": {
        "passport_number": {
            "type": "string",
            "title": "新任首席代表护照号码",
            "title_en": "Passport number of the new chief representative",
            "description": "9 位大写字母或数字",
            "description_en": "9 capital letters or digits",
            "pattern": "^[A-Z0-9]{9}$",
            "maxLength": 9,
        },
        "appointment_date": {
            "type": "string",
            "format": "date",
            "title": "任命日期",
            "title_en": "Date of appointment",
        },
        "contact_email": {
            "type": "string",
            "format": "email",
            "title": "联系邮箱",
            "title_en": "Contact email",
        },
        "seats": {
            "type": "integer",
            "title": "代表人数",
            "title_en": "Number of representatives",
            "minimum": 1,
            "maximum": 4,
        },
        "fee": {
            "type": "number",
            "title": "金额（元）",
            "title_en": "Amount (yuan)",
            "exclusiveMinimum": 0,
        },
        "postcode": {
            "type": "string",
            "title": "邮政编码",
            "title_en": "Postcode",
            "pattern": "^\\d{6}$",
        },
        "kind": {
            "type": "string",
            "title": "变更类型",
            "title_en": "Kind of change",
            "enum": ["首席代表", "代表"],
            "enum_en": ["Chief representative", "Representative"],
        },
        "headcount": {
            "type": "integer",
            "title": "员工人数",
            "title_en": "Number of employees",
            "multipleOf": 5,  # the browser and the form leave this to the service
        },
        "is_urgent": {"type": "boolean", "title": "加急", "title_en": "Urgent"},
        "declared": {
            "type": "boolean",
            "const": True,  # a declaration: it must be ticked
            "title": "本人承诺所填内容真实",
            "title_en": "I declare that what I have filled in is true",
        },
    },
}
GOOD = {
    "passport_number": "561234987",
    "appointment_date": "2026-11-20",
    "seats": "2",
    "kind": "首席代表",
    "declared": "on",
}


def widget(form: Any, name: str) -> str:
    return str(form[name])


def test_labels_help_and_choices_are_english_on_english_pages() -> None:
    with translation.override("en"):
        form = schema_form(SCHEMA)
        passport, kind = form["passport_number"], widget(form, "kind")
    assert passport.label == "Passport number of the new chief representative"
    assert passport.help_text == "9 capital letters or digits"
    # Only the labels change: the stored value is always the schema's `enum` value.
    assert '<option value="首席代表">Chief representative</option>' in kind
    assert ">Choose…</option>" in kind
    # A property without English falls back to its Chinese title, then to its name.
    untranslated = {"properties": {"a": {"title": "邮政编码"}, "b": {}}}
    with translation.override("en"):
        form = schema_form(untranslated)
    assert (form["a"].label, form["b"].label) == ("邮政编码", "b")
    with translation.override("zh-hans"):
        chinese = schema_form(SCHEMA)
    assert chinese["passport_number"].label == "新任首席代表护照号码"
    assert '<option value="首席代表">首席代表</option>' in widget(chinese, "kind")


def test_the_schemas_constraints_become_attributes_the_browser_checks() -> None:
    with translation.override("zh-hans"):
        form = schema_form(SCHEMA)
        passport = widget(form, "passport_number")
        seats = widget(form, "seats")
        date, email = widget(form, "appointment_date"), widget(form, "contact_email")
        postcode, kind = widget(form, "postcode"), widget(form, "kind")
        urgent, declared = widget(form, "is_urgent"), widget(form, "declared")
        fee = widget(form, "fee")
    # HTML anchors `pattern` itself; the schema's ^ and $ are dropped.
    assert 'pattern="[A-Z0-9]{9}"' in passport
    assert 'maxlength="9"' in passport and " required" in passport
    assert 'data-msg-pattern="格式不正确：9 位大写字母或数字"' in passport
    assert 'data-msg-maxlength="不能超过 9 个字。"' in passport
    assert 'data-msg-required="请填写此项。"' in passport
    assert 'aria-describedby="id_passport_number_helptext"' in passport
    assert 'type="number"' in seats
    for attribute in ('min="1"', 'max="4"', 'step="1"', 'inputmode="numeric"'):
        assert attribute in seats
    assert 'data-msg-min="不能小于 1。"' in seats
    assert 'data-msg-max="不能大于 4。"' in seats
    assert 'type="date"' in date and " required" in date
    assert 'type="email"' in email and " required" not in email
    assert 'pattern="\\d{6}"' in postcode and 'inputmode="numeric"' in postcode
    mobile = {"properties": {"m": {"type": "string", "pattern": "^1[3-9][0-9]{9}$"}}}
    assert 'inputmode="numeric"' in widget(schema_form(mobile), "m")
    assert kind.startswith("<select") and " required" in kind
    assert 'type="checkbox"' in urgent and " required" not in urgent
    assert " required" in declared and 'data-msg-required="请勾选此项。"' in declared
    # HTML has no exclusive bound: the browser refuses less than 0, the form 0 too.
    for attribute in ('min="0"', 'step="any"', 'inputmode="decimal"'):
        assert attribute in fee
    assert 'data-msg-min="必须大于 0。"' in fee


def test_english_pages_carry_english_messages_for_the_browser() -> None:
    with translation.override("en"):
        passport = widget(schema_form(SCHEMA), "passport_number")
    assert (
        'data-msg-pattern="This is not in the expected format: 9 capital letters or '
        'digits"' in passport
    )
    assert 'data-msg-maxlength="Use no more than 9 characters."' in passport
    assert 'data-msg-required="Please fill this in."' in passport


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[A-Z]{2}$", "[A-Z]{2}"),
        ("^[A-Z]{2}", "[A-Z]{2}[\\s\\S]*"),  # JSON Schema finds a pattern anywhere
        ("[A-Z]{2}", "[\\s\\S]*[A-Z]{2}[\\s\\S]*"),
        ("^a|b$", "[\\s\\S]*(?:^a|b$)[\\s\\S]*"),  # the anchors belong to the branches
        ("^([01][0-9]|2[0-3]):[0-5][0-9]$", "([01][0-9]|2[0-3]):[0-5][0-9]"),
    ],
)
def test_patterns_mean_the_same_in_the_browser(pattern: str, expected: str) -> None:
    assert html_pattern(pattern) == expected


def test_without_javascript_the_form_refuses_what_the_browser_would() -> None:
    with translation.override("zh-hans"):
        form = schema_form(
            SCHEMA,
            {
                "passport_number": "ab-1",
                "appointment_date": "2026-02-30",
                "contact_email": "not-an-address",
                "seats": "9",
                "postcode": "20003",
                "kind": "首代",
                "fee": "0",
            },
        )
        assert not form.is_valid()
        errors = {name: list(messages) for name, messages in form.errors.items()}
    assert errors == {
        "passport_number": ["格式不正确：9 位大写字母或数字"],
        "appointment_date": ["请按“年-月-日”填写有效的日期。"],
        "contact_email": ["请输入有效的电子邮箱地址。"],
        "seats": ["不能大于 4。"],
        "postcode": ["格式不正确。"],
        "kind": ["请从列表中选择。"],
        "fee": ["必须大于 0。"],
        "declared": ["请勾选此项。"],
    }
    with translation.override("zh-hans"):
        form = schema_form(SCHEMA, {**GOOD, "is_urgent": "on", "fee": "0.5"})
        assert form.is_valid(), form.errors
    assert form_values(SCHEMA, form.cleaned_data) == {
        "passport_number": "561234987",
        "appointment_date": "2026-11-20",
        "seats": 2,
        "fee": 0.5,
        "kind": "首席代表",
        "is_urgent": True,
        "declared": True,
    }


# --- the pages ----------------------------------------------------------------------------


def _use_schema(schema: dict[str, Any]) -> None:
    """The representative-change item with this test's form instead of the catalogue's,
    its property order written down as the catalogue's loader writes it."""
    from tongban.catalog.models import ServiceItem, ServiceVersion
    from tongban.catalog.schema import with_property_order

    version = ServiceItem.objects.get(code=REP_CHANGE).current_version
    ServiceVersion.objects.filter(pk=version.pk).update(
        content={**version.content, "form": with_property_order(schema)}
    )


def _handler_page(world: World) -> Client:
    """陈美玲 logged in on the website, acting for the representative office."""
    from tongban.accounts.middleware import SESSION_ACTING
    from tongban.accounts.models import Person

    _use_schema(SCHEMA)
    user = Person.objects.get(name=CHAN[0]).user
    assert user is not None
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_ACTING] = f"company:{world.company_id}"
    session.save()
    return client


def _field_error(page: str, name: str) -> str:
    """The message rendered under a field (its `<id>_error`), as text."""
    found = re.search(rf'id="id_{name}_error"[^>]*>([^<]*)<', page)
    assert found, f"no message under {name}"
    return html.unescape(found.group(1))


def test_the_english_apply_page_is_english_and_checks_as_you_type(
    world: World,
) -> None:
    page = _handler_page(world).get(f"/en/apply/{REP_CHANGE}/").content.decode()
    assert '<html lang="en">' in page
    assert "Passport number of the new chief representative" in page
    assert 'id="id_passport_number_helptext">9 capital letters or digits<' in page
    assert "Chief representative</option>" in page
    assert "Apply online: " in page
    assert "/static/web/form-check.js" in page
    assert '<form method="post" novalidate data-check' in page
    assert not re.search(r"<label[^>]*>[^<]*[\u4e00-\u9fff]", page.split("<main")[1])


def test_a_bad_value_is_refused_on_the_page_with_the_message_under_the_field(
    world: World,
) -> None:
    from tongban.cases.models import Case

    client = _handler_page(world)
    response = client.post(
        f"/apply/{REP_CHANGE}/", {**GOOD, "passport_number": "abc", "seats": "0"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert _field_error(page, "passport_number") == "格式不正确：9 位大写字母或数字"
    assert _field_error(page, "seats") == "不能小于 1。"
    assert 'class="form-control is-invalid"' in page
    assert "申请表有 2 处需要修改。" in page
    assert 'value="abc"' in page  # what was typed stays to be corrected
    assert not Case.objects.exists()

    english = client.post(f"/en/apply/{REP_CHANGE}/", {**GOOD, "passport_number": ""})
    assert _field_error(english.content.decode(), "passport_number") == (
        "Please fill this in."
    )


def test_the_services_refusals_are_shown_under_their_fields(world: World) -> None:
    """The service checks the saved form on submission; what only it checks (here
    `multipleOf`) comes back under the field, beside the form's own checks."""
    client = _handler_page(world)
    draft = client.post(f"/apply/{REP_CHANGE}/", {**GOOD, "headcount": "7"})
    assert draft.status_code == 302
    detail = draft["Location"]

    response = client.post(detail, {"do": "submit"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "申请表有 1 处需要修改。" in page
    assert (
        _field_error(page, "headcount") == "必须是 5 的整数倍。"
    )  # not jsonschema's English
    assert 'name="headcount" value="7"' in page
    assert "/static/web/form-check.js" in page

    # Saving a value the form refuses keeps the page, with the message, saving nothing.
    saved = client.post(detail, {**GOOD, "do": "save", "headcount": "10", "seats": "5"})
    assert saved.status_code == 200
    assert _field_error(saved.content.decode(), "seats") == "不能大于 4。"
    from tongban.cases.models import Case

    assert Case.objects.get().form_data["headcount"] == 7


def test_the_apply_page_puts_a_services_field_refusal_under_the_field(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongban.cases import services
    from tongban.core.errors import InvalidInput

    def refuse(**_: Any) -> None:
        raise InvalidInput(
            "invalid_form",
            "申请表有 2 处需要修改。",
            fields={"seats": "名额已满。", "elsewhere": "另一处的问题。"},
        )

    monkeypatch.setattr(services, "case_create", refuse)
    page = _handler_page(world).post(f"/apply/{REP_CHANGE}/", GOOD).content.decode()
    assert _field_error(page, "seats") == "名额已满。"
    # What no field on the page is about stays in the message on top.
    assert "申请表有 2 处需要修改。 另一处的问题。" in page


def test_the_service_speaks_the_applicants_language(world: World) -> None:
    """`invalid_form` messages from the server say what the form on the page says, in
    Chinese or English — never jsonschema's own English."""
    bad = {**FORM, "appointment_date": "2026-02-30", "passport_number": ""}
    chinese = world.handler.post(
        "/cases", {"service_code": REP_CHANGE, "form": bad, "submit": True}
    )
    assert chinese.status_code == 422
    fields = chinese.json()["fields"]
    assert fields["appointment_date"] == "请按“年-月-日”填写有效的日期。"
    english = world.handler.client.post(
        "/api/v1/cases",
        {"service_code": REP_CHANGE, "form": bad, "submit": True},
        content_type="application/json",
        headers={**world.handler._headers(), "Accept-Language": "en"},
    )
    assert english.json()["fields"]["appointment_date"] == (
        "Enter a valid date as year-month-day."
    )
