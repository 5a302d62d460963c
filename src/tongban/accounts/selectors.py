"""Reads of accounts: whom a person may act for, what they may see, whose token it is."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core import signing
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from tongban.accounts.constants import (
    ACCESS_TOKEN_SALT,
    GrantKind,
    GrantStatus,
    Permission,
)
from tongban.accounts.models import (
    ApiSession,
    Company,
    Consent,
    Grant,
    LoginGuard,
    Person,
    StaffProfile,
)
from tongban.accounts.permissions import permission_require, staff_may
from tongban.audit.models import AuditEvent
from tongban.audit.selectors import audit_events_for_subject
from tongban.catalog.models import Department
from tongban.core import clock
from tongban.core.errors import Forbidden, NotFound
from tongban.core.rows import columns, instance


def _loaded_with(user: AbstractBaseUser, relation: str) -> tuple[bool, Any]:
    """Whether `user` came with its `relation` (person, staff) already read, and what it is;
    API tokens read the user with both in one query."""
    related = getattr(get_user_model(), relation).related
    if related.is_cached(user):
        return True, related.get_cached_value(user)
    return False, None


def person_of(user: AbstractBaseUser | AnonymousUser | None) -> Person | None:
    if user is None or not user.is_authenticated:
        return None
    loaded, person = _loaded_with(user, "person")
    if not loaded:
        person = Person.objects.filter(user_id=user.pk).first()
    if person is not None:
        person.user = user  # the caller's user, not a new query
    return cast("Person | None", person)


def staff_of(user: AbstractBaseUser | AnonymousUser | None) -> StaffProfile | None:
    if user is None or not user.is_authenticated:
        return None
    loaded, staff = _loaded_with(user, "staff")
    if loaded:
        return cast("StaffProfile | None", staff)
    return (
        StaffProfile.objects.select_related("department", "user")
        .filter(user_id=user.pk)
        .first()
    )


@dataclass(frozen=True)
class Principal:
    """Whom a person is acting for: themself, a company, or another person."""

    key: str  # "self", "company:<id>", "person:<id>"
    kind: str  # "self", "company", "person"
    label: str
    company: Company | None = None
    person: Person | None = None
    grant: Grant | None = None

    def allows(self, service_code: str) -> bool:
        if self.grant is None or self.grant.all_services:
            return True
        return service_code in self.grant.service_codes


def _live(grants: QuerySet[Grant], today: dt.date) -> QuerySet[Grant]:
    return grants.filter(
        status=GrantStatus.ACTIVE, valid_from__lte=today, valid_until__gte=today
    )


def acting_options(person: Person) -> list[Principal]:
    """Themself, each company they represent or handle, each person they act for."""
    today = clock.today()
    options = [Principal(key="self", kind="self", label=person.name, person=person)]
    for company in Company.objects.filter(legal_representative=person).order_by("name"):
        options.append(
            Principal(
                key=f"company:{company.pk}",
                kind="company",
                label=company.name,
                company=company,
            )
        )
    grants = _live(Grant.objects.filter(agent=person), today).select_related(
        "company", "principal"
    )
    for grant in grants.order_by("created_at"):
        if grant.company is not None:
            if any(o.company and o.company.pk == grant.company.pk for o in options):
                continue
            options.append(
                Principal(
                    key=f"company:{grant.company.pk}",
                    kind="company",
                    label=grant.company.name,
                    company=grant.company,
                    grant=grant,
                )
            )
        elif grant.principal is not None:
            options.append(
                Principal(
                    key=f"person:{grant.principal.pk}",
                    kind="person",
                    label=grant.principal.name,
                    person=grant.principal,
                    grant=grant,
                )
            )
    return options


# Whom a person may act for, by id, each with the services they may act in (None: all).
Scopes = dict[int, frozenset[str] | None]


def acting_scopes(person: Person) -> tuple[Scopes, Scopes]:
    """The companies and the people a person may act for now, each with the item codes
    the grant covers (None: every service — a legal representative, or a grant for all),
    in one query: what `acting_options` lists, for reads (case lists, who may see a
    case). Several live grants for one principal add up.

    Written as SQL: it runs on every list request, and compiling the same query through
    the ORM each time cost several times what running it does."""
    company, grant = Company._meta.db_table, Grant._meta.db_table
    today = connection.ops.adapt_datefield_value(clock.today())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'company', id, %s, '[]' FROM {company} "  # noqa: S608 — table names from the models, values as parameters
            "WHERE legal_representative_id = %s "
            "UNION ALL "
            "SELECT CASE WHEN company_id IS NULL THEN 'person' ELSE 'company' END, "
            f"COALESCE(company_id, principal_id), all_services, service_codes FROM {grant} "
            "WHERE agent_id = %s AND status = %s AND valid_from <= %s "
            "AND valid_until >= %s",
            [True, person.pk, person.pk, GrantStatus.ACTIVE.value, today, today],
        )
        rows = cursor.fetchall()
    companies: Scopes = {}
    people: Scopes = {}
    for kind, ident, everything, codes in rows:
        scopes = companies if kind == "company" else people
        key = int(ident)
        if everything or scopes.get(key, frozenset()) is None:
            scopes[key] = None
            continue
        if isinstance(codes, str):  # SQLite answers JSON as text
            codes = json.loads(codes)
        scopes[key] = frozenset(scopes.get(key) or ()) | frozenset(codes or ())
    return companies, people


def acting_ids(person: Person) -> tuple[set[int], set[int]]:
    """The ids of the companies and people a person may act for now, for any service."""
    companies, people = acting_scopes(person)
    return set(companies), set(people)


def acting_resolve(
    person: Person, key: str, *, service_code: str | None = None
) -> Principal:
    """The principal `key` names, if `person` may act for it now (and for that service).

    Asks only about that one principal (what `acting_options` would list for it): a
    company they represent, else their grants for it — the oldest live one wins, a lapsed
    one is 403 `grant_expired`, none at all 404."""
    key = key or "self"
    if key == "self":
        return Principal(key="self", kind="self", label=person.name, person=person)
    kind, _sep, ident = key.partition(":")
    if kind not in ("company", "person") or not ident.isdigit():
        raise NotFound("not_found", _("未找到。"))
    if kind == "company":
        found = Company.objects.filter(pk=int(ident), legal_representative=person)[:1]
        if found:
            company = found[0]
            company.legal_representative = person  # known: no query to read it again
            return Principal(
                key=key, kind="company", label=company.name, company=company
            )
    field = "company_id" if kind == "company" else "principal_id"
    grants = list(
        Grant.objects.filter(
            agent=person, status=GrantStatus.ACTIVE, **{field: int(ident)}
        )
        .select_related("company" if kind == "company" else "principal")
        .order_by("created_at")
    )
    today = clock.today()
    grant = next((g for g in grants if g.valid_from <= today <= g.valid_until), None)
    if grant is None:
        if grants:
            raise Forbidden(
                "grant_expired", _("您的代办授权已过期或尚未生效，请联系授权人。")
            )
        raise NotFound("not_found", _("未找到。"))
    if grant.company is not None:
        option = Principal(
            key=key,
            kind="company",
            label=grant.company.name,
            company=grant.company,
            grant=grant,
        )
    else:  # a grant names a company or a person (a database constraint)
        principal = cast("Person", grant.principal)
        option = Principal(
            key=key, kind="person", label=principal.name, person=principal, grant=grant
        )
    if service_code and not option.allows(service_code):
        raise Forbidden(
            "not_authorised",
            _("您的授权不包括该事项，请联系授权人扩大授权范围。"),
        )
    return option


def company_for_representative(person: Person, company_id: int) -> Company:
    """A company the person is the legal representative of, else 404."""
    company = Company.objects.filter(pk=company_id, legal_representative=person).first()
    if company is None:
        raise NotFound("not_found", _("未找到。"))
    return company


def company_grants(company: Company) -> QuerySet[Grant]:
    return company.grants.select_related("agent").order_by("-created_at")


def company_activity(company: Company) -> QuerySet[AuditEvent]:
    return audit_events_for_subject("company", company.pk)


def grants_received(person: Person) -> QuerySet[Grant]:
    return (
        Grant.objects.filter(agent=person)
        .select_related("company", "principal")
        .order_by("-created_at")
    )


def grants_given(person: Person) -> QuerySet[Grant]:
    return (
        Grant.objects.filter(principal=person)
        .select_related("agent")
        .order_by("-created_at")
    )


def proxy_requests_pending(person: Person) -> QuerySet[Grant]:
    return grants_given(person).filter(
        kind=GrantKind.RELATIVE, status=GrantStatus.PENDING
    )


def consents_of(person: Person) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(person=person)
        .select_related("given_by")
        .order_by("-given_at")
    )


def identity_reads_of(person: Person) -> QuerySet[AuditEvent]:
    """Who in government read this person's identity data, and why."""
    return audit_events_for_subject(
        "person", person.pk, actions=["identity.read", "identity.reveal"]
    )


def persons_visible_to_staff(staff: StaffProfile) -> QuerySet[Person]:
    """Staff see the people their department registered at its counters (cases add more);
    a role without `persons.read` (an administrator) sees no one."""
    if not staff_may(staff, Permission.PERSONS_READ):
        return Person.objects.none()
    return Person.objects.filter(Q(created_by_department=staff.department)).order_by(
        "-created_at"
    )


def person_for_staff(staff: StaffProfile, person_id: int) -> Person:
    permission_require(staff, Permission.PERSONS_READ)
    person = persons_visible_to_staff(staff).filter(pk=person_id).first()
    if person is None:
        raise NotFound("not_found", _("未找到。"))
    return person


# --- staff accounts: the security administrator's, and names for the audit log ---------


def _lock_of_account() -> QuerySet[LoginGuard]:
    """The lock after failed logins of the account in the outer query, if it is locked
    now (`LoginGuard`, key `user:<id>`, as `services/limits.py` writes it)."""
    return LoginGuard.objects.filter(
        key=Concat(Value("user:"), Cast(OuterRef("user_id"), CharField())),
        locked_until__gt=clock.now(),
    )


def staff_accounts(
    by: StaffProfile, *, search: str = "", locked_only: bool = False
) -> QuerySet[StaffProfile]:
    """Every staff account, by department then username, with its lock — for whoever
    may change roles or unlock (the security administrator); `search` in the username
    or the department's name."""
    if not staff_may(by, Permission.STAFF_UNLOCK):
        permission_require(by, Permission.STAFF_ROLES_MANAGE)
    profiles = StaffProfile.objects.select_related("user", "department")
    if search.strip():
        words = search.strip()
        profiles = profiles.filter(
            Q(user__username__icontains=words) | Q(department__name__icontains=words)
        )
    if locked_only:
        profiles = profiles.filter(Exists(_lock_of_account()))
    lock = _lock_of_account().values("locked_until")[:1]
    # `locked_until`: when the lock ends, None when the account is not locked.
    return profiles.annotate(locked_until=Subquery(lock)).order_by(
        "department__name", "user__username", "pk"
    )


def staff_account(by: StaffProfile, profile_id: int) -> StaffProfile:
    profile = staff_accounts(by).filter(pk=profile_id).first()
    if profile is None:
        raise NotFound("not_found", _("未找到。"))
    return profile


def staff_user_id(username: str) -> int | None:
    """The user id of the staff member of that username, if there is one."""
    return (
        StaffProfile.objects.filter(user__username=username)
        .values_list("user_id", flat=True)
        .first()
    )


def staff_names(user_ids: set[int]) -> dict[int, str]:
    """For each of these users who is staff: "username · department", in one query."""
    rows = StaffProfile.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "user__username", "department__name"
    )
    return {user_id: f"{name} · {department}" for user_id, name, department in rows}


# --- API sessions ------------------------------------------------------------------------


def api_session_read(session_id: int, user_id: int) -> ApiSession | None:
    """A live session with its user and the user's person or staff profile (with its
    department), in one query — every API call needs them. Written as SQL (see
    `core/rows.py`): through the ORM, compiling this join cost more than running it."""
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
        data = signing.loads(token, salt=ACCESS_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if int(data["x"]) <= clock.now().timestamp():
        return None
    session = api_session_read(int(data["s"]), int(data["u"]))
    if (
        session is None
        or session.expires_at <= clock.now()
        or not session.user.is_active
    ):
        return None
    return session
