"""Helpers the accounts services share: identifiers at rest, names, passwords, consents,
login names (the login guard itself is in `limits.py`)."""

import uuid

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tongban.accounts import constants as c
from tongban.accounts.identifiers import (
    document_index,
    document_indexes,
    phone_index,
)
from tongban.accounts.models import Consent, Person
from tongban.core import clock, protect
from tongban.core.documents import DocumentFacts, document_validate
from tongban.core.errors import DomainError, InvalidInput, NotAuthenticated
from tongban.core.masking import mask_document, mask_phone
from tongban.core.phones import phone_normalise

# --- identifiers at rest ---------------------------------------------------------------


def person_document_set(person: Person, facts: DocumentFacts) -> None:
    """Store a document on a person: encrypted, blind-indexed, masked for screens."""
    person.doc_type = facts.doc_type
    person.doc_encrypted = protect.encrypt(facts.number, context="person.document")
    person.doc_index = document_index(facts.doc_type, facts.number)
    person.doc_masked = mask_document(facts.doc_type, facts.number)
    person.nationality = facts.nationality
    person.birth_date = facts.birth_date


def person_phone_set(person: Person, e164: str) -> None:
    """Store a phone on a person: encrypted, blind-indexed, masked for screens."""
    person.phone_encrypted = protect.encrypt(e164, context="person.phone")
    person.phone_index = phone_index(e164)
    person.phone_masked = mask_phone(e164)


def _name_clean(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 100 or any(ch.isdigit() for ch in cleaned):
        message = _("请填写证件上的姓名。")
        raise InvalidInput("invalid_name", message, fields={"name": message})
    return cleaned


def _password_check(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        message = " ".join(str(m) for m in error.messages)
        raise InvalidInput(
            "invalid_password", message, fields={"password": message}
        ) from error


def _document_facts(
    doc_type: str, number: str, nationality: str | None
) -> DocumentFacts:
    return document_validate(doc_type, number, nationality=nationality or None)


# --- login names -------------------------------------------------------------------------


def _login_name(login: str) -> tuple[str, str]:
    """A login as typed → ("phone", E.164) or ("document", the bare upper-case number)."""
    try:
        return "phone", phone_normalise(login.strip())
    except DomainError:
        return "document", "".join(login.split()).upper()


def _bad_credentials() -> NotAuthenticated:
    return NotAuthenticated("invalid_credentials", _("账号或密码不正确。"))


# --- people ------------------------------------------------------------------------------


def _find_by_document(doc_type: str, number: str) -> Person | None:
    return Person.objects.filter(
        doc_index__in=document_indexes(doc_type, number)
    ).first()


def _new_user() -> User:
    return User.objects.create_user(username=f"p-{uuid.uuid4().hex[:16]}")


def _consent(person: Person, kind: str, *, by: Person, detail: str = "") -> None:
    Consent.objects.create(
        person=person,
        kind=kind,
        version=c.CONSENT_VERSION,
        given_by=by,
        detail=detail,
        given_at=clock.now(),
    )
