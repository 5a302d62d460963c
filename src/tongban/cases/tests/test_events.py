"""Typed case events: a case through every step, its events migrated from the shapes the
platform wrote before the types, and every kind rendered in plain Chinese and English."""

import datetime as dt
import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation

from tongban.cases import events as kinds
from tongban.cases.constants import (
    Action,
    ClosingType,
    SpecialProcedureKind,
    Status,
)
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services import accept_by_law_due
from tongban.cases.tests.conftest import World
from tongban.cases.tests.test_forward_void_staff import (
    PUDONG_CODE,
    _pudong_implementation,
)
from tongban.cases.timeline import timeline_for
from tongban.catalog.constants import ApprovalMode, Channel
from tongban.core import clock

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "tongban.cases.migrations.0004_typed_event_payloads"
)

OPINION = "任免文件齐全，符合条例第三十条。"


def _ok(answer: Any) -> Any:
    assert answer.status_code in (200, 201), answer.json()
    return answer.json()


def _every_step(world: World) -> list[str]:
    """Cases that between them take every step there is; answers their numbers."""
    _pudong_implementation()
    full = _ok(world.apply())["number"]
    _ok(world.act(world.clerk, full, "request_correction", items=["简历须有本人签名"]))
    _ok(world.handler.post(f"/cases/{full}/supplement", {"note": "已补签名"}))
    _ok(world.act(world.clerk, full, "accept"))
    _ok(world.reviewer.post(f"/workbench/cases/{full}/claim"))
    _ok(world.reviewer.post(f"/workbench/cases/{full}/release"))
    _ok(world.act(world.head, full, "extend", reason="需核实任免文件"))
    _ok(
        world.act(
            world.reviewer,
            full,
            "special_start",
            kind="site_check",
            reason="核实办公场所",
            basis="《外国企业常驻代表机构登记管理条例》",
        )
    )
    _ok(world.act(world.reviewer, full, "special_end", result="场所属实"))
    _ok(world.act(world.reviewer, full, "review", recommend="approve", opinion=OPINION))
    _ok(world.act(world.approver, full, "approve"))
    _ok(world.act(world.clerk, full, "close"))
    _ok(world.act(world.clerk, full, "deliver", proof="电子送达回执 ED-2026-0001"))

    not_accepted = _ok(world.apply())["number"]
    _ok(
        world.act(world.clerk, not_accepted, "refuse_intake", reason="不属于本机关职权")
    )
    refused = _ok(world.apply())["number"]
    _ok(world.act(world.clerk, refused, "accept"))
    _ok(
        world.act(
            world.reviewer,
            refused,
            "review",
            recommend="refuse",
            opinion="任免文件未经认证",
        )
    )
    _ok(world.act(world.approver, refused, "refuse", reason="任免文件未经公证认证"))
    withdrawn = _ok(world.apply())["number"]
    _ok(world.handler.post(f"/cases/{withdrawn}/withdraw", {"reason": "重复申请"}))
    voided = _ok(world.apply())["number"]
    _ok(world.act(world.head, voided, "void", reason="误录入"))
    forwarded = _ok(world.apply())["number"]
    answer = _ok(
        world.act(
            world.clerk,
            forwarded,
            "forward",
            service_code=PUDONG_CODE,
            reason="住所在浦东新区",
        )
    )
    new_number = answer["timeline"][-1]["data"]["new_number"]
    by_law = _ok(world.apply())["number"]
    clock.set_now(clock.now() + dt.timedelta(days=14))
    assert accept_by_law_due() >= 1
    case = Case.objects.get(number=by_law)
    kinds.event_record(case, kinds.deadlines_computed(case), actor=None, before="")
    return [
        full,
        not_accepted,
        refused,
        withdrawn,
        voided,
        forwarded,
        new_number,
        by_law,
    ]


def _as_written_before(event: CaseEvent) -> dict[str, Any]:
    """The payload as the platform wrote it before events were typed."""
    data = dict(event.data)
    facts = data.pop("facts", None)
    if event.action == Action.DRAFT:
        if "forwarded_from" in data:
            return {
                "forwarded_from": data["forwarded_from"],
                "department": data["from_department"],
            }
        return {"channel": "counter"} if data["channel"] == "counter" else {}
    if event.action == Action.SUBMIT:
        assert facts is not None
        data.pop("from_department", None)
        return {**data, "channel": facts["channel"]}
    if event.action == Action.ACCEPT:
        assert facts is not None
        return {"document": data["document"], "legal_deadline": facts["legal_deadline"]}
    if event.action == Action.SPECIAL_START:
        return {k: data[k] for k in ("procedure", "kind", "document")}
    if event.action == Action.SPECIAL_END:
        return {k: data[k] for k in ("procedure", "legal_deadline")}
    if event.action == Action.FORWARD:
        return {k: data[k] for k in ("new_number", "department", "reason")}
    if event.action == Action.DEADLINES:
        return {}
    return data


def _keys(kind: type) -> tuple[set[str], set[str]]:
    """A payload type's required and optional keys."""
    return set(kind.__required_keys__), set(kind.__optional_keys__)  # type: ignore[attr-defined]


def test_the_events_of_every_step_are_typed_and_migrate_from_their_old_shapes(
    world: World,
) -> None:
    numbers = _every_step(world)
    written = list(CaseEvent.objects.filter(case__number__in=numbers).order_by("pk"))
    assert {e.action for e in written} == set(kinds.PAYLOADS) == set(Action.values)
    for event in written:
        required, optional = _keys(kinds.PAYLOADS[event.action])
        assert required <= set(event.data) <= required | optional, event.action
        if "facts" in event.data:
            assert set(event.data["facts"]) == set(kinds.Facts.__annotations__)

    fresh = {e.pk: e.data for e in written}
    for event in written:
        CaseEvent.objects.filter(pk=event.pk).update(data=_as_written_before(event))
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run changes nothing
    for event in CaseEvent.objects.filter(pk__in=fresh).select_related("case"):
        expected = dict(fresh[event.pk])
        if event.action == Action.ACCEPT:
            # The promised deadline at acceptance was not recorded before: the migration
            # takes the case's, which a later special procedure moved on.
            promised = event.case.promised_deadline
            expected["facts"] = {
                **expected["facts"],
                "promised_deadline": promised and promised.isoformat(),
            }
        assert event.data == expected, event.action


# Codes a reader must never see: every status, step, closing, procedure, channel and mode.
CODES = {
    *Status.values,
    *Action.values,
    *ClosingType.values,
    *SpecialProcedureKind.values,
    *Channel.values,
    *ApprovalMode.values,
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _raw(text: str, codes: set[str]) -> list[str]:
    return [
        code
        for code in codes
        if re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", text)
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_event_kind_reads_as_plain_words(world: World, language: str) -> None:
    numbers = _every_step(world)
    seen: set[str] = set()
    for number in numbers:
        case = Case.objects.get(number=number)
        events = list(case.events.select_related("actor").order_by("at", "pk"))
        with translation.override(language):
            applicant = timeline_for(case, events, audience="applicant")
            staff = timeline_for(case, events, audience="staff")
        assert len(staff) == len(events)
        assert {e.action for e in applicant} == {
            e.action for e in events if e.action not in ("claim", "release")
        }
        for entry in [*applicant, *staff]:
            seen.add(entry.action)
            text = " ".join([entry.title, entry.detail, entry.by, entry.document_label])
            assert entry.title and entry.by, entry
            assert not re.search(r"None|\(\'|\{|\[|\bTrue\b|\bFalse\b", text), text
            # English words may be code-like ("web"), Chinese pages may show no code.
            codes = {c for c in CODES if "_" in c} if language == "en" else CODES
            assert _raw(text, codes) == [], (entry.action, text)
            if language == "en":
                assert not CJK.search(entry.title), entry.title
        for entry in applicant:
            assert OPINION not in entry.detail
            assert "clerk-1" not in entry.by and "reviewer-1" not in entry.by
        if number == numbers[6] and language == "zh-hans":
            # the forwarded case was received by the sending department's clerk
            submit = next(e for e in applicant if e.action == Action.SUBMIT)
            assert submit.by == "上海市市场监督管理局"
        if number == numbers[0]:
            review = next(e for e in staff if e.action == Action.REVIEW)
            assert OPINION in review.detail
            assert "reviewer-1" in review.by
    assert seen == set(Action.values)


def test_the_applicants_api_timeline_keeps_internal_opinions_inside(
    world: World,
) -> None:
    number = _ok(world.apply())["number"]
    _ok(world.act(world.clerk, number, "accept"))
    _ok(
        world.act(
            world.reviewer, number, "review", recommend="approve", opinion=OPINION
        )
    )
    _ok(world.reviewer.post(f"/workbench/cases/{number}/claim"))
    mine = _ok(world.handler.get(f"/cases/{number}"))
    steps = {e["action"]: e for e in mine["timeline"]}
    assert "claim" not in steps
    assert steps["review"]["data"] == {}
    assert steps["review"]["label"] == "审查完成，待作出决定"
    assert steps["accept"]["by"] == "上海市市场监督管理局"
    assert steps["accept"]["document"].startswith("市市场监管局受字〔")
    staff = _ok(world.reviewer.get(f"/workbench/cases/{number}"))
    review = next(e for e in staff["timeline"] if e["action"] == "review")
    assert review["data"]["opinion"] == OPINION
