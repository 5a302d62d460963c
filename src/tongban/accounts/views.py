"""Account pages: sign-up and sign-in, profile and level, companies, grants, my data, staff."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts import forms as f
from tongban.accounts import selectors, services
from tongban.accounts.export import action_label, actor_label, person_data
from tongban.accounts.middleware import SESSION_ACTING
from tongban.accounts.models import Grant, Person, StaffProfile
from tongban.audit.services import audit_record
from tongban.core.errors import DomainError, NotFound
from tongban.core.masking import mask_phone

T = TypeVar("T")
SESSION_STAFF_PENDING = "tongban.staff_pending"


def _attempt(form: forms.Form, action: Callable[[], T]) -> T | None:
    """Run a service; a refusal becomes the form's error, in the user's language."""
    try:
        return action()
    except DomainError as error:
        placed = False
        for key in error.fields:
            target = next(
                (name for name in form.fields if name == key or name.endswith(key)),
                None,
            )
            if target and not placed:
                form.add_error(target, str(error.message))
                placed = True
        if not placed:
            form.add_error(None, str(error.message))
        return None


def _person_required(request: HttpRequest) -> Person:
    person = selectors.person_of(request.user)
    if person is None:
        raise NotFound("not_found", _("未找到。"))
    return person


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def _login(request: HttpRequest, user: User) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_ACTING] = "self"


def _send_code(
    request: HttpRequest, form: forms.Form, phone_field: str, purpose: str
) -> None:
    phone = str(form.data.get(phone_field, ""))
    e164 = _attempt(form, lambda: services.sms_code_send(phone=phone, purpose=purpose))
    if e164:
        messages.success(
            request,
            _("验证码已发送至 %(phone)s，10 分钟内有效。")
            % {"phone": mask_phone(e164)},
        )


# --- sign-up and sign-in -----------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    form = f.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "send_code":
            # The document is checked before a code is sent, so a typo is caught first.
            from tongban.core.documents import document_validate

            if _attempt(
                form,
                lambda: document_validate(
                    data["doc_type"],
                    data["doc_number"],
                    nationality=data["nationality"] or None,
                ),
            ):
                _send_code(request, form, "phone", "register")
        elif not data["agree"]:
            form.add_error("agree", _("请阅读并同意用户服务协议和隐私政策。"))
        else:
            person = _attempt(
                form,
                lambda: services.person_register(
                    name=data["name"],
                    doc_type=data["doc_type"],
                    doc_number=data["doc_number"],
                    nationality=data["nationality"] or None,
                    phone=data["phone"],
                    sms_code=data["sms_code"] or "",
                    password=data["password"] or "",
                ),
            )
            if person is not None and person.user is not None:
                _login(request, person.user)
                messages.success(
                    request, _("注册成功。您已是 L1 用户，可进行实名认证提升到 L2。")
                )
                return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form})


def claim(request: HttpRequest) -> HttpResponse:
    form = f.ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "send_code":
            _send_code(request, form, "phone", "claim")
        else:
            person = _attempt(
                form,
                lambda: services.person_claim(
                    doc_type=data["doc_type"],
                    doc_number=data["doc_number"],
                    name=data["name"],
                    phone=data["phone"],
                    sms_code=data["sms_code"] or "",
                    password=data["password"] or "",
                ),
            )
            if person is not None and person.user is not None:
                _login(request, person.user)
                messages.success(request, _("账户认领成功。"))
                return redirect("accounts:profile")
    return render(request, "accounts/claim.html", {"form": form})


def login_view(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("mode") or request.POST.get("mode") or "password"
    password_form = f.PasswordLoginForm(
        request.POST if mode == "password" and request.method == "POST" else None
    )
    sms_form = f.SmsLoginForm(
        request.POST if mode == "sms" and request.method == "POST" else None
    )
    if request.session.pop("tongban.idle_expired", False):
        messages.info(request, _("您长时间未操作，已自动退出，请重新登录。"))
    user: User | None = None
    if request.method == "POST" and mode == "password" and password_form.is_valid():
        data = password_form.cleaned_data
        user = _attempt(
            password_form,
            lambda: services.login_password(
                login=data["login"], password=data["password"]
            ),
        )
    elif request.method == "POST" and mode == "sms" and sms_form.is_valid():
        data = sms_form.cleaned_data
        if request.POST.get("action") == "send_code":
            _send_code(request, sms_form, "phone", "login")
        else:
            user = _attempt(
                sms_form,
                lambda: services.login_sms(
                    phone=data["phone"], sms_code=data["sms_code"] or ""
                ),
            )
    if user is not None:
        _login(request, user)
        return HttpResponseRedirect(_next(request, reverse("accounts:profile")))
    return render(
        request,
        "accounts/login.html",
        {
            "password_form": password_form,
            "sms_form": sms_form,
            "mode": mode,
            "next": _next(request, ""),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("web:home")


def password_reset(request: HttpRequest) -> HttpResponse:
    form = f.PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "send_code":
            _send_code(request, form, "phone", "password_reset")
        elif _attempt(
            form,
            lambda: services.password_reset(
                phone=data["phone"],
                sms_code=data["sms_code"] or "",
                doc_number=data["doc_number"],
                new_password=data["new_password"] or "",
            ),
        ):
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form})


def phone_change(request: HttpRequest) -> HttpResponse:
    form = f.PhoneChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "send_code":
            _send_code(request, form, "new_phone", "phone_change")
        elif _attempt(
            form,
            lambda: services.phone_change(
                name=data["name"],
                doc_type=data["doc_type"],
                doc_number=data["doc_number"],
                password=data["password"],
                new_phone=data["new_phone"],
                sms_code=data["sms_code"] or "",
            ),
        ):
            messages.success(request, _("手机号已更换，请重新登录。"))
            logout(request)
            return redirect("accounts:login")
    return render(request, "accounts/phone_change.html", {"form": form})


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = services.email_confirm(token)
    except DomainError as error:
        return render(
            request,
            "accounts/message.html",
            {"title": _("邮箱确认"), "text": error.message},
            status=400,
        )
    return render(
        request,
        "accounts/message.html",
        {
            "title": _("邮箱确认"),
            "text": _("邮箱 %(email)s 已确认。") % {"email": person.email},
        },
    )


# --- profile -----------------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = selectors.person_of(request.user)
    if person is None:
        return redirect("accounts:staff_home")
    email_form = f.EmailForm(request.POST or None)
    if request.method == "POST" and email_form.is_valid():
        url = request.build_absolute_uri(
            reverse("accounts:email_confirm", kwargs={"token": "TOKEN"})
        )
        if _attempt(
            email_form,
            lambda: services.email_add(
                person=person, email=email_form.cleaned_data["email"], confirm_url=url
            ),
        ):
            messages.success(request, _("确认链接已发送到该邮箱，请在 24 小时内打开。"))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "email_form": email_form,
            "options": selectors.acting_options(person),
            "pending": selectors.proxy_requests_pending(person),
        },
    )


@login_required
@require_POST
def verify_identity(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    try:
        services.identity_verify(person)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("实名核验通过，您已是 L2 用户。"))
    return redirect("accounts:profile")


@login_required
@require_POST
def acting_switch(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    key = request.POST.get("acting", "self")
    try:
        principal = selectors.acting_resolve(person, key)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        request.session[SESSION_ACTING] = principal.key
        if principal.kind != "self":
            # The principal's record shows who began acting for them, and when.
            audit_record(
                action="acting.begin",
                actor=request.user,
                subject_type=principal.kind,
                subject_id=(principal.company or principal.person).pk,  # type: ignore[union-attr]
            )
        messages.success(
            request, _("您现在以“%(who)s”的身份办事。") % {"who": principal.label}
        )
    return HttpResponseRedirect(_next(request, reverse("accounts:profile")))


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    return render(
        request,
        "accounts/my_data.html",
        {"person": person, "data": person_data(person, full=False)},
    )


@login_required
def my_export(request: HttpRequest) -> HttpResponse:
    return export_response(request, _person_required(request))


def export_response(request: HttpRequest, person: Person) -> HttpResponse:
    """A person's own data as a JSON download, the export audited (pages and API)."""
    import json

    audit_record(
        action="account.export",
        actor=request.user,
        subject_type="person",
        subject_id=person.pk,
    )
    body = json.dumps(person_data(person, full=True), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tongban-my-data.json"'
    return response


# --- companies and grants ----------------------------------------------------------------


@login_required
def companies(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    form = f.CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = _attempt(
            form,
            lambda: services.company_register(
                person=person, uscc=form.cleaned_data["uscc"]
            ),
        )
        if company is not None:
            messages.success(
                request,
                _("已通过法人库核验，企业“%(name)s”已注册。") % {"name": company.name},
            )
            return redirect("accounts:company", company_id=company.pk)
    options = [o for o in selectors.acting_options(person) if o.company is not None]
    return render(
        request,
        "accounts/companies.html",
        {"form": form, "options": options, "person": person},
    )


@login_required
def company(request: HttpRequest, company_id: int) -> HttpResponse:
    person = _person_required(request)
    try:
        principal = selectors.acting_resolve(person, f"company:{company_id}")
    except DomainError as error:
        return render(
            request,
            "accounts/message.html",
            {"title": _("企业"), "text": error.message},
            status=error.status,
        )
    assert principal.company is not None  # noqa: S101 — company keys resolve to companies
    is_representative = principal.company.legal_representative_id == person.pk
    form = f.GrantForm(request.POST or None) if is_representative else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        codes = [
            line.strip() for line in data["service_codes"].splitlines() if line.strip()
        ]
        grant = _attempt(
            form,
            lambda: services.company_grant(
                company=principal.company,  # type: ignore[arg-type]
                by=person,
                agent_doc_type=data["agent_doc_type"],
                agent_doc_number=data["agent_doc_number"],
                agent_name=data["agent_name"],
                all_services=data["all_services"] or not codes,
                service_codes=codes,
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            ),
        )
        if grant is not None:
            messages.success(
                request,
                _("已授权 %(name)s 办理企业事项。") % {"name": grant.agent.name},
            )
            return redirect("accounts:company", company_id=company_id)
    context: dict[str, Any] = {
        "principal": principal,
        "company": principal.company,
        "is_representative": is_representative,
        "form": form,
    }
    if is_representative:
        context["grants"] = selectors.company_grants(principal.company)
        context["activity"] = [
            {"event": e, "actor": actor_label(e), "action": action_label(e.action)}
            for e in selectors.company_activity(principal.company)[:50]
        ]
    return render(request, "accounts/company.html", context)


@login_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    person = _person_required(request)
    grant = Grant.objects.filter(pk=grant_id).select_related("company").first()
    try:
        if grant is None:
            raise NotFound("not_found", _("未找到。"))
        services.grant_revoke(grant=grant, by=person)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("授权已撤销。"))
    return HttpResponseRedirect(_next(request, reverse("accounts:proxies")))


@login_required
def proxies(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    proxy_form = f.ProxyForm(
        request.POST if request.POST.get("form") == "proxy" else None
    )
    child_form = f.ChildForm(
        request.POST if request.POST.get("form") == "child" else None
    )
    if request.method == "POST":
        if request.POST.get("form") == "proxy" and proxy_form.is_valid():
            if _attempt(
                proxy_form,
                lambda: services.proxy_request(agent=person, **proxy_form.cleaned_data),
            ):
                messages.success(request, _("代办申请已发出，待对方登录确认后生效。"))
                return redirect("accounts:proxies")
        elif request.POST.get("form") == "child" and child_form.is_valid():
            data = child_form.cleaned_data
            if not data["consent"]:
                child_form.add_error("consent", _("请勾选监护人同意。"))
            elif _attempt(
                child_form,
                lambda: services.guardian_add_child(
                    guardian=person,
                    child_name=data["child_name"],
                    child_doc_number=data["child_doc_number"],
                ),
            ):
                messages.success(request, _("已添加为监护代办人。"))
                return redirect("accounts:proxies")
        elif request.POST.get("confirm"):
            grant = (
                selectors.proxy_requests_pending(person)
                .filter(pk=int(request.POST.get("confirm") or 0))
                .first()
            )
            if grant is not None:
                services.proxy_confirm(grant=grant, principal=person)
                messages.success(
                    request,
                    _("已同意 %(name)s 代您办事。") % {"name": grant.agent.name},
                )
            return redirect("accounts:proxies")
    return render(
        request,
        "accounts/proxies.html",
        {
            "proxy_form": proxy_form,
            "child_form": child_form,
            "received": selectors.grants_received(person),
            "given": selectors.grants_given(person),
        },
    )


# --- staff -------------------------------------------------------------------------------


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
    import segno

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
        import pyotp

        from tongban.core import protect

        secret = protect.decrypt(profile.totp_encrypted, context="staff.totp")
        uri = pyotp.TOTP(secret).provisioning_uri(
            name=profile.user.get_username(), issuer_name="tongban"
        )
    qr = segno.make(uri, error="m").svg_inline(scale=4)
    secret = uri.split("secret=")[1].split("&")[0]
    return render(
        request, "accounts/staff_totp.html", {"form": form, "qr": qr, "secret": secret}
    )


def _staff_required(request: HttpRequest) -> StaffProfile:
    staff = selectors.staff_of(request.user)
    if staff is None:
        raise NotFound("not_found", _("未找到。"))
    return staff


@login_required(login_url="accounts:staff_login")
def staff_home(request: HttpRequest) -> HttpResponse:
    staff = selectors.staff_of(request.user)
    if staff is None:
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/staff_home.html",
        {"staff": staff, "persons": selectors.persons_visible_to_staff(staff)[:50]},
    )


@login_required(login_url="accounts:staff_login")
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
def staff_person(request: HttpRequest, person_id: int) -> HttpResponse:
    staff = _staff_required(request)
    try:
        person = selectors.person_for_staff(staff, person_id)
    except DomainError as error:
        return render(
            request,
            "accounts/message.html",
            {"title": _("查看个人信息"), "text": error.message},
            status=404,
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
