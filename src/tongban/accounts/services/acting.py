"""Acting for someone else: beginning it, from the page's switcher or an API session."""

from django.db import transaction

from tongban.accounts import selectors
from tongban.accounts.models import ApiSession, Person
from tongban.accounts.selectors import Principal
from tongban.audit.services import audit_record


def acting_begin(*, person: Person, key: str, channel: str) -> Principal:
    """`person` begins acting for the principal `key` names; refused as `acting_resolve`
    refuses (404 not theirs, 403 `grant_expired`).

    The principal's record shows who began acting for them, when, and through which door
    (`channel`: "web" or "api"); going back to acting for oneself is not recorded.
    """
    principal = selectors.acting_resolve(person, key)
    if principal.kind != "self":
        subject = principal.company or principal.person
        assert subject is not None  # noqa: S101 — a principal names a company or a person
        audit_record(
            action="acting.begin",
            actor=person.user,
            subject_type=principal.kind,
            subject_id=subject.pk,
            data={"channel": channel},
        )
    return principal


def api_session_acting_set(
    *, session: ApiSession, person: Person, key: str
) -> Principal:
    """The principal an API call acts for (`X-Acting-For`), checked on every call.

    The session remembers whom it acts for, so that only a change of principal begins
    acting (and is audited), once, however many calls follow with the same key.
    """
    key = key or "self"
    if key == session.acting_key:
        return selectors.acting_resolve(person, key)
    with transaction.atomic(durable=True):
        # Locked, so two simultaneous first calls with the same key audit it once.
        current = (
            ApiSession.objects.select_for_update()
            .values_list("acting_key", flat=True)
            .get(pk=session.pk)
        )
        if current == key:
            principal = selectors.acting_resolve(person, key)
        else:
            principal = acting_begin(person=person, key=key, channel="api")
            ApiSession.objects.filter(pk=session.pk).update(acting_key=key)
    session.acting_key = key
    return principal
