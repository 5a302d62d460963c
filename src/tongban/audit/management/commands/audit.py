"""`tongban audit verify|checkpoint`: check the audit chain, or seal its head now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.audit.services import audit_checkpoint_write, audit_verify


class Command(BaseCommand):
    help = (
        "`verify` walks the audit chain and its checkpoints (exit 1 on any problem); "
        "`checkpoint` writes a signed checkpoint of the chain head now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--local-only",
            action="store_true",
            help="verify against the local checkpoint file only, not the audit sink",
        )

    def handle(
        self, *args: Any, action: str, local_only: bool = False, **options: Any
    ) -> None:
        if action == "checkpoint":
            path = audit_checkpoint_write()
            if path is None:
                self.stdout.write(
                    "audit log: empty or unchanged since the last checkpoint; "
                    "nothing written"
                )
            else:
                self.stdout.write(f"audit log: checkpoint written to {path}")
            return
        report = audit_verify(sink=not local_only)
        if report.ok:
            self.stdout.write(f"audit log: {report.rows_checked} rows checked, intact")
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"audit log: {report.rows_checked} rows checked, "
            f"{len(report.problems)} problem(s) found"
        )
