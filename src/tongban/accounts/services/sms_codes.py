"""One-time SMS codes: sending (limited: `limits.py`), checking, consuming."""

import secrets

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.accounts import constants as c
from tongban.accounts.constants import SmsPurpose
from tongban.accounts.identifiers import phone_indexes
from tongban.accounts.languages import registration_language
from tongban.accounts.models import Person, SmsChallenge
from tongban.accounts.services._common import (
    _document_facts,
    phone_index,
)
from tongban.accounts.services.limits import _sms_code_allow
from tongban.contrib.sms import OutsideSystemUnavailable, sms_send
from tongban.core import clock, protect
from tongban.core.documents import DocumentType
from tongban.core.errors import InvalidInput, TooManyAttempts, Unavailable
from tongban.core.phones import phone_normalise


def sms_code_send(
    *,
    phone: str,
    purpose: str,
    client_address: str,
    doc_type: str = DocumentType.RESIDENT_ID,
    doc_number: str = "",
    nationality: str | None = None,
    page_language: str | None = None,
) -> str:
    """Send a one-time code to a phone at a person's request; answers the phone in E.164.

    For registration the document is checked before a code is sent (pages and API alike),
    so a typo in the number is caught before a code is spent on it. Limited per phone,
    per client address (`core.remote.client_address`: behind our proxy, the one it saw)
    and for the whole platform — see `limits.py`; a refusal is 429 and says when to try
    again. A gateway that does not answer is a 503 and leaves nothing behind.

    The text is in the language of the person the phone belongs to; for registration, in
    the one the account will have (`registration_language`: the document, the page).
    """
    if purpose == SmsPurpose.REGISTER:
        facts = _document_facts(doc_type, doc_number, nationality)
    e164 = phone_normalise(phone)
    if purpose not in SmsPurpose.values:
        raise InvalidInput("invalid_purpose", _("不支持的验证码用途。"))
    page_language = page_language or translation.get_language()
    if purpose == SmsPurpose.REGISTER:
        language = registration_language(
            doc_type=facts.doc_type, page_language=page_language
        )
    else:
        holder = Person.objects.filter(phone_index__in=phone_indexes(e164)).first()
        language = holder.language if holder is not None else page_language
    index = phone_index(e164)
    _sms_code_allow(phone_indexes=phone_indexes(e164), client_address=client_address)
    now = clock.now()
    code = f"{secrets.randbelow(10**c.SMS_CODE_LENGTH):0{c.SMS_CODE_LENGTH}d}"
    text = sms_code_text(
        code=code,
        minutes=int(c.SMS_CODE_LIFETIME.total_seconds() // 60),
        purpose=purpose,
        language=language,
    )
    with transaction.atomic(durable=True):
        SmsChallenge.objects.create(
            purpose=purpose,
            phone_index=index,
            code_digest=protect.secret_digest(f"{index}:{code}"),
            created_at=now,
            expires_at=now + c.SMS_CODE_LIFETIME,
        )
        try:
            sms_send(e164, text)
        except OutsideSystemUnavailable as error:
            raise Unavailable(
                "sms_unavailable", _("短信暂时无法发送，请稍后再试。")
            ) from error
    return e164


def sms_code_text(*, code: str, minutes: int, purpose: str, language: str) -> str:
    """The SMS that carries a code, in `language`."""
    with translation.override(language):
        return _(
            "【通办】您的验证码为 %(code)s，%(minutes)d 分钟内有效，用于%(purpose)s。请勿告诉他人。"
        ) % {"code": code, "minutes": minutes, "purpose": SmsPurpose(purpose).label}


def _sms_code_verify(*, e164: str, purpose: str, code: str) -> SmsChallenge:
    """The live challenge the code answers; a wrong code is counted (outside any atomic)."""
    now = clock.now()
    challenge = (
        SmsChallenge.objects.filter(
            phone_index__in=phone_indexes(e164),
            purpose=purpose,
            consumed_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
    )
    message = _("验证码不正确或已过期，请重新获取。")
    if challenge is None:
        raise InvalidInput("invalid_sms_code", message, fields={"sms_code": message})
    if challenge.attempts >= c.SMS_CODE_ATTEMPTS:
        raise TooManyAttempts(
            "too_many_attempts", _("验证码错误次数过多，请重新获取。")
        )
    # The digest was made of the index the code was sent under, with the key then current.
    given = f"{challenge.phone_index}:{code.strip()}"
    if not protect.secret_digest_matches(given, challenge.code_digest):
        SmsChallenge.objects.filter(pk=challenge.pk).update(
            attempts=challenge.attempts + 1
        )
        raise InvalidInput("invalid_sms_code", message, fields={"sms_code": message})
    return challenge


def _sms_consume(challenge: SmsChallenge) -> None:
    updated = SmsChallenge.objects.filter(
        pk=challenge.pk, consumed_at__isnull=True
    ).update(consumed_at=clock.now())
    if not updated:
        message = _("验证码不正确或已过期，请重新获取。")
        raise InvalidInput("invalid_sms_code", message, fields={"sms_code": message})
