"""A person's own pages: profile and level, whom they act for, their data (PIPL)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts import forms as f
from tongban.accounts import selectors, services
from tongban.accounts.countries import country_name
from tongban.accounts.export import download_response, person_data
from tongban.accounts.middleware import SESSION_ACTING
from tongban.accounts.views._common import (
    _attempt,
    _next,
    _person_required,
    _refusals_shown,
)
from tongban.core.errors import DomainError

# The registry that could not confirm the person, until the profile has said what to do.
SESSION_IDENTITY_UNCONFIRMED = "tongban.identity_unconfirmed"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = selectors.person_of(request.user)
    if person is None:
        return redirect("accounts:staff_home")
    posted = request.POST if request.method == "POST" else None
    changing_language = posted is not None and posted.get("action") == "language"
    language_form = f.LanguageForm(
        posted if changing_language else None, initial={"language": person.language}
    )
    email_form = f.EmailForm(None if changing_language else posted)
    if (
        changing_language
        and language_form.is_valid()
        and _attempt(
            language_form,
            lambda: services.person_language_set(
                person=person,
                language=language_form.cleaned_data["language"],
                channel="web",
            ),
        )
        is not None
    ):
        messages.success(request, _("已保存：今后的短信、邮件和消息将使用所选语言。"))
        return redirect("accounts:profile")
    if not changing_language and email_form.is_bound and email_form.is_valid():
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
            "language_form": language_form,
            "options": selectors.acting_options(person),
            "pending": selectors.proxy_requests_pending(person),
            "nationality": (
                country_name(person.nationality)
                if person.nationality and person.nationality != "CHN"
                else ""
            ),
            "identity_unconfirmed": request.session.pop(
                SESSION_IDENTITY_UNCONFIRMED, ""
            ),
        },
    )


@login_required
@require_POST
@_refusals_shown
def verify_identity(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    profile_url = reverse("accounts:profile")
    target = _next(request, profile_url)
    try:
        services.identity_verify(person)
    except DomainError as error:
        if error.code == "identity_mismatch" and target == profile_url:
            # The profile says, step by step, what can be done.
            request.session[SESSION_IDENTITY_UNCONFIRMED] = str(
                error.extra.get("registry") or "exit_entry"
            )
        else:  # elsewhere the message says it in one paragraph
            messages.error(request, str(error.message))
    else:
        messages.success(request, _("实名核验通过，您已是 L2 用户。"))
    return HttpResponseRedirect(target)


@login_required
@require_POST
@_refusals_shown
def acting_switch(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    key = request.POST.get("acting", "self")
    try:
        principal = services.acting_begin(person=person, key=key, channel="web")
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        request.session[SESSION_ACTING] = principal.key
        messages.success(
            request, _("您现在以“%(who)s”的身份办事。") % {"who": principal.label}
        )
    return HttpResponseRedirect(_next(request, reverse("accounts:profile")))


@login_required
@_refusals_shown
def my_data(request: HttpRequest) -> HttpResponse:
    person = _person_required(request)
    return render(
        request,
        "accounts/my_data.html",
        {"person": person, "data": person_data(person, full=False)},
    )


@login_required
@_refusals_shown
def my_export(request: HttpRequest) -> HttpResponse:
    data = services.person_data_export(person=_person_required(request))
    return download_response(data)
