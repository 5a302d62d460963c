"""Staff pages: login with TOTP, first enrolment, home (what one may do), counter records,
identity reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.accounts import forms as f
from tongban.accounts import selectors, services
from tongban.accounts.constants import Permission
from tongban.accounts.models import StaffProfile
from tongban.accounts.permissions import permissions_of
from tongban.accounts.views._common import (
    SESSION_STAFF_PENDING,
    _attempt,
    _login,
    _next,
    _refusals_shown,
    _staff_required,
)
from tongban.catalog.constants import StaffRole
from tongban.core.errors import DomainError
from tongban.core.remote import client_address


def staff_login(request: HttpRequest) -> HttpResponse:
    form = f.StaffLoginForm(request.POST or None)
    if request.session.pop("tongban.idle_expired", False):
        messages.info(request, _("您长时间未操作，已自动退出，请重新登录。"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = _attempt(
            form,
            lambda: services.staff_login(
                username=data["username"],
                password=data["password"],
                totp=data["totp"] or "",
                client_address=client_address(request),
            ),
        )
        if result is not None and result.needs_enrolment:
            request.session[SESSION_STAFF_PENDING] = result.user.pk
            return redirect("accounts:staff_totp")
        if result is not None:
            _login(request, result.user)
            return HttpResponseRedirect(_next(request, reverse("accounts:staff_home")))
    return render(request, "accounts/staff_login.html", {"form": form})


def staff_totp(request: HttpRequest) -> HttpResponse:
    """First login of a staff member: bind an authenticator app, then sign in."""
    import segno  # here: only this page draws a QR code, no other request loads it

    user_id = int(request.session.get(SESSION_STAFF_PENDING) or 0)
    profile = (
        StaffProfile.objects.filter(user_id=user_id).select_related("user").first()
    )
    if profile is None or profile.totp_confirmed_at is not None:
        return redirect("accounts:staff_login")
    form = f.TotpForm(request.POST or None)
    confirmed = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        confirmed = _attempt(form, lambda: services.staff_totp_confirm(profile, code))
    if confirmed is not None:
        del request.session[SESSION_STAFF_PENDING]
        _login(request, profile.user)
        messages.success(request, _("动态口令已绑定。以后登录需输入密码和动态口令。"))
        return redirect("accounts:staff_home")
    if request.method == "GET" or not profile.totp_encrypted:
        uri = services.staff_totp_begin(profile)
    else:
        uri = services.staff_totp_pending_uri(profile)
    qr = segno.make(uri, error="m").svg_inline(scale=4)
    secret = uri.split("secret=")[1].split("&")[0]
    return render(
        request, "accounts/staff_totp.html", {"form": form, "qr": qr, "secret": secret}
    )


# Where each permission is exercised (those of the admin site share its index page).
_PERMISSION_PAGES = {
    Permission.CASES_HANDLE: "cases:workbench",
    Permission.SUPERVISION_ALL: "cases:supervision",
    Permission.SUPERVISION_DEPARTMENT: "cases:supervision",
    Permission.CATALOG_VIEW: "admin:index",
    Permission.CALENDAR_MANAGE: "admin:index",
    Permission.OPERATIONS_VIEW: "admin:index",
    Permission.STAFF_ROLES_MANAGE: "accounts:staff_accounts",
    Permission.STAFF_UNLOCK: "accounts:staff_accounts",
    Permission.AUDIT_READ: "accounts:staff_audit",
}


@login_required(login_url="accounts:staff_login")
def staff_home(request: HttpRequest) -> HttpResponse:
    """Who the staff member is, and what their roles let them do, each with its page."""
    staff = selectors.staff_of(request.user)
    if staff is None:
        return redirect("accounts:profile")
    held = permissions_of(staff)
    return render(
        request,
        "accounts/staff_home.html",
        {
            "staff": staff,
            "roles": [StaffRole(r).label for r in staff.roles if r in StaffRole.values],
            "abilities": [
                (
                    permission.label,
                    reverse(_PERMISSION_PAGES[permission])
                    if permission in _PERMISSION_PAGES
                    else None,
                )
                for permission in Permission
                if permission in held
            ],
            "may_read_persons": Permission.PERSONS_READ in held,
            "persons": selectors.persons_visible_to_staff(staff)[:50],
        },
    )


@login_required(login_url="accounts:staff_login")
@_refusals_shown
def staff_person_new(request: HttpRequest) -> HttpResponse:
    staff = _staff_required(request)
    form = f.CounterPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = _attempt(
            form,
            lambda: services.person_create_at_counter(
                staff=staff,
                name=data["name"],
                doc_type=data["doc_type"],
                doc_number=data["doc_number"],
                nationality=data["nationality"] or None,
                phone=data["phone"] or "",
            ),
        )
        if person is not None:
            messages.success(
                request, _("已建立档案（窗口当面核验）。本人可凭登记手机号认领账户。")
            )
            return redirect("accounts:staff_home")
    return render(
        request, "accounts/staff_person_new.html", {"form": form, "staff": staff}
    )


@login_required(login_url="accounts:staff_login")
@_refusals_shown
def staff_person(request: HttpRequest, person_id: int) -> HttpResponse:
    staff = _staff_required(request)
    try:
        person = selectors.person_for_staff(staff, person_id)
    except DomainError as error:
        return render(
            request,
            "accounts/message.html",
            {"title": _("查看个人信息"), "text": error.message},
            status=error.status,
        )
    form = f.ReasonForm(request.POST or None)
    shown = None
    if request.method == "POST" and form.is_valid():
        shown = _attempt(
            form,
            lambda: services.person_identity_read(
                staff=staff,
                person=person,
                reason=form.cleaned_data["reason"],
                reveal=form.cleaned_data["reveal"],
            ),
        )
    return render(
        request,
        "accounts/staff_person.html",
        {"person": person, "form": form, "shown": shown},
    )
