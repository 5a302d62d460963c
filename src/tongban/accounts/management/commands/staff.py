"""`tongban staff create USERNAME --department CODE --role ROLE [--role ...] --email E`,
`tongban staff roles USERNAME --role ROLE [--role ...]`, `tongban staff unlock USERNAME`.

The password is read from TONGBAN_STAFF_PASSWORD or asked for; the staff member binds an
authenticator app at first login. Roles are checked as on the security administrator's
page (三员分立, `accounts/permissions.py`); each change is audited, by `system`.
"""

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.accounts.models import StaffProfile
from tongban.accounts.services import staff_create, staff_roles_set, staff_unlock
from tongban.catalog.constants import StaffRole
from tongban.catalog.models import Department
from tongban.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a staff member with roles, change their roles, or unlock them."

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
        roles = sub.add_parser("roles", help="give a staff member exactly these roles")
        roles.add_argument("username")
        roles.add_argument(
            "--role", action="append", required=True, choices=StaffRole.values
        )
        unlock = sub.add_parser("unlock", help="end a lock after failed logins")
        unlock.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options)
            elif options["action"] == "roles":
                profile = staff_roles_set(
                    by=None, member=self._member(options), roles=options["role"]
                )
                self.stdout.write(
                    f"{profile.user.username} now has {', '.join(profile.roles)}"
                )
            else:
                member = self._member(options)
                staff_unlock(by=None, member=member)
                self.stdout.write(f"{member.user.username} is unlocked")
        except DomainError as error:
            raise CommandError(str(error.message)) from error

    def _member(self, options: dict[str, Any]) -> StaffProfile:
        member = (
            StaffProfile.objects.select_related("user")
            .filter(user__username=options["username"])
            .first()
        )
        if member is None:
            raise CommandError(f"no staff member named {options['username']}")
        return member

    def _create(self, options: dict[str, Any]) -> None:
        department = Department.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"no department with code {options['department']}")
        password = os.environ.get("TONGBAN_STAFF_PASSWORD") or getpass.getpass(
            "password: "
        )
        profile = staff_create(
            username=options["username"],
            email=options["email"],
            password=password,
            department=department,
            roles=options["role"],
        )
        self.stdout.write(
            f"created {profile.user.username} in {department.name} with {', '.join(profile.roles)}"
        )
