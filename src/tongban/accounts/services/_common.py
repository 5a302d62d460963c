"""Helpers the accounts services share: identifiers at rest, names, passwords, consents,
login names (the login guard itself is in `limits.py`)."""

import dataclasses
import unicodedata
import uuid

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tongban.accounts import constants as c
from tongban.accounts.countries import (
    CHINESE_NATIONALITY,
    NATIONALITY_ASKED,
    NATIONALITY_IN_NUMBER,
    country_alpha3,
    country_name,
)
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


# Dots typed for the 间隔号 of a name ("买买提·艾力"): the documents and registries write
# U+00B7 MIDDLE DOT.
_NAME_DOTS = str.maketrans(dict.fromkeys("•・‧∙⋅", "·"))


def _name_clean(name: str) -> str:
    """The name as the registries write it: full-width letters and spaces half-width
    (NFKC), white space single, the 间隔号 one dot."""
    cleaned = " ".join(
        unicodedata.normalize("NFKC", name).translate(_NAME_DOTS).split()
    )
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
    """The document's facts, its nationality as `countries` says who gives one: a
    passport's from the country named (in Chinese or English, or its ISO code); a
    permanent residence card's from its number, any country named checked against it;
    none asked of the other documents, whose holders are Chinese (anything given for
    them is ignored)."""
    given = (nationality or "").strip()
    if doc_type in NATIONALITY_ASKED:
        if not given:
            raise InvalidInput(
                "invalid_document",
                _("请填写国籍：签发护照的国家，如“英国”“美国”。"),
                fields={"nationality": "required"},
            )
        return document_validate(doc_type, number, nationality=_nationality_code(given))
    if doc_type in NATIONALITY_IN_NUMBER:
        facts = document_validate(doc_type, number)
        if given and _nationality_code(given, foreign_only=False) != facts.nationality:
            message = _(
                "您填写的国籍“%(given)s”与永久居留身份证号码中的国籍“%(code)s”不一致。"
                "号码中已含国籍，可以不填；请核对号码。"
            ) % {"given": given, "code": country_name(facts.nationality)}
            raise InvalidInput(
                "invalid_document", message, fields={"nationality": "mismatch"}
            )
        return facts
    return document_validate(doc_type, number)


def _document_identifying(doc_type: str, number: str) -> DocumentFacts:
    """The facts that find someone already registered (claiming a counter record, a lost
    phone, a handler or relative named in a grant): the number checked as at
    registration, but no nationality asked — a passport is found by its type and number,
    and the nationality stored at registration is not the caller's to restate. The
    answer's nationality is then empty."""
    if doc_type in NATIONALITY_ASKED:
        # The passport's number checks do not depend on the country: any foreign one
        # lets them run.
        facts = document_validate(doc_type, number, nationality="GBR")
        return dataclasses.replace(facts, nationality="")
    return document_validate(doc_type, number)


def _nationality_code(given: str, *, foreign_only: bool = True) -> str:
    """The ISO alpha-3 code of a country as typed; `invalid_document` if it names none,
    or (for a passport) names China, Hong Kong, Macao or Taiwan."""
    code = country_alpha3(given)
    if code is None:
        message = _(
            "“%(given)s”不是可识别的国家名称。请从列表中选择，或输入国家的中文或英文名称"
            "（如“英国”“United Kingdom”），也可以输入三位字母代码（如 GBR）。"
        ) % {"given": given}
        raise InvalidInput(
            "invalid_document", message, fields={"nationality": "unknown"}
        )
    if foreign_only and code in CHINESE_NATIONALITY - {"CHN"}:
        message = _(
            "香港、澳门、台湾居民请选择证件类型“港澳台居民居住证”，"
            "或“港澳居民来往内地通行证”“台湾居民来往大陆通行证”。"
        )
        raise InvalidInput(
            "invalid_document", message, fields={"nationality": "chinese"}
        )
    return code


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
