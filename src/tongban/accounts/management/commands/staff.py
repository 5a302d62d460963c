"""`tongban staff create USERNAME --department CODE --role ROLE [--role ...] --email E`.

The password is read from TONGBAN_STAFF_PASSWORD or asked for; the staff member binds an
authenticator app at first login.
"""

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.accounts.services import staff_create
from tongban.catalog.constants import StaffRole
from tongban.catalog.models import Department
from tongban.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a staff member of a catalogue department with roles."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument(
            "--department", required=True, help="the department's credit code"
        )
        create.add_argument(
            "--role", action="append", required=True, choices=StaffRole.values
        )
        create.add_argument("--email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        department = Department.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"no department with code {options['department']}")
        password = os.environ.get("TONGBAN_STAFF_PASSWORD") or getpass.getpass(
            "password: "
        )
        try:
            profile = staff_create(
                username=options["username"],
                email=options["email"],
                password=password,
                department=department,
                roles=options["role"],
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            f"created {profile.user.username} in {department.name} with {', '.join(profile.roles)}"
        )
