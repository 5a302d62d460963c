"""`tongban keys`: the data key's ring — `status` (what is under which key), `rotate`
(everything under the current key, resumable), `generate` (a new key).

Here, above every app, because the rotation is audited and walks every app's tables: the
machinery is `tongban.ops` (`services.key_rotation_run`, `selectors.keys_status`), each
app's keyed data is declared in its `keyed.py`. See docs/security.md, "Keys and rotation".
"""

import base64
import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.audit.services import audit_record
from tongban.core import protect
from tongban.ops.selectors import ColumnKeys, KeysStatus, group_key_id, keys_status
from tongban.ops.services import KeyRotationRefused, RotationBatch, key_rotation_run


def _group_label(group: str, suite: str) -> str:
    if group == protect.LEGACY:
        return "legacy"
    letter, key_id = group[0], group_key_id(group)
    if letter in (protect.SUITE_LETTERS[suite], protect.DIGEST_LETTER):
        return key_id
    other = next(s for s, a in protect.SUITE_LETTERS.items() if a == letter)
    return f"{key_id}/{other}"


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class Command(BaseCommand):
    help = (
        "The data key's ring: `status` counts what is under each key, `rotate` rewrites "
        "everything under the current key (resumable), `generate` prints a new key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        status = actions.add_parser("status", help="values per key id, last rotation")
        status.add_argument(
            "--check",
            action="store_true",
            help="exit 1 unless every previous key may be retired",
        )
        rotate = actions.add_parser(
            "rotate", help="re-encrypt and re-index everything under the current key"
        )
        rotate.add_argument("--batch-size", type=int, default=500)
        rotate.add_argument(
            "--pause",
            type=float,
            default=0.0,
            help="seconds to wait between batches, to spare a busy database",
        )
        actions.add_parser("generate", help="print a new random key (base64)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "generate":
            key = protect.key_new()
            self.stdout.write(base64.b64encode(key.secret).decode())
            self.stderr.write(f"key id {key.id}")
        elif action == "status":
            status = keys_status()
            self._status_write(status)
            if options["check"] and not self._retirable(status):
                sys.exit(1)
        else:
            self._rotate(batch_size=options["batch_size"], pause=options["pause"])

    # --- status ----------------------------------------------------------------------

    def _status_write(self, status: KeysStatus) -> None:
        current, *previous = status.ring
        ring = f"current {current} ({status.suite})"
        if previous:
            ring += ", previous " + ", ".join(previous)
        self.stdout.write(f"Keyring: {ring}")
        if not status.is_configured:
            self.stdout.write(
                "  TONGBAN_DATA_KEY is not set: the current key is derived from the "
                "secret key (development and tests only)"
            )
        rotated = [c for c in status.columns if c.is_rotated]
        ageing = [c for c in status.columns if not c.is_rotated]
        self.stdout.write("Rewritten by `tongban keys rotate`:")
        for column in rotated:
            self._column_write(column, status.suite)
        self.stdout.write("Ageing out by themselves (live rows only):")
        for column in ageing:
            self._column_write(column, status.suite)
            self.stdout.write(f"      ends {column.ages_out}")
        self._rotation_write(status)
        self._verdict_write(status)

    def _column_write(self, column: ColumnKeys, suite: str) -> None:
        counts = "  ".join(
            f"{_group_label(group, suite)}: {n}" for group, n in column.counts.items()
        )
        self.stdout.write(f"  {column.table:28} {column.column:18} {counts or '-'}")

    def _rotation_write(self, status: KeysStatus) -> None:
        rotation = status.rotation
        if rotation is None:
            self.stdout.write("No rotation yet.")
            return
        when = f"started {rotation.started_at:%Y-%m-%d %H:%M:%S}"
        if rotation.finished_at is not None:
            when += f", finished {rotation.finished_at:%Y-%m-%d %H:%M:%S}"
        else:
            when += ", not finished"
        self.stdout.write(
            f"Last rotation: to {rotation.key_id} ({rotation.suite}), {when}, "
            f"{rotation.runs} run(s)"
        )
        for progress in status.progress:
            state = (
                "done"
                if progress.finished_at is not None
                else f"pass {progress.passes}, after id {progress.after_pk}"
            )
            self.stdout.write(
                f"  {progress.table:28} {progress.rekeyed} rows re-keyed, {state}"
            )

    def _retirable(self, status: KeysStatus) -> bool:
        return all(status.references(key_id) == 0 for key_id in status.ring[1:])

    def _verdict_write(self, status: KeysStatus) -> None:
        stale = status.stale()
        if stale:
            self.stdout.write(
                f"{stale} values are not under the current key: run `tongban keys rotate`."
            )
        for key_id, n in sorted(status.unknown_keys().items()):
            self.stdout.write(
                f"Key {key_id} is not in the ring but {n} values are under it: add it "
                "to TONGBAN_DATA_KEY_PREVIOUS."
            )
        for key_id in status.ring[1:]:
            n = status.references(key_id)
            if n:
                self.stdout.write(
                    f"Key {key_id}: still needed by {n} values (under it, or naming no "
                    "key: legacy)."
                )
            else:
                self.stdout.write(
                    f"Key {key_id}: nothing refers to it; it may be removed from "
                    "TONGBAN_DATA_KEY_PREVIOUS."
                )

    # --- rotate ----------------------------------------------------------------------

    def _rotate(self, *, batch_size: int, pause: float) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        ring = protect.keyring()
        self.stdout.write(
            f"Rotating to key {ring[0].id} ({protect.suite()}); ring: "
            + ", ".join(key.id for key in ring)
        )
        try:
            outcome = key_rotation_run(
                record=audit_record,
                operator=_operator(),
                batch_size=batch_size,
                pause=pause,
                report=self._batch_write,
            )
        except KeyRotationRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        except KeyboardInterrupt as interrupt:
            raise CommandError(
                "interrupted: the batch under way was not written; run again to resume"
            ) from interrupt
        if outcome is None:
            self.stdout.write(
                f"Nothing to rotate: everything is under key {ring[0].id}."
            )
            return
        rows = ", ".join(f"{table} {n}" for table, n in outcome.rekeyed.items())
        rate = int(outcome.this_run / outcome.seconds) if outcome.seconds else 0
        self.stdout.write(
            f"Done{' (resumed)' if outcome.is_resumed else ''}: {outcome.this_run} rows "
            f"re-keyed by this run in {outcome.seconds:.1f} s ({rate} rows/s); over the "
            f"rotation: {rows}. `tongban keys status` says when an old key may go."
        )

    def _batch_write(self, batch: RotationBatch) -> None:
        self.stdout.write(
            f"  {batch.table}: {batch.table_rekeyed} re-keyed (after id "
            f"{batch.after_pk}, {batch.rows_per_second} rows/s)"
        )
        self.stdout.flush()
