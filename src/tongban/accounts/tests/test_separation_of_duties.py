"""三员分立: the system, security and audit administrators — disjoint permissions, never two
in one account, the audit administrator alone with the audit log, every reading audited."""

import datetime as dt
from typing import Any

import pyotp
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client

from tongban.accounts.checks import staff_roles_apart
from tongban.accounts.constants import Permission
from tongban.accounts.models import LoginGuard, StaffProfile
from tongban.accounts.permissions import (
    ROLE_PERMISSIONS,
    permissions_of,
    roles_check,
)
from tongban.accounts.services import (
    AuditQuery,
    audit_log_read,
    person_identity_read,
    staff_create,
    staff_login,
    staff_roles_set,
    staff_unlock,
)
from tongban.accounts.tests.conftest import PASSWORD, STAFF_SECRET, Api, staff_token
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases.tests.conftest import World, world  # noqa: F401 — the fixture
from tongban.catalog.constants import ADMINISTRATOR_ROLES, StaffRole
from tongban.catalog.models import Department
from tongban.core import clock
from tongban.core.errors import Conflict, Forbidden, InvalidInput

pytestmark = pytest.mark.django_db

SYSTEM, SECURITY, AUDIT = "system_admin", "security_admin", "audit_admin"


def _department(name: str = "上海市发展和改革委员会") -> Department:
    department, _created = Department.objects.get_or_create(
        name=name,
        defaults={"code": "11310000002421178X", "region": "310000", "level": "city"},
    )
    return department


def _staff(
    username: str, roles: list[str], department: Department | None = None
) -> StaffProfile:
    return staff_create(
        username=username,
        email=f"{username}@example.gov.cn",
        password=PASSWORD,
        department=department or _department(),
        roles=roles,
        totp_secret=STAFF_SECRET,
    )


def _signed_in(profile: StaffProfile) -> Client:
    """A browser signed in on the staff login page: password and a one-time code."""
    browser = Client()
    done = browser.post(
        "/accounts/staff/login/",
        {
            "username": profile.user.username,
            "password": PASSWORD,
            "totp": pyotp.TOTP(STAFF_SECRET).at(clock.now()),
        },
    )
    assert done.status_code == 302, done.content.decode()[:500]
    return browser


def _as(profile: StaffProfile) -> Client:
    browser = Client()
    browser.force_login(profile.user)
    return browser


def _reads(user: User) -> int:
    return AuditEvent.objects.filter(action="audit.read", actor_user_id=user.pk).count()


# --- the map ----------------------------------------------------------------------------


def test_every_role_has_its_permissions_and_the_administrators_share_none() -> None:
    assert set(ROLE_PERMISSIONS) == set(StaffRole.values)
    system, security, audit = (ROLE_PERMISSIONS[r] for r in (SYSTEM, SECURITY, AUDIT))
    assert system == {
        Permission.CATALOG_VIEW,
        Permission.CALENDAR_MANAGE,
        Permission.OPERATIONS_VIEW,
    }
    assert security == {Permission.STAFF_ROLES_MANAGE, Permission.STAFF_UNLOCK}
    assert audit == {Permission.AUDIT_READ}
    assert not system & security and not system & audit and not security & audit
    # Only the audit administrator reads the log; no administrator works cases or
    # reads anyone's identity.
    for role, held in ROLE_PERMISSIONS.items():
        assert (Permission.AUDIT_READ in held) == (role == AUDIT), role
        if role in ADMINISTRATOR_ROLES:
            assert not held & {Permission.CASES_HANDLE, Permission.PERSONS_READ}


@pytest.mark.parametrize(
    "roles",
    [[SYSTEM, SECURITY], [SYSTEM, AUDIT], [SECURITY, AUDIT], [SYSTEM, SECURITY, AUDIT]],
)
def test_staff_create_refuses_two_administrator_roles(roles: list[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        _staff("two-hats", roles)
    assert refused.value.code == "admin_roles_combined"
    assert "三员分立" in str(refused.value.message)
    assert not User.objects.filter(username="two-hats").exists()
    assert not StaffProfile.objects.exists()
    assert not AuditEvent.objects.filter(action="staff.create").exists()


@pytest.mark.parametrize("other", ["reviewer", "supervisor", "department_admin"])
def test_staff_create_refuses_the_audit_administrator_with_any_other_role(
    other: str,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _staff("auditor-and-more", [AUDIT, other])
    assert refused.value.code == "audit_admin_combined"
    assert refused.value.fields == {"roles": refused.value.message}
    assert not StaffProfile.objects.exists()


def test_each_administrator_alone_is_created() -> None:
    for role in (SYSTEM, SECURITY, AUDIT):
        profile = _staff(f"one-{role}", [role, role])
        assert profile.roles == [role]
        assert permissions_of(profile) == ROLE_PERMISSIONS[role]
    assert roles_check(["reviewer", "intake_clerk"]) == ["intake_clerk", "reviewer"]


def test_the_database_refuses_what_the_service_refuses() -> None:
    profile = _staff("db-guard", [SYSTEM])
    for roles in ([SYSTEM, SECURITY], [AUDIT, "reviewer"]):
        with pytest.raises(IntegrityError), transaction.atomic():
            StaffProfile.objects.filter(pk=profile.pk).update(roles=roles)
    StaffProfile.objects.filter(pk=profile.pk).update(roles=[AUDIT])  # alone: allowed
    assert StaffProfile.objects.get(pk=profile.pk).roles == [AUDIT]


def _without_the_constraint() -> None:
    """Lets a test write what only an older database could hold (rolled back with it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks
            cursor.execute(
                "ALTER TABLE accounts_staffprofile "
                "DROP CONSTRAINT staff_administrators_apart"
            )
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")


def test_the_check_names_every_account_that_breaks_the_separation() -> None:
    both = _staff("both", [SYSTEM])
    auditor = _staff("auditor-clerk", [AUDIT])
    stale = _staff("stale", ["reviewer"])
    _without_the_constraint()
    try:
        StaffProfile.objects.filter(pk=both.pk).update(roles=[SECURITY, SYSTEM])
        StaffProfile.objects.filter(pk=auditor.pk).update(roles=[AUDIT, "reviewer"])
        StaffProfile.objects.filter(pk=stale.pk).update(roles=["platform_admin"])
        found = staff_roles_apart(databases=["default"])
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    assert [(m.id, m.obj) for m in found] == [
        ("tongban.accounts.E001", "auditor-clerk"),
        ("tongban.accounts.E001", "both"),
        ("tongban.accounts.W001", "stale"),
    ]
    assert "audit administrator role with another role" in found[0].msg
    assert staff_roles_apart(databases=None) == []  # only when asked about a database


def test_the_platform_administrator_becomes_the_system_administrator() -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tongban.accounts.migrations.0004_three_administrators")
    profile = _staff("old-platform", ["reviewer"])
    StaffProfile.objects.filter(pk=profile.pk).update(
        roles=["platform_admin", "reviewer"]
    )
    migration.platform_admin_to_system_admin(apps, None)
    assert StaffProfile.objects.get(pk=profile.pk).roles == ["reviewer", SYSTEM]


# --- the security administrator: roles and locks ---------------------------------------


def test_the_security_administrator_changes_roles_under_the_same_rule() -> None:
    security = _staff("secadmin", [SECURITY])
    member = _staff("colleague", ["reviewer"])
    changed = staff_roles_set(by=security, member=member, roles=[SYSTEM])
    assert StaffProfile.objects.get(pk=member.pk).roles == [SYSTEM] == changed.roles
    event = AuditEvent.objects.get(action="staff.roles_change")
    assert (event.actor_user_id, event.subject_id) == (security.user_id, str(member.pk))
    assert event.data == {"before": ["reviewer"], "after": [SYSTEM]}
    with pytest.raises(InvalidInput) as refused:
        staff_roles_set(by=security, member=member, roles=[SYSTEM, AUDIT])
    assert refused.value.code == "admin_roles_combined"
    with pytest.raises(Forbidden) as own:
        staff_roles_set(by=security, member=security, roles=[AUDIT])
    assert own.value.code == "own_account"
    for other in (_staff("sysadmin", [SYSTEM]), _staff("auditor", [AUDIT])):
        with pytest.raises(Forbidden):
            staff_roles_set(by=other, member=member, roles=["reviewer"])
    assert StaffProfile.objects.get(pk=member.pk).roles == [SYSTEM]
    assert StaffProfile.objects.get(pk=security.pk).roles == [SECURITY]
    assert AuditEvent.objects.filter(action="staff.roles_change").count() == 1


def _locked(profile: StaffProfile) -> None:
    from tongban.core.errors import NotAuthenticated, TooManyAttempts

    for _try in range(5):
        with pytest.raises(NotAuthenticated):
            staff_login(
                username=profile.user.username,
                password="wrong",
                totp="",
                client_address="192.0.2.7",
            )
    with pytest.raises(TooManyAttempts):
        staff_login(
            username=profile.user.username,
            password=PASSWORD,
            totp="",
            client_address="192.0.2.8",
        )


def test_the_security_administrator_unlocks_a_locked_account() -> None:
    security = _staff("secadmin", [SECURITY])
    member = _staff("locked-out", ["intake_clerk"])
    with pytest.raises(Conflict) as not_locked:
        staff_unlock(by=security, member=member)
    assert not_locked.value.code == "not_locked"
    _locked(member)
    with pytest.raises(Forbidden):
        staff_unlock(by=_staff("auditor", [AUDIT]), member=member)
    staff_unlock(by=security, member=member)
    assert not LoginGuard.objects.filter(key=f"user:{member.user_id}").exists()
    event = AuditEvent.objects.get(action="account.unlocked")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        security.user_id,
        "user",
        str(member.user_id),
    )
    assert event.data == {"failures": 5}
    login = staff_login(
        username="locked-out",
        password=PASSWORD,
        totp=pyotp.TOTP(STAFF_SECRET).at(clock.now()),
        client_address="192.0.2.8",
    )
    assert login.user == member.user


def test_the_security_administrators_pages(platform_clock: Any) -> None:
    security = _staff("secadmin", [SECURITY])
    member = _staff("colleague", ["reviewer"])
    _locked(member)
    browser = _signed_in(security)
    listing = browser.get("/accounts/staff/accounts/", {"locked": "1"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "colleague" in html and "secadmin" not in html.split("<tbody>")[1]
    page = browser.get(f"/accounts/staff/accounts/{member.pk}/").content.decode()
    assert "已锁定" in page and 'data-testid="unlock"' in page
    refused = browser.post(
        f"/accounts/staff/accounts/{member.pk}/", {"roles": [SYSTEM, SECURITY]}
    )
    assert refused.status_code == 200
    assert "三员分立" in refused.content.decode()
    assert StaffProfile.objects.get(pk=member.pk).roles == ["reviewer"]
    saved = browser.post(
        f"/accounts/staff/accounts/{member.pk}/", {"roles": ["reviewer", "approver"]}
    )
    assert saved.status_code == 302
    assert StaffProfile.objects.get(pk=member.pk).roles == ["approver", "reviewer"]
    unlocked = browser.post(f"/accounts/staff/accounts/{member.pk}/unlock/")
    assert unlocked.status_code == 302
    assert not LoginGuard.objects.filter(key=f"user:{member.user_id}").exists()
    english = browser.get(f"/en/accounts/staff/accounts/{member.pk}/")
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    own = browser.post(f"/accounts/staff/accounts/{security.pk}/", {"roles": [AUDIT]})
    assert own.status_code == 200
    assert StaffProfile.objects.get(pk=security.pk).roles == [SECURITY]


def test_the_staff_command_changes_roles_and_unlocks() -> None:
    member = _staff("console-member", ["reviewer"])
    call_command("staff", "roles", "console-member", "--role", AUDIT)
    assert StaffProfile.objects.get(pk=member.pk).roles == [AUDIT]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="审计管理员"):
        call_command(
            "staff", "roles", "console-member", "--role", AUDIT, "--role", "reviewer"
        )
    _locked(member)
    call_command("staff", "unlock", "console-member")
    assert not LoginGuard.objects.filter(key=f"user:{member.user_id}").exists()
    event = AuditEvent.objects.get(action="staff.roles_change")
    assert event.actor == "system"


# --- the audit administrator: the log and nothing else ---------------------------------


def test_the_audit_administrator_reads_the_log_newest_first_and_each_reading_is_audited(
    platform_clock: Any,
) -> None:
    auditor = _staff("auditor", [AUDIT])
    reviewer = _staff("reviewer-1", ["reviewer"])
    audit_record(
        action="case.view", actor=reviewer.user, subject_type="case", subject_id="7"
    )
    browser = _signed_in(auditor)  # records staff.login
    before = _reads(auditor.user)
    page = browser.get("/accounts/staff/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    ids = [int(i) for i in _column(html, "编号")]
    assert ids == sorted(ids, reverse=True)
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None and newest.action == "audit.read"
    assert ids[0] == newest.id  # the page shows its own reading
    assert _reads(auditor.user) == before + 1
    assert "reviewer-1 · 上海市发展和改革委员会" in html
    english = browser.get("/en/accounts/staff/audit/", {"action": "case.view"})
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    read = AuditEvent.objects.order_by("-id").first()
    assert read is not None
    assert (read.action, read.actor_user_id, read.data) == (
        "audit.read",
        auditor.user_id,
        {"action": "case.view"},
    )


def _column(html: str, label: str) -> list[str]:
    import re

    return re.findall(rf'data-label="{label}">([^<]*)<', html)


def test_the_audit_log_filters_by_action_actor_subject_and_days(
    platform_clock: Any,
) -> None:
    auditor = _staff("auditor", [AUDIT])
    reviewer = _staff("reviewer-1", ["reviewer"])
    platform_clock.set_now(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC))
    first = audit_record(
        action="case.view", actor=reviewer.user, subject_type="case", subject_id="7"
    )
    platform_clock.set_now(dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC))
    second = audit_record(
        action="case.view", actor=reviewer.user, subject_type="case", subject_id="8"
    )
    other = audit_record(action="identity.read", subject_type="person", subject_id="3")
    browser = _as(auditor)

    def shown(**query: str) -> list[int]:
        page = browser.get("/accounts/staff/audit/", query)
        assert page.status_code == 200, page.content.decode()[:300]
        return [int(i) for i in _column(page.content.decode(), "编号")]

    assert shown(action="case.view") == [second.id, first.id]
    assert shown(actor="reviewer-1") == [second.id, first.id]
    assert shown(actor=f"user:{reviewer.user_id}", subject_id="8") == [second.id]
    assert shown(actor="system", action="identity.read") == [other.id]
    assert shown(subject_type="person") == [other.id]
    assert shown(action="case.view", since="2026-03-02") == [second.id]
    assert shown(action="case.view", until="2026-03-04") == [first.id]
    assert shown(action="case.view", since="2026-03-05", until="2026-03-05") == [
        second.id
    ]
    unknown = browser.get("/accounts/staff/audit/", {"actor": "nobody"})
    assert "没有用户名为“nobody”的工作人员" in unknown.content.decode()
    backwards = browser.get(
        "/accounts/staff/audit/", {"since": "2026-03-05", "until": "2026-03-01"}
    )
    assert "起始日期不能晚于截止日期" in backwards.content.decode()
    # A number that is a citizen's identity number is never in the log, nor recorded.
    reads = _reads(auditor.user)
    refused = browser.get(
        "/accounts/staff/audit/", {"subject_id": "310115198506120317"}
    )
    assert "审计日志中没有完整的证件号码" in refused.content.decode()
    assert _reads(auditor.user) == reads


def test_the_audit_log_pages_by_id_and_no_row_shows_twice() -> None:
    auditor = _staff("auditor", [AUDIT])
    for n in range(120):
        audit_record(action="demo.event", subject_type="thing", subject_id=n)
    page = audit_log_read(staff=auditor, query=AuditQuery(action="demo.event"))
    assert len(page.lines) == 50 and page.older_than is not None
    seen = [line.event.id for line in page.lines]
    while page.older_than is not None:
        page = audit_log_read(
            staff=auditor,
            query=AuditQuery(action="demo.event"),
            older_than=page.older_than,
        )
        seen += [line.event.id for line in page.lines]
    expected = list(
        AuditEvent.objects.filter(action="demo.event")
        .order_by("-id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    browser = _as(auditor)
    first = browser.get(
        "/accounts/staff/audit/", {"action": "demo.event"}
    ).content.decode()
    assert 'data-testid="older"' in first and "older_than=" in first
    assert 'data-testid="newest"' not in first


def test_the_audit_administrator_verifies_the_chain_and_that_is_audited_too() -> None:
    auditor = _staff("auditor", [AUDIT])
    browser = _as(auditor)
    assert "尚未校验过审计链" in browser.get("/accounts/staff/audit/").content.decode()
    done = browser.post("/accounts/staff/audit/verify/")
    assert done.status_code == 302
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.actor_user_id == auditor.user_id
    assert event.data["rows_checked"] == event.id - 1
    assert event.data["problem_count"] == len(event.data["problems"])
    page = browser.get("/accounts/staff/audit/").content.decode()
    assert 'data-testid="last-verification"' in page
    assert f"校验了 {event.data['rows_checked']} 条记录" in page
    assert browser.get("/accounts/staff/audit/verify/").status_code == 405


def test_the_audit_administrator_is_refused_everything_else(
    world: World,  # noqa: F811
) -> None:
    submitted = world.apply()
    assert submitted.status_code == 201, submitted.json()
    number = submitted.json()["number"]
    from tongban.cases.models import Case

    case = Case.objects.get(number=number)
    material = case.materials.exclude(file="").values_list("pk", flat=True)[0]
    department = Department.objects.get(name="上海市市场监督管理局")
    auditor = _staff("amr-auditor", [AUDIT], department)  # the case's own department
    browser = _as(auditor)
    for path in [
        "/workbench/",
        f"/workbench/{number}/",
        f"/cases/{number}/materials/{material}/view/",
        f"/cases/{number}/materials/{material}/",
        "/supervision/",
        "/accounts/staff/persons/1/",
        "/accounts/staff/accounts/",
        "/en/workbench/",
    ]:
        assert browser.get(path).status_code == 403, path
    assert browser.post(f"/workbench/{number}/", {"action": "claim"}).status_code == 403
    assert Case.objects.get(number=number).claimed_by_id is None
    assert browser.get("/admin/", follow=True).status_code == 403
    assert browser.get("/admin/audit/auditevent/", follow=True).status_code == 403
    home = browser.get("/accounts/staff/").content.decode()
    assert "查阅与校验审计日志" in home and "/accounts/staff/audit/" in home
    assert "办理本部门的办件" not in home and "workbench-link" not in home
    api = world.api.as_(
        staff_token(world.api, "amr-auditor-api", department.name, [AUDIT])
    )
    for path in [
        "/workbench/queue",
        f"/workbench/cases/{number}",
        "/supervision",
        "/staff/persons/1",
    ]:
        answer = api.get(path, reason="审计")
        assert answer.status_code == 403, (path, answer.json())
        assert answer.json()["code"] == "not_authorised"
    assert api.post(f"/workbench/cases/{number}/claim").status_code == 403
    from tongban.accounts.models import Person

    person = Person.objects.first()
    assert person is not None
    with pytest.raises(Forbidden):
        person_identity_read(staff=auditor, person=person, reason="审计")
    assert not AuditEvent.objects.filter(
        action="identity.read", actor_user_id=auditor.user_id
    ).exists()


@pytest.mark.parametrize(
    "roles", [[SYSTEM], [SECURITY], ["reviewer"], ["supervisor"], ["department_head"]]
)
def test_everyone_else_is_refused_the_audit_log(roles: list[str]) -> None:
    someone = _staff("someone", roles)
    browser = _as(someone)
    for path in ["/accounts/staff/audit/", "/en/accounts/staff/audit/"]:
        refused = browser.get(path, {"action": "staff.login"})
        assert refused.status_code == 403
        assert 'data-testid="audit-events"' not in refused.content.decode()
    assert browser.post("/accounts/staff/audit/verify/").status_code == 403
    assert not AuditEvent.objects.filter(
        action__in=["audit.read", "audit.verify"]
    ).exists()
    with pytest.raises(Forbidden):
        audit_log_read(staff=someone, query=AuditQuery())


def test_an_applicant_and_a_stranger_are_refused_the_audit_log(api: Api) -> None:
    person = api.register("张伟", "310115198506120317", "13812345678")
    browser = Client()
    assert browser.get("/accounts/staff/audit/").status_code == 302  # to the login
    from tongban.accounts.models import Person

    user = Person.objects.get().user
    assert user is not None
    browser.force_login(user)
    assert browser.get("/accounts/staff/audit/").status_code == 403
    assert person.get("/me").status_code == 200
    assert not AuditEvent.objects.filter(action="audit.read").exists()


# --- the system administrator: the admin site, for what runs the platform --------------


def test_the_system_administrator_enters_the_admin_site_for_the_platform_only() -> None:
    sysadmin = _signed_in(_staff("sysadmin", [SYSTEM]))
    index = sysadmin.get("/admin/")
    assert index.status_code == 200
    html = index.content.decode()
    assert "/admin/workdays/calendaryear/" in html
    assert "/admin/ops/jobstate/" in html
    assert "/admin/catalog/serviceitem/" in html
    assert "/admin/audit/" not in html and "/admin/accounts/" not in html
    assert sysadmin.get("/admin/workdays/calendaryear/add/").status_code == 200
    added = sysadmin.post(
        "/admin/workdays/dayoverride/add/",
        {
            "region": "310000",
            "date": "2027-05-06",
            "is_working_day": "",
            "name": "演示调休",
            "basis": "沪府办〔2027〕1号",
        },
    )
    assert added.status_code == 302, added.content.decode()[:500]
    # What the system administrator did is the audit administrator's to read.
    event = AuditEvent.objects.get(action="admin.add")
    assert (event.actor_user_id, event.subject_type) == (
        StaffProfile.objects.get(user__username="sysadmin").user_id,
        "workdays.dayoverride",
    )
    assert sysadmin.get("/admin/ops/jobstate/").status_code == 200
    assert sysadmin.get("/admin/audit/auditevent/").status_code == 403
    assert sysadmin.get("/admin/accounts/person/").status_code == 403
    assert sysadmin.get("/admin/accounts/staffprofile/").status_code == 403
    for other in ([SECURITY], ["reviewer"]):
        browser = _as(_staff(f"not-{other[0]}", other))
        assert browser.get("/admin/", follow=True).status_code == 403
    anonymous = Client().get("/admin/", follow=True).content.decode()
    assert 'data-testid="admin-staff-login"' in anonymous


def test_the_header_links_only_to_what_the_roles_open() -> None:
    links = {
        SYSTEM: "admin-link",
        SECURITY: "staff-accounts-link",
        AUDIT: "audit-link",
        "reviewer": "workbench-link",
    }
    for role, link in links.items():
        html = (
            _as(_staff(f"header-{role}", [role]))
            .get("/accounts/staff/")
            .content.decode()
        )
        for other in links.values():
            assert (f'data-testid="{other}"' in html) == (other == link), (role, other)
