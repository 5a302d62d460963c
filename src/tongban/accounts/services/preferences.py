"""What a person chooses for themselves: the language they are written to in."""

from django.db import transaction

from tongban.accounts.languages import language_require
from tongban.accounts.models import Person
from tongban.audit.services import audit_record


def person_language_set(*, person: Person, language: str, channel: str) -> Person:
    """Write to `person` in `language` from now on (SMS, email, the inbox, the English
    version of notices); an unknown language is 422. Audited, before → after."""
    chosen = language_require(language)
    before = person.language
    if chosen == before:
        return person
    with transaction.atomic(durable=True):
        Person.objects.filter(pk=person.pk).update(language=chosen)
        person.language = chosen
        audit_record(
            action="account.language_change",
            actor=person.user,
            subject_type="person",
            subject_id=person.pk,
            data={"before": before, "after": chosen, "channel": channel},
        )
    return person
