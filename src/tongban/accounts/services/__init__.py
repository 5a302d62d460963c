"""Writes of accounts, one module per area; everything public is re-exported here.

Every refusal a user can cause is a `DomainError` raised before anything is written. Failed
code and password attempts are the exception: they are counted in their own transaction so
that a refusal cannot undo the count — call those checks outside an atomic block.
"""

from tongban.accounts.services._common import (
    document_index,
    person_document_set,
    person_phone_set,
    phone_index,
)
from tongban.accounts.services.acting import acting_begin, api_session_acting_set
from tongban.accounts.services.api_sessions import (
    TokenPair,
    api_session_close,
    api_session_open,
    api_session_refresh,
    api_session_touch,
)
from tongban.accounts.services.audit_log import (
    AuditLine,
    AuditPage,
    AuditQuery,
    audit_log_read,
    audit_log_verify,
)
from tongban.accounts.services.companies import company_register
from tongban.accounts.services.credentials import (
    email_add,
    email_confirm,
    password_reset,
    phone_change,
)
from tongban.accounts.services.exports import person_data_export
from tongban.accounts.services.grants import (
    company_grant,
    grant_revoke,
    guardian_add_child,
    proxy_confirm,
    proxy_request,
)
from tongban.accounts.services.levels import identity_verify, level_require
from tongban.accounts.services.logins import login_password, login_sms
from tongban.accounts.services.preferences import person_language_set
from tongban.accounts.services.registration import (
    person_claim,
    person_create_at_counter,
    person_register,
)
from tongban.accounts.services.sms_codes import sms_code_send
from tongban.accounts.services.staff import (
    StaffLogin,
    person_identity_read,
    staff_create,
    staff_login,
    staff_totp_begin,
    staff_totp_confirm,
    staff_totp_pending_uri,
)
from tongban.accounts.services.staff_accounts import staff_roles_set, staff_unlock

__all__ = [
    "AuditLine",
    "AuditPage",
    "AuditQuery",
    "StaffLogin",
    "TokenPair",
    "acting_begin",
    "api_session_acting_set",
    "api_session_close",
    "api_session_open",
    "api_session_refresh",
    "api_session_touch",
    "audit_log_read",
    "audit_log_verify",
    "company_grant",
    "company_register",
    "document_index",
    "email_add",
    "email_confirm",
    "grant_revoke",
    "guardian_add_child",
    "identity_verify",
    "level_require",
    "login_password",
    "login_sms",
    "password_reset",
    "person_claim",
    "person_create_at_counter",
    "person_data_export",
    "person_document_set",
    "person_identity_read",
    "person_language_set",
    "person_phone_set",
    "person_register",
    "phone_change",
    "phone_index",
    "proxy_confirm",
    "proxy_request",
    "sms_code_send",
    "staff_create",
    "staff_login",
    "staff_roles_set",
    "staff_totp_begin",
    "staff_totp_confirm",
    "staff_totp_pending_uri",
    "staff_unlock",
]
