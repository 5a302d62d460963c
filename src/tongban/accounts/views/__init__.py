"""Account pages, one module per area: signing up and in, a person's own pages, companies
and grants, staff. The views are re-exported here for `urls.py`."""

from tongban.accounts.views.administration import (
    audit_log,
    audit_log_verify,
    staff_account,
    staff_account_unlock,
    staff_accounts,
)
from tongban.accounts.views.companies import companies, company, grant_revoke, proxies
from tongban.accounts.views.profile import (
    acting_switch,
    my_data,
    my_export,
    profile,
    verify_identity,
)
from tongban.accounts.views.signing import (
    claim,
    email_confirm,
    login_view,
    logout_view,
    password_reset,
    phone_change,
    register,
)
from tongban.accounts.views.staff import (
    staff_home,
    staff_login,
    staff_person,
    staff_person_new,
    staff_totp,
)

__all__ = [
    "acting_switch",
    "audit_log",
    "audit_log_verify",
    "claim",
    "companies",
    "company",
    "email_confirm",
    "grant_revoke",
    "login_view",
    "logout_view",
    "my_data",
    "my_export",
    "password_reset",
    "phone_change",
    "profile",
    "proxies",
    "register",
    "staff_account",
    "staff_account_unlock",
    "staff_accounts",
    "staff_home",
    "staff_login",
    "staff_person",
    "staff_person_new",
    "staff_totp",
    "verify_identity",
]
