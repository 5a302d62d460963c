"""System checks of the staff accounts (`tongban check --database default`): 三员分立."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

from tongban.accounts.permissions import roles_problem
from tongban.catalog.constants import StaffRole

_WORDS = {
    "admin_roles_combined": "holds two of the three administrator roles",
    "audit_admin_combined": "holds the audit administrator role with another role",
}


@register(Tags.database, Tags.security)
def staff_roles_apart(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **_kwargs: Any,
) -> list[CheckMessage]:
    """Every staff account that breaks 三员分立 (an error), or holds a role that no longer
    exists (a warning: it allows nothing). Runs only when asked to look at a database;
    the database's own constraint already refuses new ones (`StaffProfile`)."""
    if not databases:
        return []
    from tongban.accounts.models import StaffProfile

    found: list[CheckMessage] = []
    for database in databases:
        try:
            rows = list(
                StaffProfile.objects.using(database)
                .order_by("user__username")
                .values_list("user__username", "roles")
            )
        except DatabaseError:  # not migrated yet: nothing to look at
            continue
        for username, roles in rows:
            problem = roles_problem(roles)
            if problem is not None:
                found.append(
                    Error(
                        f"staff account {username!r} {_WORDS[problem]}: "
                        f"{', '.join(roles)}",
                        hint="Give one person one administrator role: "
                        "tongban staff roles USERNAME --role ROLE (docs/security.md, "
                        "'Separation of duties').",
                        obj=username,
                        id="tongban.accounts.E001",
                    )
                )
            unknown = [r for r in roles if r not in StaffRole.values]
            if unknown:
                found.append(
                    Warning(
                        f"staff account {username!r} holds roles that no longer exist "
                        f"and allow nothing: {', '.join(unknown)}",
                        hint="tongban staff roles USERNAME --role ROLE",
                        obj=username,
                        id="tongban.accounts.W001",
                    )
                )
    return found
