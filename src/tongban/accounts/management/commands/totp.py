"""`tongban totp USERNAME`: the current code of a demo staff member (demo settings only)."""

from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongban.accounts.models import StaffProfile
from tongban.core import clock, protect


class Command(BaseCommand):
    help = "Print a demo staff member's current one-time code (only where TONGBAN_DEMO is on)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "TONGBAN_DEMO", False):
            raise CommandError("only available in demo settings (TONGBAN_DEMO)")
        profile = StaffProfile.objects.filter(
            user__username=options["username"]
        ).first()
        if profile is None or not profile.totp_encrypted:
            raise CommandError("no such staff member with a one-time code")
        secret = protect.decrypt(profile.totp_encrypted, context="staff.totp")
        self.stdout.write(pyotp.TOTP(secret).at(clock.now()))
