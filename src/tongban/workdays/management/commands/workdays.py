"""`tongban workdays add|count|day`: deadline arithmetic for staff and scripts."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core.errors import DomainError
from tongban.workdays.constants import LimitUnit
from tongban.workdays.selectors import calendar_get, holiday_name


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Working-day arithmetic on the platform calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser(
            "add", help="the date N working (or calendar) days after DATE"
        )
        add.add_argument("date")
        add.add_argument("days", type=int)
        add.add_argument(
            "--calendar-days",
            action="store_true",
            help="count calendar days, not working days",
        )
        add.add_argument(
            "--region", default="", help="GB/T 2260 region code, e.g. 310115"
        )
        count = actions.add_parser(
            "count", help="working days after FROM up to and including TO"
        )
        count.add_argument("start", metavar="FROM")
        count.add_argument("end", metavar="TO")
        count.add_argument("--region", default="")
        day = actions.add_parser("day", help="whether DATE is a working day, and why")
        day.add_argument("date")
        day.add_argument("--region", default="")

    def handle(self, *args: Any, action: str, region: str, **options: Any) -> None:
        try:
            calendar = calendar_get(region=region)
            if action == "add":
                unit = (
                    LimitUnit.CALENDAR_DAYS
                    if options["calendar_days"]
                    else LimitUnit.WORKING_DAYS
                )
                result = calendar.add(_date(options["date"]), options["days"], unit)
                self.stdout.write(result.isoformat())
            elif action == "count":
                count = calendar.count_working_days(
                    _date(options["start"]), _date(options["end"])
                )
                self.stdout.write(str(count))
            else:
                info = calendar.day(_date(options["date"]))
                words = "working day" if info.is_working_day else "rest day"
                name = f" {holiday_name(info.name)}" if info.name else ""
                self.stdout.write(
                    f"{info.date.isoformat()} {words} ({info.kind}){name}"
                )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
