"""The audit administrator reads and verifies the audit log — each time audited itself.

等保 2.0 8.1.5.2: the audit administrator works only through their own page, and those
operations are audited too. The log holds masked values only (`audit_record` refuses raw
identity numbers), so nothing here masks anything more.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts import selectors
from tongban.accounts.constants import Permission
from tongban.accounts.models import StaffProfile
from tongban.accounts.permissions import permission_require
from tongban.audit.models import AuditEvent
from tongban.audit.selectors import audit_actions, audit_events_filtered
from tongban.audit.services import VerifyReport, audit_record, audit_verify
from tongban.core.errors import InvalidInput
from tongban.core.paging import LIMIT_MAX

AUDIT_PAGE_SIZE = 50
# How many of a verification's problems its event keeps (all are counted).
VERIFY_PROBLEMS_KEPT = 20


@dataclass(frozen=True)
class AuditQuery:
    """What the reader asks for; empty means any. `actor`: `user:<id>`, `system`,
    `anonymous`, or a staff member's username. Days are the platform's, both included."""

    action: str = ""
    actor: str = ""
    subject_type: str = ""
    subject_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    staff_name: str  # the actor's staff username and department, "" for anyone else


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    older_than: int | None  # the next page's `older_than`, None on the last page
    # The newest `audit.verify`: when the chain was last walked, by whom, what was found.
    last_verification: AuditLine | None
    actions: list[str]  # every action the log holds, to choose one from


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _actor(query_actor: str) -> tuple[str, int | None]:
    """(actor, actor_user_id) to filter on; a staff username becomes its user's id."""
    text = query_actor.strip()
    if not text:
        return "", None
    if text in ("system", "anonymous"):
        return text, None
    number = text.removeprefix("user:")
    if number.isdigit():
        return "", int(number)
    user_id = selectors.staff_user_id(text)
    if user_id is None:
        message = _("没有用户名为“%(name)s”的工作人员。") % {"name": text}
        raise InvalidInput("unknown_actor", message, fields={"actor": message})
    return "", user_id


def audit_log_read(
    *,
    staff: StaffProfile,
    query: AuditQuery,
    older_than: int | None = None,
    limit: int = AUDIT_PAGE_SIZE,
) -> AuditPage:
    """A page of the log, newest first, older than event `older_than` if given — recorded
    first as `audit.read` with what was asked, so the page shows its own reading.

    Paged by id, not by offset: every page read adds an event, which would shift an
    offset's pages by one and show a row twice."""
    permission_require(staff, Permission.AUDIT_READ)
    actor, actor_user_id = _actor(query.actor)
    if query.since and query.until and query.since > query.until:
        message = _("起始日期不能晚于截止日期。")
        raise InvalidInput("invalid_dates", message, fields={"until": message})
    limit = max(1, min(limit, LIMIT_MAX))
    asked = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in asdict(query).items()
        if value
    }
    if actor_user_id is not None:
        asked["actor"] = f"user:{actor_user_id}"
    if older_than is not None:
        asked["older_than"] = older_than
    try:
        with transaction.atomic(durable=True):
            audit_record(
                action="audit.read", actor=staff.user, subject_type="audit", data=asked
            )
    except ValueError as error:  # a filter holding an identity number: no event does
        message = _("审计日志中没有完整的证件号码，请按对象编号或用户查询。")
        raise InvalidInput("identity_number_in_query", message) from error
    events = audit_events_filtered(
        action=query.action.strip(),
        actor=actor,
        actor_user_id=actor_user_id,
        subject_type=query.subject_type.strip(),
        subject_id=query.subject_id.strip(),
        since=_day_start(query.since) if query.since else None,
        before=(
            _day_start(query.until + dt.timedelta(days=1)) if query.until else None
        ),
    )
    if older_than is not None:
        events = events.filter(id__lt=older_than)
    found = list(events[: limit + 1])
    shown = found[:limit]
    verification = audit_events_filtered(action="audit.verify").first()
    actors = {e.actor_user_id for e in [*shown, verification] if e and e.actor_user_id}
    names = selectors.staff_names(actors)

    def line(event: AuditEvent) -> AuditLine:
        return AuditLine(event, names.get(event.actor_user_id or 0, ""))

    return AuditPage(
        lines=[line(event) for event in shown],
        older_than=shown[-1].id if len(found) > limit else None,
        last_verification=line(verification) if verification is not None else None,
        actions=audit_actions(),
    )


def audit_log_verify(*, staff: StaffProfile) -> VerifyReport:
    """Walk the whole chain now (`audit_verify`) and record what it found as
    `audit.verify`: the page shows the newest of these as the log's state."""
    permission_require(staff, Permission.AUDIT_READ)
    report = audit_verify()  # outside any transaction: it reads the whole log
    with transaction.atomic(durable=True):
        audit_record(
            action="audit.verify",
            actor=staff.user,
            subject_type="audit",
            data={
                "ok": report.ok,
                "rows_checked": report.rows_checked,
                "problem_count": len(report.problems),
                "problems": report.problems[:VERIFY_PROBLEMS_KEPT],
            },
        )
    return report
