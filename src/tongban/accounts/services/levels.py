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


def _registry_label(registry: str) -> str:
    return (
        _("公安人口信息库（人口库）")
        if registry == "population"
        else _("出入境管理信息库")
    )


def _registry_confirm(person: Person) -> registries.IdentityAnswer:
    """The registry's yes; else a refusal that says what the person can do — check what
    they typed against the document, or have it seen at a counter — or, when the
    registry cannot be reached, that the fault is the registry's, not theirs."""
    registry = registries.registry_for(person.doc_type)
    try:
        answer = registries.identity_check(
            name=person.name,
            doc_type=person.doc_type,
            number=person.doc_number,
            nationality=person.nationality,
        )
    except OutsideSystemUnavailable as error:
        raise Unavailable(
            "registry_unavailable",
            _(
                "暂时无法连接%(registry)s，这次未能核验。这是登记机关系统的问题，"
                "不是您的信息有误；您的账户和信息都已保存，请稍后再试。"
            )
            % {"registry": _registry_label(registry)},
        ) from error
    if not answer.matches:
        raise InvalidInput(
            "identity_mismatch",
            _(
                "%(registry)s未能确认您的身份：没有与该姓名和证件号码一致的记录。"
                "请对照证件核对账户中的姓名和证件号码：姓名须与证件上的写法完全一致"
                "（外国护照按护照上的英文姓名，包括中间名，顺序相同；姓名中的间隔号"
                "“·”不能省略），号码须逐位一致（末位 X 是字母，不是数字）。"
                "有误的，或核对无误仍未通过的，请携带证件原件到政务服务中心窗口，"
                "由工作人员当面查验后办理。"
            )
            % {"registry": _registry_label(answer.registry)},
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
