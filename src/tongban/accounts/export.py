"""A person's own data, as they see it and as they download it (PIPL Arts. 44–45)."""

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from tongban.accounts import selectors
from tongban.accounts.models import Person, StaffProfile
from tongban.audit.models import AuditEvent

ACTION_LABELS = {
    "company.register": _("注册企业"),
    "grant.create": _("授权了经办人"),
    "grant.revoke": _("撤销授权"),
    "grant.request": _("申请代办"),
    "grant.confirm": _("同意代办"),
    "grant.guardian": _("登记监护代办"),
    "acting.begin": _("开始代为办事"),
    "identity.read": _("查看身份信息"),
    "identity.reveal": _("查看完整证件号码"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def actor_label(event: AuditEvent) -> str:
    """Who acted, in words a person understands: a staff member's department, or a name."""
    if event.actor_user_id is None:
        return event.actor
    staff = (
        StaffProfile.objects.select_related("department", "user")
        .filter(user_id=event.actor_user_id)
        .first()
    )
    if staff is not None:
        return f"{staff.department.name} · {staff.user.get_username()}"
    person = Person.objects.filter(user_id=event.actor_user_id).first()
    return person.name if person else event.actor


def person_data(person: Person, *, full: bool) -> dict[str, Any]:
    """Everything held about a person; `full` puts their own numbers in clear (the export)."""
    return {
        "person": {
            "name": person.name,
            "doc_type": person.doc_type,
            "doc_number": person.doc_number if full else person.doc_masked,
            "nationality": person.nationality,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "phone": person.phone if full else person.phone_masked,
            "email": person.email,
            "level": person.level,
            "level_evidence": person.level_evidence,
            "level_at": person.level_at.isoformat() if person.level_at else None,
            "created_at": person.created_at.isoformat(),
            "created_at_counter": person.created_by_id is not None,
        },
        "consents": [
            {
                "kind": consent.kind,
                "version": consent.version,
                "given_by": consent.given_by.name,
                "detail": consent.detail,
                "given_at": consent.given_at.isoformat(),
                "withdrawn_at": consent.withdrawn_at.isoformat()
                if consent.withdrawn_at
                else None,
            }
            for consent in selectors.consents_of(person)
        ],
        "identity_reads": [
            {
                "at": event.at.isoformat(),
                "by": actor_label(event),
                "action": event.action,
                "reason": event.reason,
            }
            for event in selectors.identity_reads_of(person)
        ],
        "acting_for": [
            {"key": o.key, "label": o.label} for o in selectors.acting_options(person)
        ],
        "grants_received": [
            {
                "kind": g.kind,
                "status": g.status,
                "for": g.company.name if g.company else g.principal.name,  # type: ignore[union-attr]
                "valid_until": g.valid_until.isoformat(),
            }
            for g in selectors.grants_received(person)
        ],
        "grants_given": [
            {
                "kind": g.kind,
                "status": g.status,
                "agent": g.agent.name,
                "valid_until": g.valid_until.isoformat(),
            }
            for g in selectors.grants_given(person)
        ],
    }


def download_response(data: dict[str, Any]) -> HttpResponse:
    """An export (`services.person_data_export`) as a JSON download, pages and API alike."""
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tongban-my-data.json"'
    return response
