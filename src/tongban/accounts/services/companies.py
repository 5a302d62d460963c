"""Companies, registered by their legal representative as the registry names them."""

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.constants import Level
from tongban.accounts.identifiers import document_indexes
from tongban.accounts.models import Company, Person
from tongban.accounts.services._common import document_index
from tongban.accounts.services.levels import level_require
from tongban.audit.services import audit_record
from tongban.contrib import registries
from tongban.contrib.registries import OutsideSystemUnavailable
from tongban.core import clock
from tongban.core.errors import Forbidden, InvalidInput, Unavailable
from tongban.core.identifiers import uscc_require


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
    if not any(
        person.doc_index in document_indexes(h.doc_type, h.number.upper())
        for h in representatives
    ):
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
    with transaction.atomic(durable=True):
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
