"""Signing up and in: registration, claiming a counter record, logins, lost credentials."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts import forms as f
from tongban.accounts import services
from tongban.accounts.views._common import _attempt, _login, _next, _send_code
from tongban.core.errors import DomainError
from tongban.core.remote import client_address


def register(request: HttpRequest) -> HttpResponse:
    form = f.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "send_code":
            _send_code(
                request,
                form,
                "phone",
                "register",
                doc_type=data["doc_type"],
                doc_number=data["doc_number"],
                nationality=data["nationality"] or None,
            )
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
                    page_language=get_language(),
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
                login=data["login"],
                password=data["password"],
                client_address=client_address(request),
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
                    phone=data["phone"],
                    sms_code=data["sms_code"] or "",
                    client_address=client_address(request),
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
                client_address=client_address(request),
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
