from django.urls import path

from tongban.accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("claim/", views.claim, name="claim"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("phone/change/", views.phone_change, name="phone_change"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("me/", views.profile, name="profile"),
    path("me/verify/", views.verify_identity, name="verify_identity"),
    path("me/acting/", views.acting_switch, name="acting_switch"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/export/", views.my_export, name="my_export"),
    path("me/proxies/", views.proxies, name="proxies"),
    path("companies/", views.companies, name="companies"),
    path("companies/<int:company_id>/", views.company, name="company"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("staff/login/", views.staff_login, name="staff_login"),
    path("staff/totp/", views.staff_totp, name="staff_totp"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/persons/new/", views.staff_person_new, name="staff_person_new"),
    path("staff/persons/<int:person_id>/", views.staff_person, name="staff_person"),
    path("staff/audit/", views.audit_log, name="staff_audit"),
    path("staff/audit/verify/", views.audit_log_verify, name="staff_audit_verify"),
    path("staff/accounts/", views.staff_accounts, name="staff_accounts"),
    path(
        "staff/accounts/<int:profile_id>/",
        views.staff_account,
        name="staff_account",
    ),
    path(
        "staff/accounts/<int:profile_id>/unlock/",
        views.staff_account_unlock,
        name="staff_account_unlock",
    ),
]
