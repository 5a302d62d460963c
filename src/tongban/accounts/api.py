"""The accounts API (the mobile channel): sign-up, tokens, profile, companies, grants, staff.

Access tokens are short-lived bearer tokens (15 minutes) refreshed with a rotating refresh
token (guards in `tongban.api.auth`). `X-Acting-For: company:<id>` or `person:<id>`
chooses whom the caller acts for. Anything the caller may not know exists is a 404.
"""

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Status

from tongban.accounts import selectors, services
from tongban.accounts.export import actor_label, download_response, person_data
from tongban.accounts.models import ApiSession, Company, Grant, Person
from tongban.accounts.schemas import (
    ChildIn,
    ClaimIn,
    CompanyIn,
    CompanyOut,
    CounterPersonIn,
    EligibilityOut,
    EmailIn,
    EventOut,
    GrantIn,
    GrantOut,
    PasswordResetIn,
    PhoneChangeIn,
    ProfileChangeIn,
    ProfileOut,
    ProxyIn,
    RefreshIn,
    RegisterIn,
    SmsCodeIn,
    SmsCodeOut,
    StaffOut,
    StaffPersonOut,
    StaffTokenIn,
    TokenIn,
    TokenOut,
)
from tongban.api.auth import acting_for, bearer, person_required, staff_required
from tongban.catalog.selectors import service_get
from tongban.core.errors import Forbidden, NotFound
from tongban.core.masking import mask_phone
from tongban.core.remote import client_address

router = Router(tags=["accounts"])


def _user_of(person: Person) -> User:
    if person.user is None:
        raise NotFound("not_found", _("未找到。"))
    return person.user


def _tokens(pair: services.TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "expires_in": pair.expires_in,
    }


def _acting_out(option: selectors.Principal) -> dict[str, Any]:
    grant = option.grant
    return {
        "key": option.key,
        "kind": option.kind,
        "label": option.label,
        "all_services": grant.all_services if grant else True,
        "service_codes": grant.service_codes if grant else [],
        "valid_until": grant.valid_until if grant else None,
    }


def _profile(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "doc_type": person.doc_type,
        "doc_number": person.doc_masked,
        "nationality": person.nationality,
        "phone": person.phone_masked,
        "email": person.email if person.email_confirmed_at else "",
        "email_confirmed": person.email_confirmed_at is not None,
        "level": person.level,
        "level_evidence": person.level_evidence,
        "language": person.language,
        "acting": [_acting_out(o) for o in selectors.acting_options(person)],
    }


def _grant_out(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "kind": grant.kind,
        "status": grant.status,
        "agent": grant.agent.name,
        "agent_doc_number": grant.agent.doc_masked,
        "principal": grant.company.name if grant.company else grant.principal.name,  # type: ignore[union-attr]
        "relation": grant.relation,
        "all_services": grant.all_services,
        "service_codes": grant.service_codes,
        "valid_from": grant.valid_from,
        "valid_until": grant.valid_until,
    }


def _company_out(company: Company, person: Person) -> dict[str, Any]:
    return {
        "id": company.pk,
        "uscc": company.uscc,
        "name": company.name,
        "name_en": company.name_en,
        "kind": company.kind,
        "region_code": company.region_code,
        "legal_representative": company.legal_representative.name,
        "positions": [
            {"position": p["position"], "name": p["name"]} for p in company.positions
        ],
        "you_are": "legal_representative"
        if company.legal_representative_id == person.pk
        else "handler",
    }


# --- signing up and in -------------------------------------------------------------------


@router.post("/auth/sms-codes", response={202: SmsCodeOut}, summary="Send an SMS code")
def sms_code_send(request: HttpRequest, payload: SmsCodeIn) -> Status:
    e164 = services.sms_code_send(
        **payload.dict(), client_address=client_address(request)
    )
    return Status(202, {"phone": mask_phone(e164), "expires_in": 600})


@router.post(
    "/auth/register", response={201: TokenOut}, summary="Register a person (L1)"
)
def register(request: HttpRequest, payload: RegisterIn) -> Status:
    person = services.person_register(**payload.dict(), page_language=get_language())
    return Status(201, _tokens(services.api_session_open(_user_of(person))))


@router.post(
    "/auth/claim", response={201: TokenOut}, summary="Claim a record a clerk created"
)
def claim(request: HttpRequest, payload: ClaimIn) -> Status:
    person = services.person_claim(**payload.dict())
    return Status(201, _tokens(services.api_session_open(_user_of(person))))


@router.post("/auth/token", response=TokenOut, summary="Log in by password or SMS code")
def token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    if payload.sms_code:
        user = services.login_sms(
            phone=payload.phone or "",
            sms_code=payload.sms_code,
            client_address=client_address(request),
        )
    else:
        user = services.login_password(
            login=payload.login or payload.phone or "",
            password=payload.password or "",
            client_address=client_address(request),
        )
    return _tokens(services.api_session_open(user))


@router.post(
    "/auth/staff-token", response=TokenOut, summary="Staff log in (password + TOTP)"
)
def staff_token(request: HttpRequest, payload: StaffTokenIn) -> dict[str, Any]:
    login = services.staff_login(
        username=payload.username,
        password=payload.password,
        totp=payload.totp,
        client_address=client_address(request),
    )
    if login.needs_enrolment:
        raise Forbidden(
            "totp_enrolment_required", _("请先登录工作人员网页绑定动态口令。")
        )
    return _tokens(services.api_session_open(login.user))


@router.post(
    "/auth/refresh", response=TokenOut, summary="New tokens for a refresh token"
)
def refresh(request: HttpRequest, payload: RefreshIn) -> dict[str, Any]:
    return _tokens(services.api_session_refresh(payload.refresh_token))


@router.post("/auth/logout", response={204: None}, auth=bearer)
def api_logout(request: HttpRequest) -> Status:
    session: ApiSession = request.api_session  # type: ignore[attr-defined]
    services.api_session_close(session.pk)
    return Status(204, None)


@router.post("/auth/password-reset", response={204: None})
def password_reset(request: HttpRequest, payload: PasswordResetIn) -> Status:
    services.password_reset(**payload.dict())
    return Status(204, None)


@router.post("/auth/phone-change", response={204: None}, summary="Replace a lost phone")
def phone_change(request: HttpRequest, payload: PhoneChangeIn) -> Status:
    services.phone_change(**payload.dict(), client_address=client_address(request))
    return Status(204, None)


# --- me ----------------------------------------------------------------------------------


@router.get("/me", response=ProfileOut, auth=bearer)
def me(request: HttpRequest) -> dict[str, Any]:
    return _profile(person_required(request))


@router.patch("/me", response=ProfileOut, auth=bearer, summary="Change my settings")
def me_change(request: HttpRequest, payload: ProfileChangeIn) -> dict[str, Any]:
    """The language SMS, email and the English version of notices are written in."""
    person = services.person_language_set(
        person=person_required(request), language=payload.language, channel="api"
    )
    return _profile(person)


@router.post("/me/identity-verification", response=ProfileOut, auth=bearer)
def identity_verification(request: HttpRequest) -> dict[str, Any]:
    return _profile(services.identity_verify(person_required(request)))


@router.post("/me/email", response={202: None}, auth=bearer)
def email_add(request: HttpRequest, payload: EmailIn) -> Status:
    url = request.build_absolute_uri(
        reverse("accounts:email_confirm", kwargs={"token": "TOKEN"})
    )
    services.email_add(
        person=person_required(request), email=payload.email, confirm_url=url
    )
    return Status(202, None)


@router.get("/me/eligibility/{service_code}", response=EligibilityOut, auth=bearer)
def eligibility(request: HttpRequest, service_code: str) -> dict[str, Any]:
    """Whether the caller may apply for a service now, acting for `X-Acting-For`."""
    person = person_required(request)
    key = acting_for(request)
    content = service_get(code=service_code).current_version.content
    required = int(content.get("min_assurance_level", 1))
    selectors.acting_resolve(person, key, service_code=service_code)
    services.level_require(person, required)
    return {
        "service_code": service_code,
        "acting_for": key,
        "allowed": True,
        "level": person.level,
        "required_level": required,
    }


@router.get(
    "/me/data", auth=bearer, summary="Everything the platform holds about me (PIPL)"
)
def my_data(request: HttpRequest) -> dict[str, Any]:
    return person_data(person_required(request), full=False)


@router.get(
    "/me/export",
    auth=bearer,
    summary="Download my data as JSON (PIPL)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Everything the platform holds about me, as a file",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def my_export(request: HttpRequest) -> HttpResponse:
    data = services.person_data_export(person=person_required(request))
    return download_response(data)


@router.get("/me/grants", response=list[GrantOut], auth=bearer)
def my_grants(request: HttpRequest) -> list[dict[str, Any]]:
    person = person_required(request)
    received = list(selectors.grants_received(person))
    given = list(selectors.grants_given(person))
    return [_grant_out(g) for g in received + given]


@router.post("/me/proxies", response={201: GrantOut}, auth=bearer)
def proxy_request(request: HttpRequest, payload: ProxyIn) -> Status:
    grant = services.proxy_request(agent=person_required(request), **payload.dict())
    return Status(201, _grant_out(grant))


@router.post("/me/children", response={201: GrantOut}, auth=bearer)
def child_add(request: HttpRequest, payload: ChildIn) -> Status:
    grant = services.guardian_add_child(
        guardian=person_required(request), **payload.dict()
    )
    return Status(201, _grant_out(grant))


def _grant_for(person: Person, grant_id: int) -> Grant:
    grant = (
        Grant.objects.select_related("company", "principal", "agent")
        .filter(pk=grant_id)
        .first()
    )
    involved = grant is not None and person.pk in {
        grant.agent_id,
        grant.principal_id,
        grant.granted_by_id,
        grant.company.legal_representative_id if grant.company else None,
    }
    if grant is None or not involved:
        raise NotFound("not_found", _("未找到。"))
    return grant


@router.post("/grants/{grant_id}/confirm", response=GrantOut, auth=bearer)
def grant_confirm(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    person = person_required(request)
    grant = _grant_for(person, grant_id)
    return _grant_out(services.proxy_confirm(grant=grant, principal=person))


@router.delete("/grants/{grant_id}", response=GrantOut, auth=bearer)
def grant_revoke(request: HttpRequest, grant_id: int) -> dict[str, Any]:
    person = person_required(request)
    grant = _grant_for(person, grant_id)
    return _grant_out(services.grant_revoke(grant=grant, by=person))


# --- companies ---------------------------------------------------------------------------


@router.post("/companies", response={201: CompanyOut}, auth=bearer)
def company_register(request: HttpRequest, payload: CompanyIn) -> Status:
    person = person_required(request)
    company = services.company_register(person=person, uscc=payload.uscc)
    return Status(201, _company_out(company, person))


@router.get("/companies", response=list[CompanyOut], auth=bearer)
def companies(request: HttpRequest) -> list[dict[str, Any]]:
    person = person_required(request)
    return [
        _company_out(o.company, person)
        for o in selectors.acting_options(person)
        if o.company is not None
    ]


@router.get("/companies/{company_id}", response=CompanyOut, auth=bearer)
def company_detail(request: HttpRequest, company_id: int) -> dict[str, Any]:
    person = person_required(request)
    principal = selectors.acting_resolve(person, f"company:{company_id}")
    if principal.company is None:
        raise NotFound("not_found", _("未找到。"))
    return _company_out(principal.company, person)


@router.get("/companies/{company_id}/grants", response=list[GrantOut], auth=bearer)
def company_grants(request: HttpRequest, company_id: int) -> list[dict[str, Any]]:
    company = selectors.company_for_representative(person_required(request), company_id)
    return [_grant_out(g) for g in selectors.company_grants(company)]


@router.post("/companies/{company_id}/grants", response={201: GrantOut}, auth=bearer)
def company_grant(request: HttpRequest, company_id: int, payload: GrantIn) -> Status:
    person = person_required(request)
    company = selectors.company_for_representative(person, company_id)
    grant = services.company_grant(company=company, by=person, **payload.dict())
    return Status(201, _grant_out(grant))


@router.get("/companies/{company_id}/activity", response=list[EventOut], auth=bearer)
def company_activity(request: HttpRequest, company_id: int) -> list[dict[str, Any]]:
    """What was done for the company, and by whom (legal representative only)."""
    company = selectors.company_for_representative(person_required(request), company_id)
    return [_event_out(e) for e in selectors.company_activity(company)[:200]]


def _event_out(event: Any) -> dict[str, Any]:
    return {
        "at": event.at,
        "action": event.action,
        "actor": actor_label(event),
        "reason": event.reason,
    }


# --- staff -------------------------------------------------------------------------------


@router.get("/staff/me", response=StaffOut, auth=bearer)
def staff_me(request: HttpRequest) -> dict[str, Any]:
    staff = staff_required(request)
    return {
        "username": staff.user.get_username(),
        "email": staff.user.email,
        "department": staff.department.code,
        "department_name": staff.department.name,
        "roles": staff.roles,
    }


def _staff_person_out(data: dict[str, str], person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        **data,
        "level": person.level,
        "level_evidence": person.level_evidence,
        "can_log_in": person.user_id is not None,
    }


@router.post("/staff/persons", response={201: StaffPersonOut}, auth=bearer)
def counter_person(request: HttpRequest, payload: CounterPersonIn) -> Status:
    """A clerk records a person whose original document they have seen at the counter."""
    staff = staff_required(request)
    person = services.person_create_at_counter(staff=staff, **payload.dict())
    return Status(
        201,
        _staff_person_out(
            {
                "name": person.name,
                "doc_type": person.doc_type,
                "doc_number": person.doc_masked,
                "phone": person.phone_masked,
            },
            person,
        ),
    )


@router.get("/staff/persons/{person_id}", response=StaffPersonOut, auth=bearer)
def staff_person(
    request: HttpRequest, person_id: int, reason: str = "", reveal: bool = False
) -> dict[str, Any]:
    """Read a person's identity data: a reason is required and the read is audited."""
    staff = staff_required(request)
    person = selectors.person_for_staff(staff, person_id)
    data = services.person_identity_read(
        staff=staff, person=person, reason=reason, reveal=reveal
    )
    return _staff_person_out(data, person)
