"""A person downloading everything the platform holds about them (PIPL Arts. 44–45)."""

from typing import Any

from tongban.accounts.export import person_data
from tongban.accounts.models import Person
from tongban.audit.services import audit_record


def person_data_export(*, person: Person) -> dict[str, Any]:
    """The person's own data with their numbers in clear; every export is audited."""
    data = person_data(person, full=True)
    audit_record(
        action="account.export",
        actor=person.user,
        subject_type="person",
        subject_id=person.pk,
    )
    return data
