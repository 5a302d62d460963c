"""Writes of the audit log: recording events, writing signed checkpoints, verifying both.

Each event's `hash` is SHA-256 of the previous event's hash followed by the canonical JSON
of the event's own fields (id included), so changing, inserting or deleting a row breaks
the chain at that row. Checkpoints — the chain head, HMAC-signed, appended to a file
outside the database — catch what the chain alone cannot: the tail being cut off. Each
checkpoint is also shipped off the machine to the audit sink (`tongban.contrib.auditsink`),
so cutting the log and the local checkpoint file together shows too.
See docs/audit.md for exactly what is and is not detected.
"""

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction

from tongban.audit.models import GENESIS_HASH, AuditEvent
from tongban.contrib.auditsink import (
    AuditSinkRefused,
    OutsideSystemUnavailable,
    audit_sink,
)
from tongban.core import clock

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# Key of the PostgreSQL transaction-level advisory lock that serialises the chain:
# "tongbanA" in ASCII; any constant no other code of the platform uses.
CHAIN_LOCK_KEY = 0x746F6E6762616E41
CHECKPOINT_KEY_LABEL = b"tongban-audit-checkpoint"
_CHECKPOINT_VERSION = 1
SINK_PAGE = 1000

log = logging.getLogger(__name__)


# --- hashing ----------------------------------------------------------------------------


def canonical_json(value: object) -> str:
    """The one JSON spelling of a value that hashes and signatures are computed over."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def _utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _event_content(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": _utc_iso(event.at),
        "actor": event.actor,
        "actor_user_id": event.actor_user_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "reason": event.reason,
        "data": event.data,
    }


def _event_hash(event: AuditEvent, prev_hash: str) -> str:
    text = prev_hash + canonical_json(_event_content(event))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- what may go into an event ----------------------------------------------------------

# A GB 11643 citizen identity number: 6-digit region, birth date, 3-digit sequence, check.
_IDENTITY_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_IDENTITY_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _holds_identity_number(text: str) -> bool:
    for match in _IDENTITY_NUMBER.finditer(text):
        number = match.group(0)
        total = sum(
            int(d) * w for d, w in zip(number[:17], _IDENTITY_WEIGHTS, strict=True)
        )
        if "10X98765432"[total % 11] == number[17].upper():
            return True
    return False


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _refuse_floats(value: object) -> None:
    if isinstance(value, float):
        # PostgreSQL's jsonb may spell a float back differently (1e16 → 10000000000000000),
        # which would read as tampering. Integers and strings round-trip exactly.
        raise TypeError(
            f"audit data must not hold floats ({value!r}); pass decimals as strings"
        )
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_floats(item)


def _normalised_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` as it will read back from the database: str keys, lists, no floats."""
    normalised: dict[str, Any] = json.loads(canonical_json(data))
    _refuse_floats(normalised)
    return normalised


def _actor_label(
    actor: "AbstractBaseUser | AnonymousUser | None",
) -> tuple[str, int | None]:
    if actor is None:
        return "system", None
    if actor.is_anonymous or actor.pk is None:
        return "anonymous", None
    return f"user:{actor.pk}", int(actor.pk)


def _lock_chain() -> None:
    """Serialise writers of the chain until the surrounding transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite: the project's connections begin IMMEDIATE transactions, so the outermost
    # atomic block already holds the database's single write lock. Elsewhere the primary
    # key still refuses a second row with the same id: a race fails, it never forks.


# --- recording --------------------------------------------------------------------------


def audit_record(
    *,
    action: str,
    actor: "AbstractBaseUser | AnonymousUser | None" = None,
    subject_type: str = "",
    subject_id: str | int = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    `data` must hold masked values only: a raw citizen identity number anywhere in
    `data`, `reason` or `subject_id` is refused with ValueError, floats with TypeError.
    """
    payload = _normalised_data(data or {})
    subject = str(subject_id)
    if any(
        _holds_identity_number(text) for text in [reason, subject, *_strings(payload)]
    ):
        raise ValueError(
            "audit events must not hold a raw identity number: pass it masked"
        )
    actor_label, actor_user_id = _actor_label(actor)
    # No savepoint: an event that cannot be written fails the caller's whole transaction,
    # and the two round trips a savepoint costs are saved on every audited action.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        last_id, prev_hash = head if head is not None else (0, GENESIS_HASH)
        # The id is set here, under the lock, rather than drawn from the sequence: it is
        # part of the hash, and ids without gaps make a deleted row show as a missing id.
        event = AuditEvent(
            id=last_id + 1,
            at=clock.now(),
            actor=actor_label,
            actor_user_id=actor_user_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject,
            reason=reason,
            data=payload,
            prev_hash=prev_hash,
        )
        event.hash = _event_hash(event, prev_hash)
        event.full_clean(validate_unique=False, validate_constraints=False)
        event.save(force_insert=True)
    return event


# --- checkpoints ------------------------------------------------------------------------


def _checkpoint_file() -> Path:
    override = getattr(settings, "AUDIT_CHECKPOINT_FILE", None)
    if override:
        return Path(override)
    return Path(settings.DATA_DIR) / "audit" / "checkpoints.jsonl"


def _checkpoint_key() -> bytes:
    configured = getattr(settings, "AUDIT_CHECKPOINT_KEY", None)
    if configured:
        return configured.encode() if isinstance(configured, str) else bytes(configured)
    # HKDF-SHA256 (RFC 5869, empty salt, one block) of the secret key under a fixed label,
    # so the checkpoint key is unrelated to every other use of SECRET_KEY.
    secret = str(settings.SECRET_KEY).encode()
    pseudo_random_key = hmac.new(b"\0" * 32, secret, hashlib.sha256).digest()
    return hmac.new(
        pseudo_random_key, CHECKPOINT_KEY_LABEL + b"\x01", hashlib.sha256
    ).digest()


def _signature(record: Mapping[str, Any]) -> str:
    unsigned = {key: value for key, value in record.items() if key != "signature"}
    message = canonical_json(unsigned).encode("utf-8")
    return hmac.new(_checkpoint_key(), message, hashlib.sha256).hexdigest()


def _last_line(stream: IO[bytes]) -> bytes:
    size = stream.seek(0, os.SEEK_END)
    stream.seek(max(0, size - 8192))
    lines = [line for line in stream.read().splitlines() if line.strip()]
    return lines[-1] if lines else b""


def audit_checkpoint_write() -> Path | None:
    """Append the signed chain head to the checkpoint file, then ship what the sink lacks;
    None when there was nothing to write.

    Nothing is written for an empty log, or when the head has not moved since the last
    checkpoint. The file is locked while read and appended, and fsynced. A sink that cannot
    be reached gets the checkpoints it missed on the next run.
    """
    path = _checkpoint_append()
    audit_checkpoints_ship()
    return path


def _checkpoint_append() -> Path | None:
    head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if head is None:
        return None
    last_id, head_hash = head
    # Rows up to the head never change in an intact log, so this count matches the head
    # even if events are recorded meanwhile.
    rows = AuditEvent.objects.filter(id__lte=last_id).count()
    path = _checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as stream:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX)  # released when the file closes
        tail = _last_line(stream)
        try:
            previous = json.loads(tail) if tail else None
        except ValueError:
            previous = None
        if (
            isinstance(previous, dict)
            and previous.get("last_id") == last_id
            and previous.get("hash") == head_hash
        ):
            return None
        record: dict[str, Any] = {
            "v": _CHECKPOINT_VERSION,
            "last_id": last_id,
            "hash": head_hash,
            "rows": rows,
            "written_at": _utc_iso(clock.now()),
        }
        record["signature"] = _signature(record)
        size = stream.seek(0, os.SEEK_END)
        if size:
            stream.seek(size - 1)
            if stream.read(1) != b"\n":  # a line cut short by a crash stays on its own
                stream.write(b"\n")
        stream.write(canonical_json(record).encode("utf-8") + b"\n")
        stream.flush()
        os.fsync(stream.fileno())
    return path


@dataclass(frozen=True)
class ShipReport:
    shipped: int
    error: str = ""


def audit_checkpoints_ship() -> ShipReport:
    """Give the sink every local checkpoint above the highest row it holds, oldest first.

    Nothing when no sink is configured. A sink that is down is noted (the health page shows
    it) and left for the next run; one that refuses a checkpoint — it holds another for the
    same row — is logged as an error: that is what `audit verify` reports as tampering.
    """
    sink = audit_sink()
    if sink is None:
        return ShipReport(shipped=0)
    shipped = 0
    try:
        newest = sink.latest()
        held = int(newest["last_id"]) if newest else 0
        # A bad local line is `audit verify`'s to report; shipping skips it.
        for record in _checkpoint_records([]):
            if int(record["last_id"]) <= held:
                continue
            sink.append(record)
            shipped += 1
    except OutsideSystemUnavailable as error:
        log.warning(
            "audit sink unreachable, %s checkpoint(s) shipped: %s", shipped, error
        )
        return ShipReport(shipped=shipped, error=str(error))
    except AuditSinkRefused as error:
        log.error("audit sink refused a checkpoint: %s", error)
        return ShipReport(shipped=shipped, error=str(error))
    return ShipReport(shipped=shipped)


@dataclass(frozen=True)
class _Checkpoint:
    line: int  # 0: held by the sink only
    last_id: int
    hash: str
    rows: int
    written_at: str

    def label(self) -> str:
        where = f"line {self.line}" if self.line else "held by the sink"
        return f"checkpoint at row {self.last_id} ({where}, {self.written_at})"


def _checkpoint_parse(record: object, line: int) -> _Checkpoint | None:
    """The checkpoint a record holds if its signature holds; None otherwise."""
    if not isinstance(record, dict):
        raise ValueError("unreadable")
    try:
        checkpoint = _Checkpoint(
            line=line,
            last_id=int(record["last_id"]),
            hash=str(record["hash"]),
            rows=int(record["rows"]),
            written_at=str(record["written_at"]),
        )
        signature = str(record["signature"])
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError("unreadable") from error
    if not hmac.compare_digest(signature, _signature(record)):
        return None
    return checkpoint


def _checkpoint_records(problems: list[str]) -> Iterator[dict[str, Any]]:
    """The local file's signed checkpoints as records; a problem for each bad line."""
    for line, record in _checkpoint_lines(problems):
        if _checkpoint_parse(record, line) is not None:
            yield record


def _checkpoint_lines(problems: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    path = _checkpoint_file()
    if not path.exists():
        return
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                _checkpoint_parse(record, number)
            except ValueError:
                problems.append(f"checkpoint line {number} is unreadable")
                continue
            yield number, record


def _checkpoints_read(problems: list[str]) -> list[_Checkpoint]:
    """The checkpoints whose signature holds; a problem for each line that does not."""
    checkpoints: list[_Checkpoint] = []
    for number, record in _checkpoint_lines(problems):
        checkpoint = _checkpoint_parse(record, number)
        if checkpoint is None:
            problems.append(f"checkpoint signature invalid at line {number}")
            continue
        checkpoints.append(checkpoint)
    return checkpoints


def _sink_checkpoints(
    local: list[_Checkpoint], problems: list[str]
) -> list[_Checkpoint]:
    """The sink's checkpoints that the local file lacks; a problem for each that differs
    from the local one for its row, is not signed by our key, or the whole sink if it
    cannot be read."""
    sink = audit_sink()
    if sink is None:
        return []
    by_row = {checkpoint.last_id: checkpoint for checkpoint in local}
    newest_local = max(by_row, default=0)
    extra: list[_Checkpoint] = []
    after = 0
    try:
        while True:
            page = sink.records(after=after, limit=SINK_PAGE)
            for record in page:
                try:
                    checkpoint = _checkpoint_parse(record, 0)
                except ValueError:
                    problems.append("the audit sink holds an unreadable checkpoint")
                    continue
                if checkpoint is None:
                    problems.append(
                        f"the audit sink's checkpoint for row {record.get('last_id')} "
                        "is not signed by this platform's key"
                    )
                    continue
                after = max(after, checkpoint.last_id)
                mine = by_row.get(checkpoint.last_id)
                if mine is None:
                    extra.append(checkpoint)
                elif mine.hash != checkpoint.hash or mine.rows != checkpoint.rows:
                    problems.append(
                        f"{mine.label()} differs from the audit sink's checkpoint for "
                        f"the same row (hash {checkpoint.hash}, written "
                        f"{checkpoint.written_at}) — the local checkpoint was rewritten"
                    )
                    extra.append(checkpoint)  # the rows are held against both
            if len(page) < SINK_PAGE:
                break
    except OutsideSystemUnavailable as error:
        problems.append(
            f"the audit sink could not be read ({error}): only local checkpoints checked"
        )
        return extra
    newest_sink = max((c.last_id for c in extra), default=0)
    if newest_sink > newest_local:
        problems.append(
            f"the local checkpoint file ends at row {newest_local} but the audit sink "
            f"holds a checkpoint at row {newest_sink} — local checkpoints were removed"
        )
    return extra


# --- verifying --------------------------------------------------------------------------


@dataclass
class VerifyReport:
    ok: bool
    rows_checked: int
    problems: list[str] = field(default_factory=list)


def _rows(first: int, last: int) -> str:
    return f"row {first}" if first == last else f"rows {first}–{last}"


def audit_verify(*, sink: bool = True) -> VerifyReport:
    """Walk the whole chain in id order and hold it against the signed checkpoints: the
    local file's and, unless `sink` is False, those the audit sink holds."""
    problems: list[str] = []
    # Checkpoints first, rows second: every row a checkpoint names was committed before
    # the query below began.
    checkpoints = _checkpoints_read(problems)
    if sink:
        checkpoints += _sink_checkpoints(checkpoints, problems)
    by_row: dict[int, list[_Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_row.setdefault(checkpoint.last_id, []).append(checkpoint)
    matched: set[int] = set()
    expected_prev = GENESIS_HASH
    previous_id = 0
    rows = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        rows += 1
        if event.id != previous_id + 1:
            missing = _rows(previous_id + 1, event.id - 1)
            if previous_id:
                problems.append(
                    f"ids jump from {previous_id} to {event.id}: {missing} deleted"
                )
            else:
                problems.append(f"the log starts at row {event.id}: {missing} deleted")
        if event.prev_hash != expected_prev:
            before = f"row {previous_id}" if previous_id else "the genesis value"
            problems.append(
                f"row {event.id}: chain broken — prev_hash does not match {before} "
                "(a row before it was inserted, replaced or deleted)"
            )
        if _event_hash(event, event.prev_hash) != event.hash:
            problems.append(f"row {event.id}: content changed (hash mismatch)")
        for checkpoint in by_row.get(event.id, []):
            matched.add(event.id)
            if checkpoint.hash != event.hash:
                problems.append(
                    f"{checkpoint.label()} records hash {checkpoint.hash} "
                    f"but row {event.id} now has hash {event.hash}"
                )
            if checkpoint.rows != rows:
                problems.append(
                    f"{checkpoint.label()} counted {checkpoint.rows} rows up to it, "
                    f"now there are {rows}"
                )
        expected_prev = event.hash
        previous_id = event.id
    for checkpoint in checkpoints:
        if checkpoint.last_id in matched:
            continue
        if checkpoint.last_id > previous_id:
            end = f"ends at row {previous_id}" if previous_id else "is empty"
            problems.append(f"{checkpoint.label()}: the log now {end} — truncated")
        else:
            problems.append(
                f"{checkpoint.label()}: row {checkpoint.last_id} is missing — deleted"
            )
    return VerifyReport(ok=not problems, rows_checked=rows, problems=problems)
