"""New accounts: registration online, a record made at the counter, claiming it."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.accounts.constants import ConsentKind, Level, LevelEvidence, SmsPurpose
from tongban.accounts.identifiers import phone_indexes
from tongban.accounts.languages import language_require, registration_language
from tongban.accounts.models import Person, StaffProfile
from tongban.accounts.services._common import (
    _consent,
    _document_facts,
    _document_identifying,
    _find_by_document,
    _name_clean,
    _new_user,
    _password_check,
    person_document_set,
    person_phone_set,
)
from tongban.accounts.services.sms_codes import _sms_code_verify, _sms_consume
from tongban.audit.services import audit_record
from tongban.catalog.constants import StaffRole
from tongban.core import clock
from tongban.core.errors import Conflict, Forbidden, NotFound
from tongban.core.phones import phone_normalise


def person_register(
    *,
    name: str,
    doc_type: str,
    doc_number: str,
    nationality: str | None,
    phone: str,
    sms_code: str,
    password: str,
    page_language: str | None = None,
    language: str | None = None,
) -> Person:
    """A new L1 account: the document is checked first, then the phone's code.

    It is written to in `language` when one is chosen, else in English for a foreigner's
    document or a registration on an English page (`page_language`), else in Chinese."""
    facts = _document_facts(doc_type, doc_number, nationality)
    chosen = (
        language_require(language)
        if language
        else registration_language(doc_type=facts.doc_type, page_language=page_language)
    )
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
    if Person.objects.filter(phone_index__in=phone_indexes(e164)).exists():
        raise Conflict("phone_taken", _("该手机号已被其他账户使用。"))
    challenge = _sms_code_verify(e164=e164, purpose=SmsPurpose.REGISTER, code=sms_code)
    now = clock.now()
    try:
        with transaction.atomic(durable=True):
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
                language=chosen,
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
                data={
                    "doc_type": person.doc_type,
                    "level": person.level,
                    "language": person.language,
                },
            )
    except (
        IntegrityError
    ) as error:  # a simultaneous registration of the same document or phone
        if Person.objects.filter(phone_index__in=phone_indexes(e164)).exists():
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
    language: str | None = None,
) -> Person:
    """A person whose original document a clerk has seen; no login until they claim it.
    Written to in `language`, by default English for a foreigner's document, else
    Chinese (the counter's page language says nothing of the person's)."""
    if not staff.has_role(StaffRole.INTAKE_CLERK):
        raise Forbidden("not_authorised", _("只有受理人员可以在窗口建立档案。"))
    facts = _document_facts(doc_type, doc_number, nationality)
    clean_name = _name_clean(name)
    e164 = phone_normalise(phone) if phone.strip() else ""
    chosen = (
        language_require(language)
        if language
        else registration_language(doc_type=facts.doc_type, page_language=None)
    )
    if _find_by_document(facts.doc_type, facts.number) is not None:
        raise Conflict("already_registered", _("该证件已有档案，请按证件号查询。"))
    now = clock.now()
    with transaction.atomic(durable=True):
        person = Person(
            name=clean_name,
            level=Level.L2,
            level_evidence=LevelEvidence.IN_PERSON,
            level_at=now,
            language=chosen,
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
    facts = _document_identifying(doc_type, doc_number)
    e164 = phone_normalise(phone)
    _password_check(password)
    person = _find_by_document(facts.doc_type, facts.number)
    mismatch = _("没有与该证件、姓名和手机号一致的待认领档案。")
    if (
        person is None
        or person.user_id is not None
        or person.name != _name_clean(name)
        or person.phone_index not in phone_indexes(e164)
    ):
        raise NotFound("not_found", mismatch)
    challenge = _sms_code_verify(e164=e164, purpose=SmsPurpose.CLAIM, code=sms_code)
    now = clock.now()
    with transaction.atomic(durable=True):
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
