"""The audit chain: recording, checkpoints, and what verification does and does not catch."""

import datetime as dt
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tongban.audit.models import GENESIS_HASH, AuditEvent
from tongban.audit.selectors import audit_events_by_actor, audit_events_for_subject
from tongban.audit.services import (
    audit_checkpoint_write,
    audit_record,
    audit_verify,
)
from tongban.ops.jobs import REGISTRY

pytestmark = pytest.mark.django_db


def expected_hash(event: AuditEvent) -> str:
    """The hash as docs/audit.md defines it, computed independently of the service."""
    content = {
        "id": event.id,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor,
        "actor_user_id": event.actor_user_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "reason": event.reason,
        "data": event.data,
    }
    text = event.prev_hash + json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


def record_events(count: int) -> list[AuditEvent]:
    return [
        audit_record(
            action="case.view",
            subject_type="case",
            subject_id=number,
            reason="测试",
            data={"n": number, "name": "张*"},
        )
        for number in range(1, count + 1)
    ]


def test_records_a_chain_from_genesis_with_sequential_ids() -> None:
    user = get_user_model().objects.create_user(username="clerk", password="x")
    first = audit_record(action="account.register", actor=user)
    second = audit_record(action="identity.read", actor=AnonymousUser(), data={"a": 1})
    third = audit_record(
        action="system.tick", subject_type="case", subject_id=42, reason="定时"
    )

    stored = list(AuditEvent.objects.order_by("id"))
    assert [event.id for event in stored] == [1, 2, 3]
    assert [(e.actor, e.actor_user_id) for e in stored] == [
        (f"user:{user.pk}", user.pk),
        ("anonymous", None),
        ("system", None),
    ]
    assert stored[0].prev_hash == GENESIS_HASH
    assert stored[1].prev_hash == first.hash
    assert stored[2].prev_hash == second.hash
    assert stored[2].subject_id == "42"
    for event, returned in zip(stored, [first, second, third], strict=True):
        assert event.hash == returned.hash == expected_hash(event)


def test_verify_reports_an_intact_log() -> None:
    record_events(5)
    assert audit_checkpoint_write() is not None
    record_events(2)

    report = audit_verify()

    assert report.ok
    assert report.rows_checked == 7
    assert report.problems == []


def test_verify_of_an_empty_log_is_intact() -> None:
    report = audit_verify()
    assert (report.ok, report.rows_checked, report.problems) == (True, 0, [])


def test_changed_data_is_detected_at_that_row() -> None:
    record_events(5)
    AuditEvent.objects.filter(id=3).update(data={"n": 3, "name": "李*"})

    report = audit_verify()

    assert not report.ok
    assert report.problems == ["row 3: content changed (hash mismatch)"]


def test_changed_data_with_recomputed_hash_breaks_the_next_link() -> None:
    record_events(5)
    event = AuditEvent.objects.get(id=3)
    event.reason = "改过"
    event.hash = expected_hash(event)
    event.save()

    report = audit_verify()

    assert report.problems == [
        "row 4: chain broken — prev_hash does not match row 3 "
        "(a row before it was inserted, replaced or deleted)"
    ]


def test_forged_row_in_the_middle_is_detected() -> None:
    record_events(5)
    original = AuditEvent.objects.get(id=3)
    AuditEvent.objects.filter(id=3).delete()
    forged = AuditEvent(
        id=3,
        at=original.at,
        actor="system",
        action="case.view",
        subject_type="case",
        subject_id="999",
        data={},
        prev_hash=original.prev_hash,
    )
    forged.hash = expected_hash(forged)  # a self-consistent row, linked to row 2
    forged.save(force_insert=True)

    report = audit_verify()

    assert not report.ok
    assert report.problems == [
        "row 4: chain broken — prev_hash does not match row 3 "
        "(a row before it was inserted, replaced or deleted)"
    ]


def test_deleted_row_is_detected() -> None:
    record_events(5)
    AuditEvent.objects.filter(id=3).delete()

    report = audit_verify()

    assert report.rows_checked == 4
    assert report.problems == [
        "ids jump from 2 to 4: row 3 deleted",
        "row 4: chain broken — prev_hash does not match row 2 "
        "(a row before it was inserted, replaced or deleted)",
    ]


def test_deleted_first_rows_are_detected() -> None:
    record_events(4)
    AuditEvent.objects.filter(id__lte=2).delete()

    report = audit_verify()

    assert report.problems[0] == "the log starts at row 3: rows 1–2 deleted"
    assert report.problems[1].startswith(
        "row 3: chain broken — prev_hash does not match the genesis value"
    )


def test_tail_truncated_back_before_a_checkpoint_is_detected() -> None:
    record_events(6)
    audit_checkpoint_write()
    AuditEvent.objects.filter(id__gt=4).delete()

    report = audit_verify()

    assert not report.ok
    assert len(report.problems) == 1
    assert report.problems[0].startswith("checkpoint at row 6 (line 1, ")
    assert report.problems[0].endswith(": the log now ends at row 4 — truncated")


def test_truncated_then_regrown_log_is_caught_by_the_checkpoint_hash() -> None:
    record_events(4)
    audit_checkpoint_write()
    head = AuditEvent.objects.get(id=4)
    AuditEvent.objects.filter(id=4).delete()
    replacement = audit_record(action="case.view", subject_id="other")

    report = audit_verify()

    assert replacement.id == 4
    assert len(report.problems) == 1
    assert report.problems[0].endswith(
        f"records hash {head.hash} but row 4 now has hash {replacement.hash}"
    )


def test_tampered_checkpoint_line_fails_its_signature(checkpoint_file: Path) -> None:
    record_events(3)
    audit_checkpoint_write()
    record_events(2)
    audit_checkpoint_write()
    lines = checkpoint_file.read_text().splitlines()
    first = json.loads(lines[0])
    first["last_id"] = 2  # claim an older head, as if to hide what came after
    lines[0] = json.dumps(first)
    checkpoint_file.write_text("\n".join(lines) + "\n")

    report = audit_verify()

    assert report.problems == ["checkpoint signature invalid at line 1"]


def test_checkpoint_signed_under_another_key_is_invalid(
    settings: Any,
) -> None:
    record_events(2)
    settings.AUDIT_CHECKPOINT_KEY = "another key"
    audit_checkpoint_write()
    del settings.AUDIT_CHECKPOINT_KEY

    assert audit_verify().problems == ["checkpoint signature invalid at line 1"]


def test_unreadable_checkpoint_line_is_reported(checkpoint_file: Path) -> None:
    record_events(2)
    audit_checkpoint_write()
    with open(checkpoint_file, "a") as stream:
        stream.write('{"last_id": 2, "ha\n')

    assert audit_verify().problems == ["checkpoint line 2 is unreadable"]


def test_tail_truncation_after_the_last_checkpoint_is_not_detected() -> None:
    """The documented limit: rows cut after the last checkpoint leave no trace."""
    record_events(4)
    audit_checkpoint_write()
    record_events(3)
    AuditEvent.objects.filter(id__gt=4).delete()

    report = audit_verify()

    assert report.ok
    assert report.rows_checked == 4


def test_checkpoint_is_skipped_while_the_head_has_not_moved(
    checkpoint_file: Path,
) -> None:
    assert audit_checkpoint_write() is None  # empty log
    record_events(2)

    assert audit_checkpoint_write() == checkpoint_file
    assert audit_checkpoint_write() is None
    audit_record(action="case.view")
    assert audit_checkpoint_write() == checkpoint_file

    records = [json.loads(line) for line in checkpoint_file.read_text().splitlines()]
    assert [(r["last_id"], r["rows"]) for r in records] == [(2, 2), (3, 3)]
    assert records[1]["hash"] == AuditEvent.objects.get(id=3).hash


def test_checkpoint_file_defaults_to_the_data_folder(
    settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_CHECKPOINT_FILE = None
    settings.DATA_DIR = tmp_path / "data"
    record_events(1)

    assert audit_checkpoint_write() == tmp_path / "data" / "audit" / "checkpoints.jsonl"


def test_raw_identity_numbers_and_floats_are_refused() -> None:
    with pytest.raises(ValueError, match="identity number"):
        audit_record(action="identity.read", data={"number": "11010519491231002X"})
    with pytest.raises(ValueError, match="identity number"):
        audit_record(action="identity.read", reason="查 11010519491231002x")
    with pytest.raises(TypeError, match="floats"):
        audit_record(action="fee.pay", data={"amount": 1.5})
    audit_record(action="identity.read", data={"number": "110105********002X"})

    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_event_rolled_back_with_its_transaction_leaves_no_gap() -> None:
    audit_record(action="case.view")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="case.submit")
        raise RuntimeError("the caller's change failed")
    after = audit_record(action="case.view")

    assert after.id == 2
    assert audit_verify().ok


def test_selectors_return_newest_first() -> None:
    user = get_user_model().objects.create_user(username="clerk", password="x")
    one = audit_record(
        action="case.view", actor=user, subject_type="case", subject_id=7
    )
    two = audit_record(action="case.edit", subject_type="case", subject_id="7")
    three = audit_record(
        action="case.view", actor=user, subject_type="case", subject_id=8
    )

    assert list(audit_events_for_subject("case", 7)) == [two, one]
    assert list(audit_events_for_subject("case", 7, actions=["case.view"])) == [one]
    assert list(audit_events_by_actor(user.pk)) == [three, one]


def test_checkpoint_job_is_registered() -> None:
    job = REGISTRY["audit.checkpoint"]
    assert job.every.total_seconds() == 300


def test_command_verify_passes_then_fails_on_tampering(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record_events(3)
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    assert "audit log: 3 rows checked, intact" in capsys.readouterr().out

    AuditEvent.objects.filter(id=2).update(action="case.delete")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")
    assert "row 2: content changed (hash mismatch)" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    def write(worker: int) -> None:
        try:
            for number in range(5):
                audit_record(action="case.view", subject_id=f"{worker}-{number}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))

    report = audit_verify()
    assert (report.ok, report.rows_checked) == (True, 20)
