"""The administrators' staff pages (三员分立): the audit log for the audit administrator,
staff accounts and roles for the security administrator. The system administrator's are
the admin site's (`web/admin_site.py`)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts import forms as f
from tongban.accounts import selectors, services
from tongban.accounts.constants import Permission
from tongban.accounts.permissions import permission_require, permissions_of
from tongban.accounts.views._common import _attempt, _refusals_shown, _staff_required
from tongban.catalog.constants import StaffRole
from tongban.core.errors import DomainError
from tongban.core.paging import OFFSET_MAX

STAFF_PAGE_SIZE = 50


# --- the audit log (审计管理员) ----------------------------------------------------------


@login_required(login_url="accounts:staff_login")
@_refusals_shown
def audit_log(request: HttpRequest) -> HttpResponse:
    """The log, newest first, searched and paged; each reading recorded (`audit.read`)."""
    staff = _staff_required(request)
    permission_require(staff, Permission.AUDIT_READ)  # before the form says anything
    form = f.AuditFilterForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        query = services.AuditQuery(
            action=data.get("action") or "",
            actor=data.get("actor") or "",
            subject_type=data.get("subject_type") or "",
            subject_id=data.get("subject_id") or "",
            since=data.get("since"),
            until=data.get("until"),
        )
        page = _attempt(
            form,
            lambda: services.audit_log_read(
                staff=staff, query=query, older_than=data.get("older_than")
            ),
        )
    asked: dict[str, str] = {
        key: str(value)
        for key, value in request.GET.items()
        if key != "older_than" and value
    }
    next_url = None
    if page is not None and page.older_than is not None:
        next_url = "?" + urlencode({**asked, "older_than": str(page.older_than)})
    return render(
        request,
        "accounts/staff_audit.html",
        {
            "form": form,
            "page": page,
            "lines": [
                (line, json.dumps(line.event.data, ensure_ascii=False, sort_keys=True))
                for line in (page.lines if page is not None else [])
            ],
            "next_url": next_url,
            "newest_url": (
                None if not request.GET.get("older_than") else "?" + urlencode(asked)
            ),
        },
    )


@require_POST
@login_required(login_url="accounts:staff_login")
@_refusals_shown
def audit_log_verify(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain now; the page then shows what this walk found."""
    report = services.audit_log_verify(staff=_staff_required(request))
    if report.ok:
        messages.success(
            request,
            _("审计链完好：已校验 %(n)d 条记录。") % {"n": report.rows_checked},
        )
    else:
        messages.error(
            request,
            _("审计链校验发现 %(p)d 处问题（已校验 %(n)d 条记录），详见下方。")
            % {"p": len(report.problems), "n": report.rows_checked},
        )
    return redirect("accounts:staff_audit")


# --- staff accounts and roles (安全管理员) -----------------------------------------------


def _role_labels(roles: list[str]) -> list[str]:
    return [str(StaffRole(r).label) for r in roles if r in StaffRole.values]


def _page_url(asked: dict[str, str], offset: int) -> str:
    return "?" + urlencode({**asked, "offset": str(offset)} if offset else asked)


@login_required(login_url="accounts:staff_login")
@_refusals_shown
def staff_accounts(request: HttpRequest) -> HttpResponse:
    staff = _staff_required(request)
    search = request.GET.get("q", "").strip()[:100]
    locked_only = request.GET.get("locked") == "1"
    try:
        offset = min(max(0, int(request.GET.get("offset") or 0)), OFFSET_MAX)
    except ValueError:
        offset = 0
    profiles = selectors.staff_accounts(staff, search=search, locked_only=locked_only)
    found = list(profiles[offset : offset + STAFF_PAGE_SIZE + 1])
    asked = {"q": search} if search else {}
    if locked_only:
        asked["locked"] = "1"
    return render(
        request,
        "accounts/staff_accounts.html",
        {
            "profiles": [(p, _role_labels(p.roles)) for p in found[:STAFF_PAGE_SIZE]],
            "search": search,
            "locked_only": locked_only,
            "previous_url": (
                _page_url(asked, max(0, offset - STAFF_PAGE_SIZE)) if offset else None
            ),
            "next_url": (
                _page_url(asked, offset + STAFF_PAGE_SIZE)
                if len(found) > STAFF_PAGE_SIZE
                else None
            ),
        },
    )


@login_required(login_url="accounts:staff_login")
@_refusals_shown
def staff_account(request: HttpRequest, profile_id: int) -> HttpResponse:
    staff = _staff_required(request)
    member = selectors.staff_account(staff, profile_id)
    form = f.StaffRolesForm(request.POST or None, initial={"roles": member.roles})
    if request.method == "POST" and form.is_valid():
        changed = _attempt(
            form,
            lambda: services.staff_roles_set(
                by=staff, member=member, roles=form.cleaned_data["roles"]
            ),
        )
        if changed is not None:
            messages.success(request, _("角色已更新。"))
            return redirect("accounts:staff_account", profile_id=member.pk)
    return render(
        request,
        "accounts/staff_account.html",
        {
            "member": member,
            "form": form,
            "is_self": member.pk == staff.pk,
            "may_unlock": Permission.STAFF_UNLOCK in permissions_of(staff),
            "may_set_roles": Permission.STAFF_ROLES_MANAGE in permissions_of(staff),
            "roles": _role_labels(member.roles),
        },
    )


@require_POST
@login_required(login_url="accounts:staff_login")
@_refusals_shown
def staff_account_unlock(request: HttpRequest, profile_id: int) -> HttpResponse:
    staff = _staff_required(request)
    member = selectors.staff_account(staff, profile_id)
    try:
        services.staff_unlock(by=staff, member=member)
        messages.success(request, _("账户已解除锁定。"))
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    return redirect(reverse("accounts:staff_account", args=[member.pk]))
