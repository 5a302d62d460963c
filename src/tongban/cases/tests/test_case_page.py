"""The applicant's case page in plain words: the submitted form under its own labels with
its values in words, deadlines that have not started say why, no key of the schema or of
an event anywhere on the page, in either language."""

import html
import re
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from tongban.cases.tests.conftest import World
from tongban.cases.tests.test_forms import _handler_page, _use_schema

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "capital": {
            "type": "number",
            "title": "资金数额（万元）",
            "title_en": "Capital (10,000 yuan)",
        },
        "ratio": {"type": "number", "title": "占比", "title_en": "Share"},
        "organisation_form": {
            "type": "string",
            "title": "组成形式",
            "title_en": "Form of organisation",
            "enum": ["个人经营", "家庭经营"],
            "enum_en": ["Run by one person", "Run by a family"],
        },
        "is_urgent": {"type": "boolean", "title": "加急", "title_en": "Urgent"},
        "appointment_date": {
            "type": "string",
            "format": "date",
            "title": "任命日期",
            "title_en": "Date of appointment",
        },
        "family_members": {
            "type": "array",
            "title": "家庭成员",
            "title_en": "Family members",
            "items": {
                "type": "object",
                "properties": {
                    "member_name": {
                        "type": "string",
                        "title": "姓名",
                        "title_en": "Name",
                    },
                    "relation": {
                        "type": "string",
                        "title": "关系",
                        "title_en": "Relation",
                        "enum": ["配偶", "子女"],
                        "enum_en": ["Spouse", "Child"],
                    },
                },
            },
        },
        "trade_names": {
            "type": "array",
            "title": "曾用字号",
            "title_en": "Former trade names",
            "items": {"type": "string"},
        },
    },
}
FORM = {
    "capital": 5.0,
    "ratio": 0.25,
    "organisation_form": "家庭经营",
    "is_urgent": False,
    "appointment_date": "2026-11-20",
    "family_members": [
        {"member_name": "王小红", "relation": "配偶"},
        {"member_name": "王小明", "relation": "子女"},
    ],
    "trade_names": ["老王小吃", "王记"],
}


def _answers(page: str) -> list[str]:
    """The form's answers as text, one `label: value` per leaf, in page order."""
    block = page.split('data-testid="form-data"')[1].split("</dl>\n</div>")[0]
    pairs = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)<", block)
    items = re.findall(r"<li>([^<]+)</li>", block)
    return [
        f"{html.unescape(label)}: {html.unescape(value)}" for label, value in pairs
    ] + [html.unescape(item) for item in items]


def _visible_text(page: str) -> str:
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", main, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def test_the_case_page_shows_the_form_in_its_labels_and_words(world: World) -> None:
    _use_schema(SCHEMA)
    submitted = world.apply(form=FORM)
    assert submitted.status_code == 201, submitted.json()
    number = submitted.json()["number"]
    client = _handler_page(world)
    _use_schema(SCHEMA)

    chinese = client.get(f"/cases/{number}/").content.decode()
    # In the form's order on PostgreSQL too, whose jsonb sorts an object's keys by
    # length: the order travels as the schema's `x-order`.
    assert _answers(chinese) == (
        [
            "资金数额（万元）: 5",
            "占比: 0.25",
            "组成形式: 家庭经营",
            "加急: 否",
            "任命日期: 2026-11-20",
            "家庭成员: ",
            "姓名: 王小红",
            "关系: 配偶",
            "姓名: 王小明",
            "关系: 子女",
            "曾用字号: ",
            "老王小吃",
            "王记",
        ]
    )
    english = client.get(f"/en/cases/{number}/").content.decode()
    with translation.override("en"):
        no = gettext("否")  # "No" once the catalogue has it
    assert _answers(english) == (
        [
            "Capital (10,000 yuan): 5",
            "Share: 0.25",
            "Form of organisation: Run by a family",
            f"Urgent: {no}",
            "Date of appointment: 2026-11-20",
            "Family members: ",
            "Name: 王小红",
            "Relation: Spouse",
            "Name: 王小明",
            "Relation: Child",
            "Former trade names: ",
            "老王小吃",
            "王记",
        ]
    )
    for page in (chinese, english):
        text = _visible_text(page)
        for key in (*SCHEMA["properties"], "member_name", "relation", "5.0"):
            assert not re.search(rf"\b{re.escape(key)}\b", text), key
        # no event kind, status or other snake_case identifier shows
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(
            r"\b[a-z]+_[a-z_]+\b", text
        )


def test_deadlines_not_yet_running_say_they_start_on_acceptance(world: World) -> None:
    submitted = world.apply()
    number = submitted.json()["number"]
    client = _handler_page(world)
    chinese = client.get(f"/cases/{number}/").content.decode()
    deadline = re.search(r'data-testid="legal-deadline">([^<]*)<', chinese)
    assert deadline and deadline.group(1) == "受理后开始计算"
    assert 'data-testid="promised-deadline">受理后开始计算<' in chinese

    world.act(world.clerk, number, "accept")
    accepted = client.get(f"/cases/{number}/").content.decode()
    assert "受理后开始计算" not in accepted
    assert re.search(r'data-testid="legal-deadline">\d{4}-\d{2}-\d{2}', accepted), (
        "the legal deadline is a date once accepted"
    )
