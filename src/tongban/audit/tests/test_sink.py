"""Checkpoints shipped off the machine: the audit sink catches a log cut together with
the local checkpoint file, a rewritten local checkpoint, and says when it cannot be read."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongban.audit.models import AuditEvent
from tongban.audit.services import (
    audit_checkpoint_write,
    audit_checkpoints_ship,
    audit_record,
    audit_verify,
)
from tongban.contrib.standins.server import StandinServer, make_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings: Any, tmp_path: Path) -> Iterator[StandinServer]:
    """A stand-in audit sink of this test's own (the session's holds other tests' rows)."""
    server = make_server(tmp_path / "sink")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.AUDIT_SINK_BACKEND = "tongban.contrib.auditsink.http.HttpAuditSink"
    settings.OUTSIDE_SYSTEMS = {
        **settings.OUTSIDE_SYSTEMS,
        "audit_sink": f"http://127.0.0.1:{server.server_address[1]}/audit_sink",
    }
    yield server
    server.shutdown()
    server.server_close()


def record_events(count: int) -> None:
    for number in range(count):
        audit_record(action="case.view", subject_type="case", subject_id=number)


def sink_file(tmp_path: Path) -> list[str]:
    return (tmp_path / "sink" / "audit_sink.jsonl").read_text().splitlines()


def test_each_checkpoint_is_shipped_once(sink: StandinServer, tmp_path: Path) -> None:
    record_events(3)
    audit_checkpoint_write()
    record_events(2)
    audit_checkpoint_write()
    audit_checkpoint_write()  # nothing new: nothing shipped again

    assert len(sink_file(tmp_path)) == 2
    assert audit_verify().ok


def test_cutting_the_log_and_the_local_checkpoints_together_is_detected(
    sink: StandinServer, checkpoint_file: Path
) -> None:
    record_events(4)
    audit_checkpoint_write()
    record_events(3)
    audit_checkpoint_write()
    # Whoever holds the machine cuts rows 5–7 and the checkpoint line that sealed them:
    # what is left locally is consistent.
    AuditEvent.objects.filter(id__gt=4).delete()
    lines = checkpoint_file.read_text().splitlines()
    checkpoint_file.write_text(lines[0] + "\n")
    assert audit_verify(sink=False).ok

    report = audit_verify()

    assert not report.ok
    assert any(
        problem.startswith("checkpoint at row 7 (held by the sink, ")
        and problem.endswith("the log now ends at row 4 — truncated")
        for problem in report.problems
    ), report.problems
    assert (
        "the local checkpoint file ends at row 4 but the audit sink holds a "
        "checkpoint at row 7 — local checkpoints were removed"
    ) in report.problems


def test_a_rewritten_local_checkpoint_differs_from_the_sinks(
    sink: StandinServer, checkpoint_file: Path
) -> None:
    record_events(3)
    audit_checkpoint_write()
    # Cut and regrow to the same length, and write a fresh local file for the new head:
    # locally consistent (the key is the platform's), but the sink kept the first one.
    AuditEvent.objects.filter(id=3).delete()
    audit_record(action="case.view", subject_id="replacement")
    checkpoint_file.unlink()
    audit_checkpoint_write()

    report = audit_verify()

    assert any("differs from the audit sink's checkpoint" in p for p in report.problems)
    assert any("row 3 now has hash" in p for p in report.problems)


def test_a_sink_that_was_down_gets_what_it_missed(
    sink: StandinServer, settings: Any, tmp_path: Path
) -> None:
    address = settings.OUTSIDE_SYSTEMS["audit_sink"]
    settings.OUTSIDE_SYSTEMS = {
        **settings.OUTSIDE_SYSTEMS,
        "audit_sink": "http://127.0.0.1:9/x",
    }
    record_events(2)
    audit_checkpoint_write()  # written locally; shipping fails and is left for later
    record_events(2)
    audit_checkpoint_write()
    down = audit_verify()
    assert not down.ok
    assert down.problems[0].startswith("the audit sink could not be read (")

    settings.OUTSIDE_SYSTEMS = {**settings.OUTSIDE_SYSTEMS, "audit_sink": address}
    report = audit_checkpoints_ship()

    assert (report.shipped, report.error) == (2, "")
    assert len(sink_file(tmp_path)) == 2
    assert audit_verify().ok


def test_the_command_reports_the_sink(
    sink: StandinServer, checkpoint_file: Path, capsys: Any
) -> None:
    record_events(5)
    call_command("audit", "checkpoint")
    AuditEvent.objects.filter(id__gt=2).delete()
    checkpoint_file.unlink()

    call_command("audit", "verify", "--local-only")  # the local view alone is intact
    with pytest.raises(CommandError, match="problem"):
        call_command("audit", "verify")
    assert "truncated" in capsys.readouterr().err


def test_the_stand_in_never_replaces_what_it_holds(sink: StandinServer) -> None:
    from tongban.contrib.auditsink import AuditSinkRefused, audit_sink

    store = audit_sink()
    assert store is not None
    record = {"v": 1, "last_id": 1, "hash": "a" * 64, "rows": 1, "signature": "s"}
    store.append(record)
    store.append(record)  # the same again: harmless
    with pytest.raises(AuditSinkRefused):
        store.append({**record, "hash": "b" * 64})
    assert store.records() == [record]
    assert store.latest() == record
