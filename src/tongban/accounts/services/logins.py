"""Applicants logging in, by password or SMS code."""

from django.contrib.auth.models import User
from django.db import transaction

from tongban.accounts.constants import SmsPurpose
from tongban.accounts.models import Person
from tongban.accounts.services._common import (
    _bad_credentials,
    _guard_check,
    _guard_clear,
    _guard_fail,
    _guard_key,
    _login_name,
    document_index,
    phone_index,
)
from tongban.accounts.services.sms_codes import _sms_code_verify, _sms_consume
from tongban.audit.services import audit_record
from tongban.core.documents import DocumentType
from tongban.core.errors import InvalidInput
from tongban.core.phones import phone_normalise


def _person_by_login(login: str) -> Person | None:
    kind, name = _login_name(login)
    if kind == "phone":
        found = Person.objects.filter(phone_index=phone_index(name)).first()
        if found:
            return found
    number = "".join(login.split()).upper()  # an all-digit ID can also parse as a phone
    indexes = [document_index(t, number) for t in DocumentType.values]
    return Person.objects.filter(doc_index__in=indexes).first()


def login_password(*, login: str, password: str) -> User:
    """An applicant by phone or document number and password; five failures lock it."""
    key = _guard_key(login)
    _guard_check(key)
    person = _person_by_login(login)
    user = person.user if person else None
    if user is None:
        # Spend the same hashing time as a real check, so timing does not reveal accounts.
        User().set_password(password)
    if user is None or not user.is_active or not user.check_password(password):
        _guard_fail(key)
        raise _bad_credentials()
    _guard_clear(key)
    audit_record(action="account.login", actor=user, data={"method": "password"})
    return user


def login_sms(*, phone: str, sms_code: str) -> User:
    e164 = phone_normalise(phone)
    key = _guard_key(e164)
    _guard_check(key)
    person = Person.objects.filter(phone_index=phone_index(e164)).first()
    if person is None or person.user is None or not person.user.is_active:
        _guard_fail(key)
        raise _bad_credentials()
    try:
        challenge = _sms_code_verify(e164=e164, purpose=SmsPurpose.LOGIN, code=sms_code)
    except InvalidInput:
        _guard_fail(key)
        raise
    with transaction.atomic(durable=True):
        _sms_consume(challenge)
        audit_record(action="account.login", actor=person.user, data={"method": "sms"})
    _guard_clear(key)
    return person.user
