"""Companies and grants: registering a company, handlers, relatives, guardians."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts import forms as f
from tongban.accounts import selectors, services
from tongban.accounts.export import action_label, actor_label
from tongban.accounts.models import Grant
from tongban.accounts.views._common import (
    _attempt,
    _next,
    _person_required,
    _refusals_shown,
)
from tongban.core.errors import DomainError, NotFound


@login_required
@_refusals_shown
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
@_refusals_shown
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
@_refusals_shown
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
@_refusals_shown
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
