"""The bodies the accounts API reads and answers (its OpenAPI components)."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class SmsCodeIn(Schema):
    phone: str = Field(description="E.164 or a mainland number")
    purpose: Literal["register", "login", "password_reset", "phone_change", "claim"] = (
        "register"
    )
    doc_type: str = "resident_id"
    doc_number: str = Field(
        "", description="register: the document, checked before a code is sent"
    )
    nationality: str | None = None


class SmsCodeOut(Schema):
    phone: str = Field(description="masked")
    expires_in: int


class RegisterIn(Schema):
    name: str
    doc_type: str = "resident_id"
    doc_number: str
    nationality: str | None = None
    phone: str
    sms_code: str
    password: str
    language: str | None = Field(
        None,
        description="the language SMS and email are written in: zh-hans or en; by "
        "default en for a passport or permanent residence card or an English request "
        "(Accept-Language), else zh-hans",
    )


class ClaimIn(Schema):
    name: str
    doc_type: str = "resident_id"
    doc_number: str
    phone: str
    sms_code: str
    password: str


class TokenIn(Schema):
    login: str | None = Field(None, description="phone or document number")
    password: str | None = None
    phone: str | None = None
    sms_code: str | None = None


class StaffTokenIn(Schema):
    username: str
    password: str
    totp: str


class RefreshIn(Schema):
    refresh_token: str


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 — the scheme name, not a secret
    expires_in: int


class PasswordResetIn(Schema):
    phone: str
    sms_code: str
    doc_number: str
    new_password: str


class PhoneChangeIn(Schema):
    name: str
    doc_type: str = "resident_id"
    doc_number: str
    password: str
    new_phone: str
    sms_code: str


class EmailIn(Schema):
    email: str


class ActingOut(Schema):
    key: str
    kind: str
    label: str
    all_services: bool = True
    service_codes: list[str] = []
    valid_until: dt.date | None = None


class ProfileOut(Schema):
    id: int
    name: str
    doc_type: str
    doc_number: str = Field(description="masked")
    nationality: str
    phone: str = Field(description="masked")
    email: str
    email_confirmed: bool
    level: int
    level_evidence: str
    language: str = Field(description="what SMS and email are written in: zh-hans, en")
    acting: list[ActingOut]


class ProfileChangeIn(Schema):
    language: str = Field(description="zh-hans or en")


class EligibilityOut(Schema):
    service_code: str
    acting_for: str
    allowed: bool
    level: int
    required_level: int


class CompanyIn(Schema):
    uscc: str


class PositionOut(Schema):
    position: str
    name: str


class CompanyOut(Schema):
    id: int
    uscc: str
    name: str
    name_en: str
    kind: str
    region_code: str
    legal_representative: str
    positions: list[PositionOut]
    you_are: Literal["legal_representative", "handler"]


class GrantIn(Schema):
    agent_name: str
    agent_doc_type: str = "resident_id"
    agent_doc_number: str
    all_services: bool = True
    service_codes: list[str] = []
    valid_from: dt.date | None = None
    valid_until: dt.date


class GrantOut(Schema):
    id: int
    kind: str
    status: str
    agent: str
    agent_doc_number: str = Field(description="masked")
    principal: str
    relation: str
    all_services: bool
    service_codes: list[str]
    valid_from: dt.date
    valid_until: dt.date


class ProxyIn(Schema):
    principal_name: str
    principal_doc_type: str = "resident_id"
    principal_doc_number: str
    relation: str
    valid_until: dt.date


class ChildIn(Schema):
    child_name: str
    child_doc_number: str


class EventOut(Schema):
    at: dt.datetime
    action: str
    actor: str
    reason: str


class CounterPersonIn(Schema):
    name: str
    doc_type: str = "resident_id"
    doc_number: str
    nationality: str | None = None
    phone: str = ""
    language: str | None = Field(
        None,
        description="zh-hans or en; by default en for a passport or permanent "
        "residence card, else zh-hans",
    )


class StaffPersonOut(Schema):
    id: int
    name: str
    doc_type: str
    doc_number: str
    phone: str
    level: int
    level_evidence: str
    can_log_in: bool


class StaffOut(Schema):
    username: str
    email: str
    department: str
    department_name: str
    roles: list[str]
