"""Case events in their typed shapes (`cases.events`): every submit and decision event gets
the facts of its moment, special procedures their reasons and results, forwards the
receiving department's code, drafts their channel.

Facts are taken from what the event itself recorded where it recorded them (the legal
deadline at acceptance); the rest from the case, whose department, region, service,
channel and approval mode never change once it is submitted. Deadlines before acceptance
are empty, as they were then. Rows already in the typed shape are left as they are.
"""

from django.db import migrations

DECISIONS = {"submit", "accept", "accept_by_law", "refuse_intake", "approve", "refuse"}
BEFORE_ACCEPTANCE = {"submit", "refuse_intake"}


def _iso(day):
    return day.isoformat() if day else None


def _facts(case, action, data):
    legal, promised = _iso(case.legal_deadline), _iso(case.promised_deadline)
    if action in BEFORE_ACCEPTANCE:
        legal = promised = None
    if action == "accept" and "legal_deadline" in data:
        legal = data["legal_deadline"]
    return {
        "department_code": case.department.code,
        "department": case.department.name,
        "region": case.region,
        "service_code": case.item.code,
        "service": case.item.name,
        "channel": case.channel,
        "approval_mode": case.approval_mode,
        "legal_deadline": legal,
        "promised_deadline": promised,
    }


def upgrade(event, apps):
    """The typed payload of one event written before the types existed."""
    case, action, old = event.case, event.action, dict(event.data or {})
    data = dict(old)
    if action in DECISIONS and "facts" not in data:
        data["facts"] = _facts(case, action, old)
    if action == "draft":
        data.setdefault("channel", case.channel)
        if "forwarded_from" in data and "department" in data:
            data["from_department"] = data.pop("department")
    elif action == "submit":
        data.pop("channel", None)  # now in its facts
        data.setdefault("correction_due", None)
        drafted = (
            apps.get_model("cases", "CaseEvent")
            .objects.filter(case_id=event.case_id, action="draft")
            .order_by("pk")
            .first()
        )
        draft = (drafted.data or {}) if drafted is not None else {}
        sender = draft.get("from_department") or draft.get("department")
        if draft.get("forwarded_from") and sender:
            data.setdefault("from_department", sender)
    elif action == "accept":
        data.pop("legal_deadline", None)  # now in its facts
        data.setdefault("accepted_on", _iso(case.accepted_on))
    elif action in ("approve", "refuse"):
        data.setdefault("decided_on", _iso(case.decided_on))
    elif action in ("special_start", "special_end"):
        procedure = (
            apps.get_model("cases", "SpecialProcedure")
            .objects.filter(pk=data.get("procedure"))
            .first()
        )
        if procedure is not None:
            data.setdefault("kind", procedure.kind)
            if action == "special_start":
                data.setdefault("reason", procedure.reason)
                data.setdefault("basis", procedure.basis)
            else:
                data.setdefault("result", procedure.result)
    elif action == "forward" and "department_code" not in data:
        forwarded = (
            apps.get_model("cases", "Case")
            .objects.filter(number=data.get("new_number"))
            .select_related("department")
            .first()
        )
        data["department_code"] = forwarded.department.code if forwarded else ""
    elif action == "deadlines":
        data.setdefault("legal_deadline", _iso(case.legal_deadline))
        data.setdefault("promised_deadline", _iso(case.promised_deadline))
    return data


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    events = CaseEvent.objects.select_related(
        "case", "case__department", "case__item"
    ).order_by("pk")
    for event in events.iterator(chunk_size=500):
        data = upgrade(event, apps)
        if data != event.data:
            CaseEvent.objects.filter(pk=event.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_action_draft")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
