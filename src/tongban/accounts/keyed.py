"""What of accounts is under the data key, and how `tongban keys rotate` rewrites it
(the registry: `tongban.ops.keyed`).

Login guards of logins no account has (`LoginGuard.key`, a blind index of the spelling) are
not here: nothing to rewrite them from, and they matter a day at most — after a key switch
such a login's count starts again under the new key (the per-address limit holds
throughout).
"""

import datetime as dt

from django.db.models import Q

from tongban.accounts.constants import REFRESH_TOKEN_LIFETIME
from tongban.accounts.identifiers import document_index, document_indexes, phone_index
from tongban.accounts.models import (
    ApiSession,
    Company,
    Person,
    SmsChallenge,
    StaffProfile,
)
from tongban.core import clock, protect
from tongban.ops.keyed import keyed


def _company_rekey(company: Company) -> bool:
    """The holders' document indexes in `positions`. Only the index is kept, never the
    number: a holder who is on the platform — the legal representative, or a person whose
    index is still the old one (companies go before people) — gets the new index; any other
    holder's index is dropped (""), as it could never be matched again once the old key is
    gone; the next registry check of the company (`company_register`) writes it anew."""
    prefix = protect.current_prefix()
    stale = [
        p
        for p in company.positions
        if p.get("doc_index") and not p["doc_index"].startswith(prefix)
    ]
    if not stale:
        return False
    known: dict[str, str] = {}
    holders = [company.legal_representative]
    holders += Person.objects.filter(
        doc_index__in=[p["doc_index"] for p in stale]
    ).exclude(pk=company.legal_representative_id)
    for person in holders:
        number = person.doc_number
        new = document_index(person.doc_type, number)
        known.update(dict.fromkeys(document_indexes(person.doc_type, number), new))
    for position in stale:
        position["doc_index"] = known.get(position["doc_index"], "")
    return True


def _company_values(company: Company) -> list[str]:
    return [p.get("doc_index", "") for p in company.positions]


def _person_rekey(person: Person) -> bool:
    number = person.doc_number
    person.doc_encrypted = protect.encrypt(number, context="person.document")
    person.doc_index = document_index(person.doc_type, number)
    if person.phone_encrypted:
        phone = person.phone
        person.phone_encrypted = protect.encrypt(phone, context="person.phone")
        person.phone_index = phone_index(phone)
    return True


def _staff_rekey(profile: StaffProfile) -> bool:
    secret = protect.decrypt(profile.totp_encrypted, context="staff.totp")
    profile.totp_encrypted = protect.encrypt(secret, context="staff.totp")
    return True


def _live_sms_codes() -> Q:
    # A code lives ten minutes, but the per-phone limits count a day of them.
    return Q(created_at__gt=clock.now() - dt.timedelta(days=1))


def _live_api_sessions() -> Q:
    return Q(revoked_at__isnull=True, expires_at__gt=clock.now())


# Companies before people: a holder's old index is matched against people not yet rotated.
keyed(
    Company,
    rekey=_company_rekey,
    writes=("positions",),
    values=_company_values,
    related=("legal_representative",),
)
keyed(
    Person,
    columns=("doc_encrypted", "doc_index", "phone_encrypted", "phone_index"),
    rekey=_person_rekey,
)
keyed(StaffProfile, columns=("totp_encrypted",), rekey=_staff_rekey)
keyed(
    SmsChallenge,
    columns=("phone_index", "code_digest"),
    live=_live_sms_codes,
    ages_out="a day after they were sent (codes live ten minutes)",
)
keyed(
    ApiSession,
    columns=("refresh_digest",),
    live=_live_api_sessions,
    ages_out=(
        "at their next refresh (digested again under the current key), or when they "
        f"expire ({REFRESH_TOKEN_LIFETIME.days} days)"
    ),
)
