"""`tongban demo_data`: the demo's data — an administrator, regional calendar adjustments,
and (with TONGBAN_DEMO on, as in development settings) demo accounts.

Idempotent: running it again changes nothing. Never used in production.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from tongban.accounts.demo import demo_accounts_load
from tongban.workdays.models import DayOverride
from tongban.workdays.services import day_override_set

DEMO_ADMIN = ("demo", "demo-password")

# Regional adjustments as they appear in practice (regional ethnic holidays); marked as demo
# data, not official arrangements.
DEMO_ADJUSTMENTS = [
    ("450000", dt.date(2026, 4, 20), False, "壮族三月三（演示）"),
    ("450000", dt.date(2026, 4, 21), False, "壮族三月三（演示）"),
    ("650000", dt.date(2026, 5, 27), False, "古尔邦节（演示）"),
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        username, password = DEMO_ADMIN
        if not user_model.objects.filter(username=username).exists():
            user_model.objects.create_superuser(
                username, "demo@tongban.invalid", password
            )
        for region, day, is_working_day, name in DEMO_ADJUSTMENTS:
            if not DayOverride.objects.filter(region=region, date=day).exists():
                day_override_set(
                    region=region,
                    date=day,
                    is_working_day=is_working_day,
                    name=name,
                    basis="演示数据",
                )
        if getattr(settings, "TONGBAN_DEMO", False):
            counts = demo_accounts_load()
            self.stdout.write(
                "demo accounts: {people} people, {staff} staff, {companies} companies".format(
                    **counts
                )
            )
        self.stdout.write("demo data ready")
