"""What the account pages share: refusals shown in the user's language, the guards."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tongban.accounts import selectors, services
from tongban.accounts.forms import CodeSent
from tongban.accounts.middleware import SESSION_ACTING
from tongban.accounts.models import Person, StaffProfile
from tongban.core.errors import DomainError, Forbidden
from tongban.core.masking import mask_phone
from tongban.core.remote import client_address

T = TypeVar("T")
SESSION_STAFF_PENDING = "tongban.staff_pending"


def _attempt(form: forms.Form, action: Callable[[], T]) -> T | None:
    """Run a service; a refusal becomes the form's error, in the user's language."""
    try:
        return action()
    except DomainError as error:
        _refusal_placed(form, error)
        return None


def _refusal_placed(
    form: forms.Form, error: DomainError, *, default_field: str | None = None
) -> None:
    """The refusal's message under the first field it names, else under
    `default_field`, else above the form."""
    for key in error.fields:
        target = next(
            (name for name in form.fields if name == key or name.endswith(key)),
            None,
        )
        if target:
            form.add_error(target, str(error.message))
            return
    form.add_error(default_field, str(error.message))


def _refusals_shown(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal the view leaves to this: a page with its message and the status the API
    answers with (404 not the caller's to see, 403 theirs to see but not to do)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(
                request,
                "accounts/message.html",
                {"title": _("无法办理"), "text": error.message},
                status=error.status,
            )

    return wrapped


def _person_required(request: HttpRequest) -> Person:
    """The applicant; a staff member is refused as the API refuses them (403)."""
    person = selectors.person_of(request.user)
    if person is None:
        raise Forbidden("not_authorised", _("该页面仅供办事人使用。"))
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
    request: HttpRequest,
    form: forms.Form,
    phone_field: str,
    purpose: str,
    **document: Any,
) -> None:
    """Send a code to the form's phone; the page then says, under that field, to which
    number it went and when another may be asked for (`form.code_sent`). A refusal that
    names no field of its own (too soon, too many, the gateway down) is said there too.
    `document`: doc_type, doc_number, nationality, which registration checks first."""
    phone = str(form.data.get(phone_field, ""))
    try:
        e164 = services.sms_code_send(
            phone=phone,
            purpose=purpose,
            client_address=client_address(request),
            **document,
        )
    except DomainError as error:
        _refusal_placed(form, error, default_field=phone_field)
        return
    form.code_sent = CodeSent(  # type: ignore[attr-defined]
        phone=mask_phone(e164), resend_seconds=settings.SMS_CODE_RESEND_SECONDS
    )


def _staff_required(request: HttpRequest) -> StaffProfile:
    """The staff member; an applicant is refused as the API refuses them (403)."""
    staff = selectors.staff_of(request.user)
    if staff is None:
        raise Forbidden("not_authorised", _("该页面仅供工作人员使用。"))
    return staff
