"""Changing what a person logs in with: a forgotten password, a lost phone, an email."""

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.accounts.constants import Level, LevelEvidence, SmsPurpose
from tongban.accounts.identifiers import document_indexes, phone_indexes
from tongban.accounts.models import ApiSession, Person
from tongban.accounts.services._common import (
    _document_identifying,
    _find_by_document,
    _name_clean,
    _password_check,
    person_phone_set,
)
from tongban.accounts.services.levels import _registry_confirm
from tongban.accounts.services.limits import (
    _attempt_allow,
    _attempt_failed,
    _attempt_succeeded,
    _guard_key,
)
from tongban.accounts.services.sms_codes import _sms_code_verify, _sms_consume
from tongban.audit.services import audit_record
from tongban.core import clock
from tongban.core.errors import Conflict, InvalidInput, Unavailable
from tongban.core.phones import phone_normalise


def password_reset(
    *, phone: str, sms_code: str, doc_number: str, new_password: str
) -> Person:
    """A forgotten password: the phone's code plus the document number on the account."""
    e164 = phone_normalise(phone)
    person = Person.objects.filter(phone_index__in=phone_indexes(e164)).first()
    number = "".join(doc_number.split()).upper()
    if (
        person is None
        or person.user is None
        or person.doc_index not in document_indexes(person.doc_type, number)
    ):
        raise InvalidInput("identity_mismatch", _("手机号与证件号码不属于同一账户。"))
    _password_check(new_password, person.user)
    challenge = _sms_code_verify(
        e164=e164, purpose=SmsPurpose.PASSWORD_RESET, code=sms_code
    )
    with transaction.atomic(durable=True):
        _sms_consume(challenge)
        person.user.set_password(new_password)
        person.user.save(update_fields=["password"])
        ApiSession.objects.filter(user=person.user, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
        # The phone's owner proved themself: the login delay of the account ends.
        _attempt_succeeded(_guard_key(user=person.user, spelling=e164))
        audit_record(
            action="account.password_reset",
            actor=person.user,
            subject_type="person",
            subject_id=person.pk,
        )
    return person


def phone_change(
    *,
    name: str,
    doc_type: str,
    doc_number: str,
    password: str,
    new_phone: str,
    sms_code: str,
    client_address: str,
) -> Person:
    """A lost phone: who they are (name, document, password), then the new phone's code.

    The password is checked as a login checks it: failures count against the account and
    the client address, and the account's login delay holds here too (`limits.py`). For
    an L2 account the name and number are checked against the registry again.
    """
    facts = _document_identifying(doc_type, doc_number)
    e164 = phone_normalise(new_phone)
    person = _find_by_document(facts.doc_type, facts.number)
    user = person.user if person is not None else None
    key = _guard_key(user=user, spelling=facts.number)
    _attempt_allow(key=key, staff=False, client_address=client_address)
    if user is None:
        User().set_password(password)  # the hashing time of a real check, as at login
    if (
        person is None
        or person.user is None
        or person.name != _name_clean(name)
        or not person.user.check_password(password)
    ):
        _attempt_failed(key=key, staff=False, user=user, client_address=client_address)
        raise InvalidInput("identity_mismatch", _("姓名、证件号码或密码不正确。"))
    if person.level >= Level.L2 and person.level_evidence != LevelEvidence.IN_PERSON:
        _registry_confirm(person)
    if (
        Person.objects.filter(phone_index__in=phone_indexes(e164))
        .exclude(pk=person.pk)
        .exists()
    ):
        raise Conflict("phone_taken", _("该手机号已被其他账户使用。"))
    challenge = _sms_code_verify(
        e164=e164, purpose=SmsPurpose.PHONE_CHANGE, code=sms_code
    )
    with transaction.atomic(durable=True):
        _sms_consume(challenge)
        person_phone_set(person, e164)
        person.phone_confirmed_at = clock.now()
        person.save()
        ApiSession.objects.filter(user=person.user, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
        audit_record(
            action="account.phone_change",
            actor=person.user,
            subject_type="person",
            subject_id=person.pk,
        )
    _attempt_succeeded(key)
    return person


def email_add(*, person: Person, email: str, confirm_url: str) -> str:
    """Send a confirmation link to a new email address; answers the signed token."""
    address = email.strip()
    try:
        validate_email(address)
    except ValidationError as error:
        message = _("请输入有效的电子邮箱地址。")
        raise InvalidInput(
            "invalid_email", message, fields={"email": message}
        ) from error
    token = signing.dumps(
        {"p": person.pk, "e": address, "t": clock.now().timestamp()},
        salt="tongban.email",
    )
    link = confirm_url.replace("TOKEN", token)
    with translation.override(person.language):  # the person's, not the page's
        subject = _("通办：确认您的电子邮箱")
        body = _(
            "请在 24 小时内打开以下链接确认电子邮箱：\n%(link)s\n如非本人操作，请忽略。"
        ) % {"link": link}
    try:
        send_mail(
            subject=subject,
            message=body,
            from_email=None,
            recipient_list=[address],
        )
    except OSError as error:  # smtplib's errors too: the mail server is unreachable
        raise Unavailable(
            "mail_unavailable", _("邮件暂时无法发送，请稍后再试。")
        ) from error
    audit_record(
        action="account.email_link_sent",
        actor=person.user,
        subject_type="person",
        subject_id=person.pk,
    )
    return token


def email_confirm(token: str) -> Person:
    message = _("确认链接无效或已过期，请重新添加邮箱。")
    try:
        data = signing.loads(token, salt="tongban.email")
    except signing.BadSignature as error:
        raise InvalidInput("invalid_link", message) from error
    if clock.now().timestamp() - float(data["t"]) > 24 * 3600:
        raise InvalidInput("invalid_link", message)
    person = Person.objects.filter(pk=data["p"]).first()
    if person is None:
        raise InvalidInput("invalid_link", message)
    with transaction.atomic(durable=True):
        person.email = data["e"]
        person.email_confirmed_at = clock.now()
        person.save(update_fields=["email", "email_confirmed_at"])
        audit_record(
            action="account.email_confirm",
            actor=person.user,
            subject_type="person",
            subject_id=person.pk,
        )
    return person
