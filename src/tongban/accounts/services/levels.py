"""Assurance levels: raising an account to L2, refusing what needs a higher level."""

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.constants import ConsentKind, Level, LevelEvidence
from tongban.accounts.models import Person
from tongban.accounts.services._common import _consent
from tongban.audit.services import audit_record
from tongban.contrib import registries
from tongban.contrib.registries import OutsideSystemUnavailable
from tongban.core import clock
from tongban.core.errors import Forbidden, InvalidInput, Unavailable


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
    with transaction.atomic(durable=True):
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
