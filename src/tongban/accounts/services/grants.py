"""Grants: handlers for companies, relatives and guardians for people."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts import constants as c
from tongban.accounts.constants import (
    ConsentKind,
    GrantKind,
    GrantStatus,
    Level,
    LevelEvidence,
)
from tongban.accounts.models import Company, Grant, Person
from tongban.accounts.services._common import (
    _consent,
    _document_facts,
    _document_identifying,
    _find_by_document,
    _name_clean,
    person_document_set,
)
from tongban.accounts.services.levels import level_require
from tongban.audit.services import audit_record
from tongban.catalog.models import ServiceItem
from tongban.contrib import registries
from tongban.contrib.registries import OutsideSystemUnavailable
from tongban.core import clock
from tongban.core.documents import DocumentType
from tongban.core.errors import Conflict, InvalidInput, NotFound, Unavailable


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
    facts = _document_identifying(doc_type, doc_number)
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
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
