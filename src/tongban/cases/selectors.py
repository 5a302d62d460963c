"""Reads of cases, scoped in the queries: applicants see what they may act for, staff their
department's cases."""

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.accounts.constants import Permission
from tongban.accounts.identifiers import document_indexes, phone_indexes
from tongban.accounts.models import Company, Person, StaffProfile
from tongban.accounts.permissions import permission_require, staff_may
from tongban.accounts.selectors import Scopes, acting_scopes
from tongban.cases.constants import Status
from tongban.cases.models import Case, CaseEvent
from tongban.catalog.models import ServiceItem
from tongban.core import clock
from tongban.core.documents import DocumentType, document_normalise
from tongban.core.errors import DomainError, Forbidden, NotFound
from tongban.core.masking import mask_name
from tongban.core.phones import phone_normalise
from tongban.workdays.calendar import CalendarMissing, WorkCalendar
from tongban.workdays.selectors import calendar_get

OPEN = [
    Status.RECEIVED,
    Status.CORRECTION_REQUESTED,
    Status.ACCEPTED,
    Status.REVIEWED,
    Status.APPROVED,
    Status.REFUSED,
    Status.NOT_ACCEPTED,
]


def _visible_to(person: Person, scopes: tuple[Scopes, Scopes] | None = None) -> Q:
    """What a person sees: what is for them, and what is for the companies and people
    they may act for now, in the services the grant covers. Having filed a case for
    someone is not enough: a handler whose grant was revoked no longer sees, downloads or
    withdraws what they filed for the company (a case filed for oneself is for oneself:
    `applicant_person`), and a grant for one service shows the company's cases of that
    service only."""
    visible = Q(applicant_person=person)
    for field, principals in zip(
        ("applicant_company_id", "applicant_person_id"),
        scopes or acting_scopes(person),
        strict=True,
    ):
        everything = sorted(i for i, codes in principals.items() if codes is None)
        if everything:
            visible |= Q(**{f"{field}__in": everything})
        for ident, codes in sorted(principals.items()):
            if codes is not None:
                visible |= Q(**{field: ident}, item__code__in=sorted(codes))
    return visible


# The columns of a row in the case lists (applicant's and staff queue), in this order:
# number, status, service name, received on, legal deadline.
_ROW = "c.number, c.status, i.name, c.received_on, c.legal_deadline"


def _tables() -> tuple[str, str]:
    return Case._meta.db_table, ServiceItem._meta.db_table


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def case_rows_for_person(
    person: Person,
    *,
    offset: int,
    limit: int,
    scopes: tuple[Scopes, Scopes] | None = None,
) -> list[tuple[Any, ...]]:
    """A page of the person's cases, newest first, as rows of `_ROW`.

    Each branch of what they may see (`_visible_to`, written here as SQL) takes its
    newest `offset + limit` rows from its own index and the union is sorted, so a busy
    applicant's page reads a few dozen rows, not all their cases. Written as SQL rather
    than through the ORM: this is the platform's busiest read, and compiling the union
    each time cost more than running it. Tested against `cases_for_person`.
    """
    end = offset + limit
    case, item = _tables()
    conditions: list[tuple[str, list[Any]]] = [
        ("applicant_person_id = %s", [person.pk]),
    ]
    for field, principals in zip(
        ("applicant_company_id", "applicant_person_id"),
        scopes or acting_scopes(person),
        strict=True,
    ):
        ids = sorted(i for i, codes in principals.items() if codes is None)
        if ids:
            conditions.append((f"{field} IN ({_placeholders(ids)})", ids))
        for ident, codes in sorted(principals.items()):
            if codes:  # a grant for some services: the principal's cases of those
                names = sorted(codes)
                conditions.append(
                    (
                        f"{field} = %s AND item_id IN (SELECT id FROM {item} "  # noqa: S608 — as below
                        f"WHERE code IN ({_placeholders(names)}))",
                        [ident, *names],
                    )
                )
    branches, params = [], []
    for number, (where, values) in enumerate(conditions):
        branches.append(
            f"SELECT * FROM (SELECT id, created_at FROM {case} WHERE {where} "  # noqa: S608 — table names from the models, values as parameters
            f"ORDER BY created_at DESC, id DESC LIMIT %s) AS b{number}"
        )
        params += [*values, end]
    sql = (
        f"SELECT {_ROW} FROM ({' UNION '.join(branches)}) AS v "  # noqa: S608 — as above
        f"JOIN {case} c ON c.id = v.id JOIN {item} i ON i.id = c.item_id "
        "ORDER BY v.created_at DESC, v.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def case_count_for_person(
    person: Person, scopes: tuple[Scopes, Scopes] | None = None
) -> int:
    """How many cases `case_rows_for_person` pages through (what `_visible_to` shows)."""
    return Case.objects.filter(_visible_to(person, scopes)).count()


def case_page_for_person(
    person: Person, *, offset: int, limit: int
) -> tuple[int, list[tuple[Any, ...]]]:
    """How many cases the person may see, and a page of them: whom they act for is read
    once for both (it was asked twice on every list request)."""
    scopes = acting_scopes(person)
    rows = case_rows_for_person(person, offset=offset, limit=limit, scopes=scopes)
    return case_count_for_person(person, scopes), rows


def _like(text: str) -> str:
    """`text` as a LIKE pattern's literal part (its `%`, `_` and `\\` escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_terms(q: str) -> dict[str, Any]:
    """What a clerk's search `q` is compared with: a case number (exact or its start), an
    applicant's name (a part of it) or credit code, a person's document number (through
    its blind index: the number itself is never stored)."""
    text = " ".join(q.split())
    compact = document_normalise(text)
    return {
        "number": _like(compact) + "%",
        "name": "%" + _like(text) + "%",
        "uscc": compact,
        "indexes": sorted(
            {i for kind in DocumentType.values for i in document_indexes(kind, compact)}
        )
        or [""],
    }


def _queue_where(
    staff: StaffProfile, *, status: str | None, mine: bool, q: str = ""
) -> tuple[str, list[Any]]:
    statuses = [status] if status else [str(s) for s in OPEN]
    where = f"c.department_id = %s AND c.status IN ({_placeholders(statuses)})"
    params: list[Any] = [staff.department_id, *statuses]
    if mine:
        where += " AND c.claimed_by_id = %s"
        params.append(staff.user_id)
    if q.strip():
        terms = _search_terms(q)
        indexes = terms["indexes"]
        case, company, person = (
            Case._meta.db_table,
            Company._meta.db_table,
            Person._meta.db_table,
        )
        people = (
            f"SELECT id FROM {person} WHERE doc_index IN ({_placeholders(indexes)})"  # noqa: S608 — table names from the models, values as parameters
        )
        # The name on the case's own row, among the department's cases the query reads
        # anyway; the number, the credit code and the document number each by an index
        # of its own.
        where += (
            " AND (UPPER(c.applicant_label) LIKE UPPER(%s) ESCAPE '\\'"  # noqa: S608 — table names from the models, values as parameters
            f" OR c.id IN (SELECT id FROM {case} WHERE number LIKE %s ESCAPE '\\'"
            f" UNION SELECT id FROM {case} WHERE applicant_company_id IN "
            f"(SELECT id FROM {company} WHERE uscc = %s)"
            f" UNION SELECT id FROM {case} WHERE applicant_person_id IN ({people})"
            f" UNION SELECT id FROM {case} WHERE submitted_by_id IN ({people})))"
        )
        params += [
            terms["name"],
            terms["number"],
            terms["uscc"],
            *indexes,
            *indexes,
        ]
    return where, params


# A department's queue is counted up to this many: counting every open case of a busy
# department on each page cost as much as reading the page (make bench ONLY=cases).
QUEUE_COUNT_MAX = 1000


def queue_count(
    staff: StaffProfile,
    *,
    status: str | None = None,
    mine: bool = False,
    q: str = "",
    most: int = QUEUE_COUNT_MAX,
) -> int:
    """How many cases `queue_rows` pages through, counted up to `most + 1` (so more than
    `most` answers `most + 1`, whatever the true number)."""
    permission_require(staff, Permission.CASES_HANDLE)
    where, params = _queue_where(staff, status=status, mine=mine, q=q)
    case, _item = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {case} c "  # noqa: S608 — table names from the models, values as parameters
            f"WHERE {where} LIMIT %s) AS q",
            [*params, most + 1],
        )
        (count,) = cursor.fetchone()
    return int(count)


# The columns of a row of the staff queue, in this order: those of `_ROW`, then the
# promised deadline, the year a pending deadline waits for, acceptance and decision days,
# the case's region (its calendar), the item's English name, the applicant as the case
# names it (kind, name, credit code or masked document number: columns of the case), and
# who claimed it.
QUEUE_FIELDS = (
    "number",
    "status",
    "item__name",
    "received_on",
    "legal_deadline",
    "promised_deadline",
    "deadline_pending_year",
    "accepted_on",
    "decided_on",
    "region",
    "item__name_en",
    "applicant_kind",
    "applicant_label",
    "applicant_identifier",
    "claimed_by__username",
)

# `QUEUE_FIELDS` in SQL: the case's own columns, and the claimer's name by a scalar
# subquery on its primary key (most cases are unclaimed). The applicant was six such
# subqueries a row, read from the company and person tables: 300 index look-ups a page.
_QUEUE_ROW = (
    f"{_ROW}, c.promised_deadline, c.deadline_pending_year, c.accepted_on, "  # noqa: S608 — names from the models
    "c.decided_on, c.region, i.name_en, c.applicant_kind, c.applicant_label, "
    "c.applicant_identifier, "
    f"(SELECT username FROM {User._meta.db_table} WHERE id = c.claimed_by_id)"
)


def queue_rows(
    staff: StaffProfile,
    *,
    status: str | None = None,
    mine: bool = False,
    q: str = "",
    offset: int,
    limit: int,
) -> list[tuple[Any, ...]]:
    """A page of `staff_queue` as rows of `QUEUE_FIELDS`, earliest deadline first —
    written as SQL for the same reason as `case_rows_for_person`; tested against
    `staff_queue`."""
    permission_require(staff, Permission.CASES_HANDLE)
    where, params = _queue_where(staff, status=status, mine=mine, q=q)
    case, item = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_QUEUE_ROW} FROM {case} c JOIN {item} i ON i.id = c.item_id "  # noqa: S608 — table names from the models, values as parameters
            f"WHERE {where} ORDER BY c.legal_deadline, c.received_on, c.id "
            "LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


@dataclass(frozen=True)
class Countdown:
    """Working days left to a deadline, or why there is no count: `days` is negative when
    the deadline has passed (overdue by that many), None when `reason` says why not —
    `pending` (its calendar year is not yet published), `not_started` (it runs from
    acceptance), `decided`, `none` (the item has no such limit)."""

    days: int | None
    reason: str = ""

    @property
    def overdue(self) -> int:
        """How many working days the deadline has passed (0: it has not)."""
        return -self.days if self.days is not None and self.days < 0 else 0


@dataclass(frozen=True)
class QueueRow:
    """A row of the staff queue as a clerk reads it."""

    number: str
    status: str
    service_name: str
    service_name_en: str
    received_on: dt.date | None
    legal_deadline: dt.date | None
    promised_deadline: dt.date | None
    deadline_pending_year: int | None
    applicant: str  # a company's name, or a person's (masked as `mask_name` says)
    applicant_kind: str  # company | person
    applicant_identifier: str  # a credit code, or a masked document number
    claimed_by: str
    legal_left: Countdown
    promised_left: Countdown

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def item(self) -> dict[str, str]:
        """For the `local_name` filter: the item's name in the page's language."""
        return {"name": self.service_name, "name_en": self.service_name_en}


# The countdowns without a count, made once (a page of rows shares them).
_DECIDED = Countdown(None, "decided")
_PENDING = Countdown(None, "pending")
_NOT_STARTED = Countdown(None, "not_started")
_NO_LIMIT = Countdown(None, "none")


def _count(
    calendar: WorkCalendar | None, today: dt.date, deadline: dt.date
) -> Countdown:
    if calendar is None:
        return _PENDING
    try:
        return Countdown(calendar.count_working_days(today, deadline))
    except CalendarMissing:  # the days between run into a year not yet published
        return _PENDING


# A region's calendar as the queue counts on it, held for a minute: `calendar_get` asks
# the database whether the calendar changed (a query on every call), which cost the queue
# more than all its rows; a countdown a minute behind a calendar edit is harmless (the
# deadlines themselves are stored on each case).
CALENDAR_HOLD_SECONDS = 60.0
_held: dict[str, tuple[float, WorkCalendar | None]] = {}


def _calendar(region: str) -> WorkCalendar | None:
    now = time.monotonic()
    held = _held.get(region)
    if held is not None and now - held[0] < CALENDAR_HOLD_SECONDS:
        return held[1]
    try:
        calendar: WorkCalendar | None = calendar_get(region=region)
    except DomainError:
        calendar = None
    _held[region] = (now, calendar)
    return calendar


def queue_rows_read(rows: Sequence[tuple[Any, ...]]) -> list[QueueRow]:
    """`queue_rows` as a clerk reads them: the applicant (a person's name masked as
    `mask_name` says for staff), and the working days left to the promised and the legal
    deadline, counted on each case's regional calendar (held in memory: no query per
    row) — each region and deadline counted once a page (the queue's rows share their
    days: it is sorted by deadline)."""
    today = clock.today()
    counted: dict[tuple[str, dt.date], Countdown] = {}

    def left(
        deadline: dt.date | None, region: str, pending: bool, started: bool
    ) -> Countdown:
        if pending and deadline is None:  # a case's other deadline may be known
            return _PENDING
        if not started:
            return _NOT_STARTED
        if deadline is None:
            return _NO_LIMIT
        found = counted.get((region, deadline))
        if found is None:
            found = counted[region, deadline] = _count(
                _calendar(region), today, deadline
            )
        return found

    out = []
    for (
        number,
        status,
        name,
        received_on,
        legal,
        promised,
        pending_year,
        accepted_on,
        decided_on,
        region,
        name_en,
        kind,
        label,
        identifier,
        claimed_by,
    ) in rows:
        if decided_on is not None:
            legal_left = promised_left = _DECIDED
        else:
            pending, started = pending_year is not None, accepted_on is not None
            legal_left = left(legal, region, pending, started)
            promised_left = left(promised, region, pending, started)
        out.append(
            QueueRow(
                number,
                status,
                name,
                name_en or "",
                received_on,
                legal,
                promised,
                pending_year,
                label if kind == "company" else mask_name(label, "screen"),
                kind,
                identifier,
                claimed_by or "",
                legal_left,
                promised_left,
            )
        )
    return out


def queue_page(
    staff: StaffProfile,
    *,
    status: str | None = None,
    mine: bool = False,
    q: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[QueueRow]]:
    """How many cases the queue (or the search in it) holds, counted up to
    `QUEUE_COUNT_MAX + 1`, and a page of them as a clerk reads them."""
    count = queue_count(staff, status=status, mine=mine, q=q)
    rows = queue_rows(staff, status=status, mine=mine, q=q, offset=offset, limit=limit)
    return count, queue_rows_read(rows)


def cases_for_person(person: Person) -> QuerySet[Case]:
    return (
        Case.objects.filter(_visible_to(person))
        .select_related("item", "department")
        .order_by("-created_at")
    )


def case_for_person(person: Person, number: str) -> Case:
    case = (
        cases_for_person(person).select_related("version").filter(number=number).first()
    )
    if case is None:
        raise NotFound("not_found", _("未找到该办件。"))
    return case


def _search_q(q: str) -> Q:
    """`_search_terms` as the ORM says it (what `queue_rows` is tested against)."""
    terms = _search_terms(q)
    text = " ".join(q.split())
    compact = document_normalise(text)
    return (
        Q(number__startswith=compact)
        | Q(applicant_company__uscc=terms["uscc"])
        | Q(applicant_label__icontains=text)
        | Q(applicant_person__doc_index__in=terms["indexes"])
        | Q(submitted_by__doc_index__in=terms["indexes"])
    )


def staff_queue(
    staff: StaffProfile,
    *,
    status: str | None = None,
    mine: bool = False,
    q: str = "",
) -> QuerySet[Case]:
    """The department's open cases (or those of `status`), earliest deadline first; only
    for a role of the department's work (`cases.handle`: never an administrator). `q`
    finds cases by number (exact or its start) or by applicant: a part of the person's
    or company's name, the company's credit code, the person's document number."""
    permission_require(staff, Permission.CASES_HANDLE)
    cases = Case.objects.filter(department=staff.department).select_related("item")
    cases = cases.filter(status=status) if status else cases.filter(status__in=OPEN)
    if mine:
        cases = cases.filter(claimed_by=staff.user)
    if q.strip():
        cases = cases.filter(_search_q(q))
    return cases.order_by("legal_deadline", "received_on", "pk")


def case_for_staff(staff: StaffProfile, number: str) -> Case:
    permission_require(staff, Permission.CASES_HANDLE)
    case = (
        Case.objects.filter(department=staff.department, number=number)
        .select_related("item", "version", "department")
        .first()
    )
    if case is None:
        raise NotFound("not_found", _("未找到该办件。"))
    return case


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "pk")


def case_by_number_and_identity(number: str, identity: str) -> Case:
    """For the public progress check: the case only if the document number or phone matches
    its applicant; the same 404 either way."""
    case = Case.objects.filter(number=number).select_related("submitted_by").first()
    if case is not None:
        text = "".join(identity.split()).upper()
        try:
            phones = phone_indexes(phone_normalise(identity))
        except DomainError:
            phones = ()  # not a phone number: a document number then
        people = [
            p for p in (case.submitted_by, case.applicant_person) if p is not None
        ]
        for person in people:
            if person.doc_index in document_indexes(person.doc_type, text):
                return case
            if person.phone_index and person.phone_index in phones:
                return case
    raise NotFound("not_found", _("没有与该编号和证件号码（或手机号）一致的办件。"))


# --- supervision (效能监察) ---------------------------------------------------------------

IN_PROGRESS = [Status.ACCEPTED, Status.REVIEWED]
DUE_SOON_WORKING_DAYS = 3


def _state(case: Case, today: Any, soon: Any) -> str:
    if case.decided_on is not None:
        if case.promised_deadline and case.decided_on <= case.promised_deadline:
            return "on_time_promised"
        if case.legal_deadline and case.decided_on <= case.legal_deadline:
            return "on_time_legal"
        if case.legal_deadline is None:
            return "pending"
        return "late"
    if case.legal_deadline is None:
        return "pending"
    if case.legal_deadline < today:
        return "overdue"
    if case.legal_deadline <= soon:
        return "due_soon"
    return "on_track"


def supervision_for_staff(
    staff: StaffProfile | None, *, department_code: str | None = None
) -> dict[str, Any]:
    """效能监察 as `staff` may see it: every department, or the one asked for
    (`supervision.all`: supervisors), or their own (`supervision.department`: department
    heads); 403 for anyone else."""
    if staff_may(staff, Permission.SUPERVISION_ALL):
        return supervision(department_code=department_code)
    if staff is not None and staff_may(staff, Permission.SUPERVISION_DEPARTMENT):
        return supervision(department_code=staff.department.code)
    raise Forbidden("not_authorised", _("该页面仅供效能监察人员和部门负责人使用。"))


def supervision(*, department_code: str | None = None) -> dict[str, Any]:
    """Open cases near or past their legal limit, and decided cases measured against the
    promised limit, by department."""
    today = clock.today()
    try:
        # Into a year not yet published, its days on weekends alone: never a later day.
        soon = calendar_get().add_assuming_weekends(
            today, DUE_SOON_WORKING_DAYS, "working_days"
        )
    except CalendarMissing:
        soon = today
    cases = (
        Case.objects.exclude(status__in=[Status.DRAFT])
        .filter(accepted_on__isnull=False)
        .select_related("department", "item")
    )
    if department_code:
        cases = cases.filter(department__code=department_code)
    departments: dict[str, dict[str, Any]] = {}
    flagged = []
    for case in cases.order_by("legal_deadline"):
        state = _state(case, today, soon)
        row = departments.setdefault(
            case.department.code,
            {
                "department": case.department.name,
                "code": case.department.code,
                "on_track": 0,
                "due_soon": 0,
                "overdue": 0,
                "on_time_promised": 0,
                "on_time_legal": 0,
                "late": 0,
                "pending": 0,
            },
        )
        row[state] += 1
        if state in ("overdue", "due_soon", "late"):
            flagged.append({"case": case, "state": state})
    return {
        "today": today,
        "departments": sorted(departments.values(), key=lambda r: r["code"]),
        "flagged": flagged,
    }


def forward_targets(case: Case) -> list[ServiceItem]:
    """Where a case may be forwarded: the same item as other departments implement it."""
    return list(
        ServiceItem.objects.filter(basic_code=case.item.basic_code, is_retired=False)
        .exclude(department_id=case.department_id)
        .select_related("department")
        .order_by("region", "code")
    )
