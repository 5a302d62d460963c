"""Applicants logging in, by password or SMS code (limits: `limits.py`)."""

from django.contrib.auth.models import User
from django.db import transaction

from tongban.accounts.constants import SmsPurpose
from tongban.accounts.identifiers import document_indexes, phone_indexes
from tongban.accounts.models import Person
from tongban.accounts.services._common import (
    _bad_credentials,
    _login_name,
)
from tongban.accounts.services.limits import (
    _attempt_allow,
    _attempt_failed,
    _attempt_succeeded,
    _guard_key,
)
from tongban.accounts.services.sms_codes import _sms_code_verify, _sms_consume
from tongban.audit.services import audit_record
from tongban.core.documents import DocumentType
from tongban.core.errors import InvalidInput
from tongban.core.phones import phone_normalise


def _person_by_login(login: str) -> Person | None:
    kind, name = _login_name(login)
    if kind == "phone":
        found = Person.objects.filter(phone_index__in=phone_indexes(name)).first()
        if found:
            return found
    number = "".join(login.split()).upper()  # an all-digit ID can also parse as a phone
    indexes = [i for t in DocumentType.values for i in document_indexes(t, number)]
    return Person.objects.filter(doc_index__in=indexes).first()


def login_password(*, login: str, password: str, client_address: str) -> User:
    """An applicant by phone or document number and password.

    Failures count against the account whichever way it is named, and against the client
    address; after five, each try waits a doubling delay (`limits.py`).
    """
    person = _person_by_login(login)
    user = person.user if person else None
    key = _guard_key(user=user, spelling=_login_name(login)[1])
    _attempt_allow(key=key, staff=False, client_address=client_address)
    if user is None:
        # Spend the same hashing time as a real check, so timing does not reveal accounts.
        User().set_password(password)
    if user is None or not user.is_active or not user.check_password(password):
        _attempt_failed(key=key, staff=False, user=user, client_address=client_address)
        raise _bad_credentials()
    _attempt_succeeded(key)
    audit_record(action="account.login", actor=user, data={"method": "password"})
    return user


def login_sms(*, phone: str, sms_code: str, client_address: str) -> User:
    """An applicant by phone and the code just sent to it.

    Its failures are counted as password tries are, but on a guard of their own: the
    password's delay, which anyone who knows a phone number can keep running, never
    keeps out the person who holds the phone. A login by code also ends that delay.
    """
    e164 = phone_normalise(phone)
    person = Person.objects.filter(phone_index__in=phone_indexes(e164)).first()
    user = person.user if person else None
    password_key = _guard_key(user=user, spelling=e164)
    key = f"sms:{password_key}"[:64]  # the guard's key is at most 64 characters
    _attempt_allow(key=key, staff=False, client_address=client_address)
    if person is None or user is None or not user.is_active:
        _attempt_failed(key=key, staff=False, user=user, client_address=client_address)
        raise _bad_credentials()
    try:
        challenge = _sms_code_verify(e164=e164, purpose=SmsPurpose.LOGIN, code=sms_code)
    except InvalidInput:
        _attempt_failed(key=key, staff=False, user=user, client_address=client_address)
        raise
    with transaction.atomic(durable=True):
        _sms_consume(challenge)
        audit_record(action="account.login", actor=user, data={"method": "sms"})
    _attempt_succeeded(key)
    _attempt_succeeded(password_key)
    return user
