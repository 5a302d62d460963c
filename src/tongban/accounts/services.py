"""Writes of accounts: registration, logging in, identity levels, companies and grants, staff.

Every refusal a user can cause is a `DomainError` raised before anything is written. Failed
code and password attempts are the exception: they are counted in their own transaction so
that a refusal cannot undo the count — call those checks outside an atomic block.
"""

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, cast

import pyotp
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from tongban.accounts import constants as c
from tongban.accounts.constants import (
    ConsentKind,
    GrantKind,
    GrantStatus,
    Level,
    LevelEvidence,
    SmsPurpose,
)
from tongban.accounts.models import (
    ApiSession,
    Company,
    Consent,
    Grant,
    LoginGuard,
    Person,
    SmsChallenge,
    StaffProfile,
)
from tongban.audit.services import audit_record
from tongban.catalog.constants import StaffRole
from tongban.catalog.models import Department
from tongban.contrib import registries
from tongban.contrib.http import OutsideSystemUnavailable
from tongban.contrib.sms import sms_send
from tongban.core import clock, protect
from tongban.core.documents import DocumentFacts, DocumentType, document_validate
from tongban.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
    Unavailable,
)
from tongban.core.identifiers import uscc_require
from tongban.core.masking import mask_document, mask_phone
from tongban.core.phones import phone_normalise

# --- identifiers at rest ---------------------------------------------------------------


def document_index(doc_type: str, number: str) -> str:
    return protect.blind_index(f"{doc_type}:{number}", kind="document")


def phone_index(e164: str) -> str:
    return protect.blind_index(e164, kind="phone")


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


# --- SMS codes -------------------------------------------------------------------------


def sms_code_send(*, phone: str, purpose: str) -> str:
    """Send a one-time code to a phone; answers the phone in E.164.

    At most one code a minute and ten a day per phone; a gateway that does not answer is a
    503 and leaves nothing behind.
    """
    e164 = phone_normalise(phone)
    if purpose not in SmsPurpose.values:
        raise InvalidInput("invalid_purpose", _("不支持的验证码用途。"))
    now = clock.now()
    index = phone_index(e164)
    recent = SmsChallenge.objects.filter(phone_index=index)
    if recent.filter(created_at__gt=now - c.SMS_RESEND_AFTER).exists():
        raise TooManyAttempts(
            "too_many_attempts",
            _("验证码已发送，请一分钟后再试。"),
            extra={"retry_after": 60},
        )
    if recent.filter(created_at__gt=now - dt.timedelta(days=1)).count() >= (
        c.SMS_PER_PHONE_PER_DAY
    ):
        raise TooManyAttempts(
            "too_many_attempts", _("今天向该号码发送的验证码已达上限，请明天再试。")
        )
    code = f"{secrets.randbelow(10**c.SMS_CODE_LENGTH):0{c.SMS_CODE_LENGTH}d}"
    text = _(
        "【通办】您的验证码为 %(code)s，%(minutes)d 分钟内有效，用于%(purpose)s。请勿告诉他人。"
    ) % {
        "code": code,
        "minutes": int(c.SMS_CODE_LIFETIME.total_seconds() // 60),
        "purpose": SmsPurpose(purpose).label,
    }
    with transaction.atomic():
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


def _sms_code_verify(*, e164: str, purpose: str, code: str) -> SmsChallenge:
    """The live challenge the code answers; a wrong code is counted (outside any atomic)."""
    now = clock.now()
    index = phone_index(e164)
    challenge = (
        SmsChallenge.objects.filter(
            phone_index=index,
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
    expected = protect.secret_digest(f"{index}:{code.strip()}")
    if not secrets.compare_digest(expected, challenge.code_digest):
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


# --- login guard -------------------------------------------------------------------------


def _login_name(login: str) -> tuple[str, str]:
    """A login as typed → ("phone", E.164) or ("document", the bare upper-case number)."""
    try:
        return "phone", phone_normalise(login.strip())
    except DomainError:
        return "document", "".join(login.split()).upper()


def _guard_key(login: str) -> str:
    """One key per login name however it is typed."""
    return protect.blind_index(_login_name(login)[1], kind="login")


def _guard_check(key: str) -> None:
    guard = LoginGuard.objects.filter(key=key).first()
    if guard and guard.locked_until and guard.locked_until > clock.now():
        minutes = max(
            1, int((guard.locked_until - clock.now()).total_seconds() // 60) + 1
        )
        raise TooManyAttempts(
            "too_many_attempts",
            _("失败次数过多，账户已暂时锁定，请 %(m)d 分钟后再试。") % {"m": minutes},
            extra={"retry_after": minutes * 60},
        )


def _guard_fail(key: str) -> None:
    now = clock.now()
    with transaction.atomic():
        guard, _created = LoginGuard.objects.get_or_create(key=key)
        if guard.locked_until and guard.locked_until <= now:
            guard.failures = 0
            guard.locked_until = None
        guard.failures += 1
        guard.last_failure_at = now
        if guard.failures >= c.LOGIN_FAILURES_BEFORE_LOCK:
            guard.locked_until = now + c.LOGIN_LOCK
            audit_record(
                action="account.locked",
                data={
                    "failures": guard.failures,
                    "minutes": int(c.LOGIN_LOCK.total_seconds() // 60),
                },
            )
        guard.save()


def _guard_clear(key: str) -> None:
    LoginGuard.objects.filter(key=key).delete()


def _bad_credentials() -> NotAuthenticated:
    return NotAuthenticated("invalid_credentials", _("账号或密码不正确。"))


# --- people ------------------------------------------------------------------------------


def _find_by_document(doc_type: str, number: str) -> Person | None:
    return Person.objects.filter(doc_index=document_index(doc_type, number)).first()


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


def person_register(
    *,
    name: str,
    doc_type: str,
    doc_number: str,
    nationality: str | None,
    phone: str,
    sms_code: str,
    password: str,
) -> Person:
    """A new L1 account: the document is checked first, then the phone's code."""
    facts = _document_facts(doc_type, doc_number, nationality)
    clean_name = _name_clean(name)
    e164 = phone_normalise(phone)
    _password_check(password)
    existing = _find_by_document(facts.doc_type, facts.number)
    if existing is not None:
        if existing.user_id is None:
            raise Conflict(
                "claim_required",
                _("窗口已为您建立档案，请用登记的手机号认领账户。"),
            )
        raise Conflict("already_registered", _("该证件已注册，请直接登录或找回密码。"))
    if Person.objects.filter(phone_index=phone_index(e164)).exists():
        raise Conflict("phone_taken", _("该手机号已被其他账户使用。"))
    challenge = _sms_code_verify(e164=e164, purpose=SmsPurpose.REGISTER, code=sms_code)
    now = clock.now()
    try:
        with transaction.atomic():
            _sms_consume(challenge)
            user = _new_user()
            user.set_password(password)
            user.save()
            person = Person(
                user=user,
                name=clean_name,
                level=Level.L1,
                level_evidence=LevelEvidence.PHONE,
                level_at=now,
                phone_confirmed_at=now,
                created_at=now,
            )
            person_document_set(person, facts)
            person_phone_set(person, e164)
            person.full_clean(exclude=["user", "created_by", "created_by_department"])
            person.save()
            _consent(person, ConsentKind.TERMS, by=person)
            audit_record(
                action="account.register",
                actor=user,
                subject_type="person",
                subject_id=person.pk,
                data={"doc_type": person.doc_type, "level": person.level},
            )
    except (
        IntegrityError
    ) as error:  # a simultaneous registration of the same document or phone
        if Person.objects.filter(phone_index=phone_index(e164)).exists():
            raise Conflict("phone_taken", _("该手机号已被其他账户使用。")) from error
        raise Conflict(
            "already_registered", _("该证件已注册，请直接登录或找回密码。")
        ) from error
    return person


def person_create_at_counter(
    *,
    staff: StaffProfile,
    name: str,
    doc_type: str,
    doc_number: str,
    nationality: str | None,
    phone: str = "",
) -> Person:
    """A person whose original document a clerk has seen; no login until they claim it."""
    if not staff.has_role(StaffRole.INTAKE_CLERK):
        raise Forbidden("not_authorised", _("只有受理人员可以在窗口建立档案。"))
    facts = _document_facts(doc_type, doc_number, nationality)
    clean_name = _name_clean(name)
    e164 = phone_normalise(phone) if phone.strip() else ""
    if _find_by_document(facts.doc_type, facts.number) is not None:
        raise Conflict("already_registered", _("该证件已有档案，请按证件号查询。"))
    now = clock.now()
    with transaction.atomic():
        person = Person(
            name=clean_name,
            level=Level.L2,
            level_evidence=LevelEvidence.IN_PERSON,
            level_at=now,
            created_at=now,
            created_by=staff.user,
            created_by_department=staff.department,
        )
        person_document_set(person, facts)
        if e164:
            person_phone_set(person, e164)
        person.save()
        audit_record(
            action="person.create_at_counter",
            actor=staff.user,
            subject_type="person",
            subject_id=person.pk,
            data={
                "doc_type": person.doc_type,
                "department": staff.department_id,
                "level_evidence": LevelEvidence.IN_PERSON,
            },
        )
    return person


def person_claim(
    *,
    doc_type: str,
    doc_number: str,
    name: str,
    phone: str,
    sms_code: str,
    password: str,
) -> Person:
    """The person a clerk created takes up their account with the phone recorded for them."""
    facts = _document_facts(doc_type, doc_number, None)
    e164 = phone_normalise(phone)
    _password_check(password)
    person = _find_by_document(facts.doc_type, facts.number)
    mismatch = _("没有与该证件、姓名和手机号一致的待认领档案。")
    if (
        person is None
        or person.user_id is not None
        or person.name != _name_clean(name)
        or person.phone_index != phone_index(e164)
    ):
        raise NotFound("not_found", mismatch)
    challenge = _sms_code_verify(e164=e164, purpose=SmsPurpose.CLAIM, code=sms_code)
    now = clock.now()
    with transaction.atomic():
        _sms_consume(challenge)
        user = _new_user()
        user.set_password(password)
        user.save()
        person.user = user
        person.phone_confirmed_at = now
        person.save(update_fields=["user", "phone_confirmed_at"])
        _consent(person, ConsentKind.TERMS, by=person)
        audit_record(
            action="account.claim",
            actor=user,
            subject_type="person",
            subject_id=person.pk,
        )
    return person


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
    with transaction.atomic():
        _sms_consume(challenge)
        audit_record(action="account.login", actor=person.user, data={"method": "sms"})
    _guard_clear(key)
    return person.user


def password_reset(
    *, phone: str, sms_code: str, doc_number: str, new_password: str
) -> Person:
    """A forgotten password: the phone's code plus the document number on the account."""
    e164 = phone_normalise(phone)
    person = Person.objects.filter(phone_index=phone_index(e164)).first()
    number = "".join(doc_number.split()).upper()
    if (
        person is None
        or person.user is None
        or person.doc_index != document_index(person.doc_type, number)
    ):
        raise InvalidInput("identity_mismatch", _("手机号与证件号码不属于同一账户。"))
    _password_check(new_password, person.user)
    challenge = _sms_code_verify(
        e164=e164, purpose=SmsPurpose.PASSWORD_RESET, code=sms_code
    )
    with transaction.atomic():
        _sms_consume(challenge)
        person.user.set_password(new_password)
        person.user.save(update_fields=["password"])
        ApiSession.objects.filter(user=person.user, revoked_at__isnull=True).update(
            revoked_at=clock.now()
        )
        _guard_clear(_guard_key(e164))
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
) -> Person:
    """A lost phone: who they are (name, document, password), then the new phone's code.

    For an L2 account the name and number are checked against the registry again.
    """
    facts = _document_facts(doc_type, doc_number, None)
    e164 = phone_normalise(new_phone)
    key = _guard_key(facts.number)
    _guard_check(key)
    person = _find_by_document(facts.doc_type, facts.number)
    if (
        person is None
        or person.user is None
        or person.name != _name_clean(name)
        or not person.user.check_password(password)
    ):
        _guard_fail(key)
        raise InvalidInput("identity_mismatch", _("姓名、证件号码或密码不正确。"))
    if person.level >= Level.L2 and person.level_evidence != LevelEvidence.IN_PERSON:
        _registry_confirm(person)
    if (
        Person.objects.filter(phone_index=phone_index(e164))
        .exclude(pk=person.pk)
        .exists()
    ):
        raise Conflict("phone_taken", _("该手机号已被其他账户使用。"))
    challenge = _sms_code_verify(
        e164=e164, purpose=SmsPurpose.PHONE_CHANGE, code=sms_code
    )
    with transaction.atomic():
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
    _guard_clear(key)
    return person


def email_add(*, person: Person, email: str, confirm_url: str) -> str:
    """Send a confirmation link to a new email address; answers the signed token."""
    from django.core.validators import validate_email

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
    send_mail(
        subject=_("通办：确认您的电子邮箱"),
        message=_(
            "请在 24 小时内打开以下链接确认电子邮箱：\n%(link)s\n如非本人操作，请忽略。"
        )
        % {"link": link},
        from_email=None,
        recipient_list=[address],
    )
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
    with transaction.atomic():
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


# --- assurance levels --------------------------------------------------------------------


def _registry_confirm(person: Person) -> registries.IdentityAnswer:
    try:
        answer = registries.identity_check(
            name=person.name,
            doc_type=person.doc_type,
            number=person.doc_number,
            nationality=person.nationality,
        )
    except OutsideSystemUnavailable as error:
        raise Unavailable(
            "registry_unavailable", _("身份核验服务暂时不可用，请稍后再试。")
        ) from error
    if not answer.matches:
        raise InvalidInput(
            "identity_mismatch",
            _(
                "登记机关核验未通过：姓名与证件号码不一致，或证件未登记。请核对证件上的姓名和号码。"
            ),
            extra={"registry": answer.registry},
        )
    return answer


def identity_verify(person: Person) -> Person:
    """Raise an account to L2: name and document confirmed by the right registry."""
    if person.level >= Level.L2:
        return person
    if person.level < Level.L1:
        raise Forbidden("level_too_low", _("请先验证手机号。"))
    answer = _registry_confirm(person)
    with transaction.atomic():
        person.level = Level.L2
        person.level_evidence = (
            LevelEvidence.POPULATION_REGISTRY
            if answer.registry == "population"
            else LevelEvidence.EXIT_ENTRY_REGISTRY
        )
        person.level_at = clock.now()
        person.save(update_fields=["level", "level_evidence", "level_at"])
        _consent(person, ConsentKind.IDENTITY_CHECK, by=person, detail=answer.registry)
        audit_record(
            action="identity.verify",
            actor=person.user,
            subject_type="person",
            subject_id=person.pk,
            data={"registry": answer.registry, "level": int(person.level)},
        )
    return person


def level_require(person: Person, minimum: int) -> None:
    """`level_too_low` (403) saying how to rise, unless the person is at `minimum` or above."""
    if person.level >= minimum:
        return
    steps = {
        Level.L1: _("验证手机号"),
        Level.L2: _("在“实名认证”中由登记机关核验姓名与证件号码"),
        Level.L3: _("完成人脸核验（远程视频核验）"),
        Level.L4: _("携带证件原件到窗口核验"),
    }
    how = steps.get(Level(minimum), "")
    raise Forbidden(
        "level_too_low",
        _("该事项要求认证等级 L%(need)d，您目前为 L%(have)d。请%(how)s后再办理。")
        % {"need": minimum, "have": person.level, "how": how},
        extra={"required_level": minimum, "level": int(person.level)},
    )


# --- companies and grants ----------------------------------------------------------------


def _holder_index(holder: registries.PositionHolder) -> str:
    return document_index(holder.doc_type, holder.number.upper())


def company_register(*, person: Person, uscc: str) -> Company:
    """A company appears through its legal representative, confirmed by the registry."""
    code = uscc_require(uscc)
    level_require(person, Level.L2)
    try:
        record = registries.entity_lookup(code)
    except OutsideSystemUnavailable as error:
        raise Unavailable(
            "registry_unavailable", _("法人库暂时不可用，请稍后再试。")
        ) from error
    if record is None:
        raise InvalidInput(
            "entity_not_found", _("法人库中没有该统一社会信用代码的登记。")
        )
    representatives = record.holders("legal_representative")
    if not any(_holder_index(h) == person.doc_index for h in representatives):
        raise Forbidden(
            "not_authorised",
            _("法人库登记的法定代表人不是您。请由法定代表人注册企业，再授权您办理。"),
        )
    existing = Company.objects.filter(uscc=code).first()
    now = clock.now()
    positions = [
        {"position": h.position, "name": h.name, "doc_index": _holder_index(h)}
        for h in record.positions
    ]
    with transaction.atomic():
        if existing is not None:
            company = existing
            company.legal_representative = person
        else:
            company = Company(uscc=code, registered_by=person, created_at=now)
            company.legal_representative = person
        company.name = record.name
        company.name_en = record.name_en
        company.kind = record.kind
        company.region_code = record.region_code
        company.positions = positions
        company.registry_checked_at = now
        company.save()
        audit_record(
            action="company.register",
            actor=person.user,
            subject_type="company",
            subject_id=company.pk,
            data={"uscc": code},
        )
    return company


def _validity(
    valid_from: dt.date | None, valid_until: dt.date
) -> tuple[dt.date, dt.date]:
    start = valid_from or clock.today()
    if valid_until < start:
        message = _("有效期止不能早于有效期起。")
        raise InvalidInput("invalid_period", message, fields={"valid_until": message})
    if valid_until < clock.today():
        message = _("有效期止不能早于今天。")
        raise InvalidInput("invalid_period", message, fields={"valid_until": message})
    return start, valid_until


def _scope(all_services: bool, service_codes: list[str]) -> list[str]:
    if all_services:
        return []
    from tongban.catalog.models import ServiceItem

    codes = sorted(set(service_codes))
    known = set(
        ServiceItem.objects.filter(code__in=codes).values_list("code", flat=True)
    )
    unknown = [code for code in codes if code not in known]
    if not codes or unknown:
        message = _("请选择授权办理的事项（未知事项：%(codes)s）。") % {
            "codes": "、".join(unknown) or "—"
        }
        raise InvalidInput("invalid_scope", message, fields={"service_codes": message})
    return codes


def _agent_find(doc_type: str, doc_number: str, name: str) -> Person:
    facts = _document_facts(doc_type, doc_number, None)
    agent = _find_by_document(facts.doc_type, facts.number)
    if agent is None or agent.name != _name_clean(name) or agent.user_id is None:
        raise InvalidInput(
            "agent_not_found",
            _("没有找到该姓名与证件号一致的已注册用户，请让对方先注册。"),
        )
    return agent


def company_grant(
    *,
    company: Company,
    by: Person,
    agent_doc_type: str,
    agent_doc_number: str,
    agent_name: str,
    all_services: bool,
    service_codes: list[str],
    valid_from: dt.date | None,
    valid_until: dt.date,
) -> Grant:
    """The legal representative lets a handler act for the company."""
    if company.legal_representative_id != by.pk:
        raise NotFound("not_found", _("未找到。"))
    agent = _agent_find(agent_doc_type, agent_doc_number, agent_name)
    if agent.pk == by.pk:
        raise InvalidInput("invalid_agent", _("法定代表人本人无需授权。"))
    if Grant.objects.filter(
        company=company,
        agent=agent,
        status=GrantStatus.ACTIVE,
        valid_until__gte=clock.today(),
    ).exists():
        raise Conflict(
            "already_granted", _("该经办人已有有效授权；如需调整，请先撤销原授权。")
        )
    start, end = _validity(valid_from, valid_until)
    codes = _scope(all_services, service_codes)
    with transaction.atomic():
        grant = Grant.objects.create(
            kind=GrantKind.COMPANY_HANDLER,
            agent=agent,
            company=company,
            all_services=all_services,
            service_codes=codes,
            valid_from=start,
            valid_until=end,
            status=GrantStatus.ACTIVE,
            granted_by=by,
            created_at=clock.now(),
            confirmed_at=clock.now(),
        )
        audit_record(
            action="grant.create",
            actor=by.user,
            subject_type="company",
            subject_id=company.pk,
            data={
                "grant": grant.pk,
                "agent": agent.pk,
                "all_services": all_services,
                "service_codes": codes,
                "valid_until": end.isoformat(),
            },
        )
    return grant


def grant_revoke(*, grant: Grant, by: Person) -> Grant:
    """The grantor, the principal or the agent ends a grant."""
    allowed = {grant.granted_by_id, grant.agent_id, grant.principal_id}
    if grant.company is not None:
        allowed.add(grant.company.legal_representative_id)
    if by.pk not in allowed:
        raise NotFound("not_found", _("未找到。"))
    if grant.status == GrantStatus.REVOKED:
        return grant
    with transaction.atomic():
        grant.status = GrantStatus.REVOKED
        grant.revoked_at = clock.now()
        grant.save(update_fields=["status", "revoked_at"])
        subject = (
            ("company", grant.company_id)
            if grant.company_id
            else (
                "person",
                grant.principal_id,
            )
        )
        audit_record(
            action="grant.revoke",
            actor=by.user,
            subject_type=subject[0],
            subject_id=subject[1] or "",
            data={"grant": grant.pk},
        )
    return grant


def proxy_request(
    *,
    agent: Person,
    principal_doc_type: str,
    principal_doc_number: str,
    principal_name: str,
    relation: str,
    valid_until: dt.date,
) -> Grant:
    """A relative asks to act for a person; it takes effect when the principal confirms."""
    principal = _agent_find(principal_doc_type, principal_doc_number, principal_name)
    if principal.pk == agent.pk:
        raise InvalidInput("invalid_agent", _("不能为自己申请代办。"))
    start, end = _validity(None, valid_until)
    with transaction.atomic():
        grant = Grant.objects.create(
            kind=GrantKind.RELATIVE,
            agent=agent,
            principal=principal,
            relation=relation.strip()[:40],
            valid_from=start,
            valid_until=end,
            status=GrantStatus.PENDING,
            granted_by=principal,
            created_at=clock.now(),
        )
        audit_record(
            action="grant.request",
            actor=agent.user,
            subject_type="person",
            subject_id=principal.pk,
            data={"grant": grant.pk, "relation": grant.relation},
        )
    return grant


def proxy_confirm(*, grant: Grant, principal: Person) -> Grant:
    if grant.principal_id != principal.pk or grant.kind != GrantKind.RELATIVE:
        raise NotFound("not_found", _("未找到。"))
    if grant.status != GrantStatus.PENDING:
        raise Conflict("not_pending", _("该授权已处理。"))
    with transaction.atomic():
        grant.status = GrantStatus.ACTIVE
        grant.confirmed_at = clock.now()
        grant.save(update_fields=["status", "confirmed_at"])
        _consent(principal, ConsentKind.PROXY, by=principal, detail=f"grant:{grant.pk}")
        audit_record(
            action="grant.confirm",
            actor=principal.user,
            subject_type="person",
            subject_id=principal.pk,
            data={"grant": grant.pk},
        )
    return grant


def guardian_add_child(
    *, guardian: Person, child_name: str, child_doc_number: str
) -> Grant:
    """A guardian acts for a child under 14, with the guardian's consent (PIPL Art. 31).

    The population registry must list the guardian for the child; the child's record is
    created if the platform does not know them yet (a child has no login).
    """
    level_require(guardian, Level.L2)
    facts = _document_facts(DocumentType.RESIDENT_ID, child_doc_number, None)
    clean_name = _name_clean(child_name)
    today = clock.today()
    birth = facts.birth_date
    if birth is None or _age(birth, today) >= c.GUARDIAN_AGE_LIMIT:
        raise InvalidInput(
            "not_a_minor",
            _(
                "监护代办适用于不满十四周岁的未成年人；年满十四周岁的请本人注册后确认亲属代办。"
            ),
        )
    try:
        is_guardian = registries.guardianship_check(
            guardian_number=guardian.doc_number,
            child_number=facts.number,
            child_name=clean_name,
        )
    except OutsideSystemUnavailable as error:
        raise Unavailable(
            "registry_unavailable", _("人口库暂时不可用，请稍后再试。")
        ) from error
    if not is_guardian:
        raise InvalidInput(
            "identity_mismatch",
            _("人口库未登记您为该儿童的监护人，或姓名与证件号码不一致。"),
        )
    now = clock.now()
    until = _birthday(birth, c.GUARDIAN_AGE_LIMIT) - dt.timedelta(days=1)
    with transaction.atomic():
        child = _find_by_document(facts.doc_type, facts.number)
        if child is None:
            child = Person(
                name=clean_name,
                level=Level.L2,
                level_evidence=LevelEvidence.POPULATION_REGISTRY,
                level_at=now,
                created_at=now,
            )
            person_document_set(child, facts)
            child.save()
        if Grant.objects.filter(
            kind=GrantKind.GUARDIAN,
            agent=guardian,
            principal=child,
            status=GrantStatus.ACTIVE,
        ).exists():
            raise Conflict("already_granted", _("您已是该儿童的监护代办人。"))
        grant = Grant.objects.create(
            kind=GrantKind.GUARDIAN,
            agent=guardian,
            principal=child,
            relation=_("监护人"),
            valid_from=today,
            valid_until=until,
            status=GrantStatus.ACTIVE,
            granted_by=guardian,
            created_at=now,
            confirmed_at=now,
        )
        _consent(child, ConsentKind.GUARDIAN, by=guardian, detail=f"grant:{grant.pk}")
        audit_record(
            action="grant.guardian",
            actor=guardian.user,
            subject_type="person",
            subject_id=child.pk,
            data={"grant": grant.pk},
        )
    return grant


def _birthday(birth: dt.date, years: int) -> dt.date:
    """The day someone turns `years` (29 February births turn on 1 March)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def _age(birth: dt.date, today: dt.date) -> int:
    return (
        today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    )


# --- staff -------------------------------------------------------------------------------


def staff_create(
    *,
    username: str,
    email: str,
    password: str,
    department: Department,
    roles: list[str],
    totp_secret: str = "",
) -> StaffProfile:
    unknown = [role for role in roles if role not in StaffRole.values]
    if unknown or not roles:
        raise InvalidInput(
            "invalid_roles", _("未知角色：%(r)s") % {"r": ", ".join(unknown)}
        )
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, email=email, password=password, is_staff=False
        )
        profile = StaffProfile.objects.create(
            user=user, department=department, roles=sorted(set(roles))
        )
        if totp_secret:
            profile.totp_encrypted = protect.encrypt(totp_secret, context="staff.totp")
            profile.totp_confirmed_at = clock.now()
            profile.save()
        audit_record(
            action="staff.create",
            subject_type="staff",
            subject_id=profile.pk,
            data={"department": department.pk, "roles": profile.roles},
        )
    return profile


def _totp(profile: StaffProfile) -> pyotp.TOTP:
    return pyotp.TOTP(protect.decrypt(profile.totp_encrypted, context="staff.totp"))


def staff_totp_begin(profile: StaffProfile) -> str:
    """A new secret for an authenticator app; answers its provisioning URI."""
    if profile.totp_confirmed_at is not None:
        raise Conflict("totp_enrolled", _("已绑定动态口令。"))
    secret = pyotp.random_base32()
    profile.totp_encrypted = protect.encrypt(secret, context="staff.totp")
    profile.save(update_fields=["totp_encrypted"])
    return pyotp.TOTP(secret).provisioning_uri(
        name=profile.user.get_username(), issuer_name="tongban"
    )


def _totp_accept(profile: StaffProfile, code: str) -> bool:
    """A code of the current or neighbouring 30-second step, never the same step twice."""
    if not profile.totp_encrypted:
        return False
    totp = _totp(profile)
    moment = clock.now()
    for drift in (0, -1, 1):
        at = moment + dt.timedelta(seconds=30 * drift)
        step = int(at.timestamp()) // 30
        if step > profile.totp_last_step and secrets.compare_digest(
            totp.at(at), code.strip()
        ):
            StaffProfile.objects.filter(pk=profile.pk).update(totp_last_step=step)
            profile.totp_last_step = step
            return True
    return False


def staff_totp_confirm(profile: StaffProfile, code: str) -> StaffProfile:
    if not _totp_accept(profile, code):
        raise InvalidInput("invalid_totp", _("动态口令不正确。"))
    profile.totp_confirmed_at = clock.now()
    profile.save(update_fields=["totp_confirmed_at"])
    audit_record(
        action="staff.totp_enrol",
        actor=profile.user,
        subject_type="staff",
        subject_id=profile.pk,
    )
    return profile


@dataclass(frozen=True)
class StaffLogin:
    user: User
    needs_enrolment: bool


def staff_login(*, username: str, password: str, totp: str) -> StaffLogin:
    """Password plus a time-based one-time code; a staff member without one must enrol."""
    key = _guard_key("staff:" + username)
    _guard_check(key)
    user = User.objects.filter(username=username, is_active=True).first()
    profile = StaffProfile.objects.filter(user=user).first() if user else None
    if user is None or profile is None or not user.check_password(password):
        _guard_fail(key)
        raise _bad_credentials()
    if profile.totp_confirmed_at is None:
        _guard_clear(key)
        return StaffLogin(user=user, needs_enrolment=True)
    if not _totp_accept(profile, totp):
        _guard_fail(key)
        raise NotAuthenticated("invalid_totp", _("动态口令不正确。"))
    _guard_clear(key)
    audit_record(
        action="staff.login", actor=user, subject_type="staff", subject_id=profile.pk
    )
    return StaffLogin(user=user, needs_enrolment=False)


# --- staff reading identity data ---------------------------------------------------------


def person_identity_read(
    *, staff: StaffProfile, person: Person, reason: str, reveal: bool = False
) -> dict[str, str]:
    """Staff read someone's identity data: always with a reason, always audited."""
    if not reason.strip():
        message = _("查看他人身份信息须填写事由。")
        raise InvalidInput("reason_required", message, fields={"reason": message})
    data = {
        "name": person.name,
        "doc_type": person.doc_type,
        "doc_number": person.doc_number if reveal else person.doc_masked,
        "phone": person.phone_masked,
    }
    audit_record(
        action="identity.reveal" if reveal else "identity.read",
        actor=staff.user,
        subject_type="person",
        subject_id=person.pk,
        reason=reason.strip(),
        data={"department": staff.department_id},
    )
    return data


# --- API sessions ------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def _access_token(session: ApiSession) -> str:
    expires = clock.now() + c.ACCESS_TOKEN_LIFETIME
    return signing.dumps(
        {"s": session.pk, "u": session.user_id, "x": int(expires.timestamp())},
        salt="tongban.api.access",
    )


def api_session_open(user: User) -> TokenPair:
    refresh = secrets.token_urlsafe(32)
    now = clock.now()
    session = ApiSession.objects.create(
        user=user,
        refresh_digest=protect.secret_digest(refresh),
        created_at=now,
        refreshed_at=now,
        expires_at=now + c.REFRESH_TOKEN_LIFETIME,
    )
    return TokenPair(
        _access_token(session), refresh, int(c.ACCESS_TOKEN_LIFETIME.total_seconds())
    )


def api_session_refresh(refresh_token: str) -> TokenPair:
    """A new pair for a live refresh token; the old refresh token stops working."""
    now = clock.now()
    session = ApiSession.objects.filter(
        refresh_digest=protect.secret_digest(refresh_token)
    ).first()
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise NotAuthenticated("invalid_token", _("登录已失效，请重新登录。"))
    refresh = secrets.token_urlsafe(32)
    updated = ApiSession.objects.filter(
        pk=session.pk, refresh_digest=session.refresh_digest
    ).update(refresh_digest=protect.secret_digest(refresh), refreshed_at=now)
    if not updated:
        raise NotAuthenticated("invalid_token", _("登录已失效，请重新登录。"))
    return TokenPair(
        _access_token(session), refresh, int(c.ACCESS_TOKEN_LIFETIME.total_seconds())
    )


def api_session_close(session_id: int) -> None:
    ApiSession.objects.filter(pk=session_id, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


def _api_session_read(session_id: int, user_id: int) -> ApiSession | None:
    """A live session with its user and the user's person or staff profile (with its
    department), in one query — every API call needs them. Written as SQL (see
    `core/rows.py`): through the ORM, compiling this join cost more than running it."""
    from tongban.core.rows import columns, instance

    s, u, p, st, d = parts = [
        columns(ApiSession, "s"),
        columns(User, "u"),
        columns(Person, "p"),
        columns(StaffProfile, "st"),
        columns(Department, "d"),
    ]

    def table(cols: Any) -> str:
        return f"{cols.model._meta.db_table} {cols.alias}"

    def column(model: Any, name: str) -> str:
        return str(model._meta.get_field(name).column)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(cols.select for cols in parts)} FROM {table(s)} "  # noqa: S608 — names from the models, values as parameters
            f"JOIN {table(u)} ON u.id = s.{column(ApiSession, 'user')} "
            f"LEFT JOIN {table(p)} ON p.{column(Person, 'user')} = u.id "
            f"LEFT JOIN {table(st)} ON st.{column(StaffProfile, 'user')} = u.id "
            f"LEFT JOIN {table(d)} ON d.id = st.{column(StaffProfile, 'department')} "
            f"WHERE s.id = %s AND s.{column(ApiSession, 'user')} = %s "
            f"AND s.{column(ApiSession, 'revoked_at')} IS NULL",
            [session_id, user_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    loaded: list[Any] = []
    start = 0
    for cols in parts:
        loaded.append(instance(cols, row, start))
        start += len(cols)
    session, user, person, staff, department = loaded
    # Relations set as the ORM's select_related sets them: no later access asks again.
    session.user = user
    User.person.related.set_cached_value(user, person)  # type: ignore[attr-defined]
    User.staff.related.set_cached_value(user, staff)  # type: ignore[attr-defined]
    if person is not None:
        person.user = user
    if staff is not None:
        staff.user = user
        staff.department = department
    return cast("ApiSession", session)


def access_token_read(token: str) -> ApiSession | None:
    """The live session an access token belongs to, or None."""
    try:
        data = signing.loads(token, salt="tongban.api.access")
    except signing.BadSignature:
        return None
    if int(data["x"]) <= clock.now().timestamp():
        return None
    session = _api_session_read(int(data["s"]), int(data["u"]))
    if (
        session is None
        or session.expires_at <= clock.now()
        or not session.user.is_active
    ):
        return None
    return session
