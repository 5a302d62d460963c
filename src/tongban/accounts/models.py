"""People, companies, the grants between them, staff, and the secrets of logging in.

Document and phone numbers are never stored in clear: `*_encrypted` holds the ciphertext
(`tongban.core.protect`), `*_index` a keyed blind index for look-ups, `*_masked` the form
shown on screens.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import (
    ConsentKind,
    GrantKind,
    GrantStatus,
    Level,
    LevelEvidence,
    SmsPurpose,
)
from tongban.core import protect
from tongban.core.documents import DocumentType


class Person(models.Model):
    """A natural person known to the platform; `user` is empty until they can log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="person",
    )
    name = models.CharField(_("姓名"), max_length=100)
    doc_type = models.CharField(
        _("证件类型"), max_length=32, choices=DocumentType.choices
    )
    doc_encrypted = models.TextField(editable=False)
    doc_index = models.CharField(max_length=64, unique=True, editable=False)
    doc_masked = models.CharField(_("证件号码"), max_length=40, editable=False)
    nationality = models.CharField(_("国籍"), max_length=3, default="CHN")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField(_("手机号"), max_length=32, blank=True)
    phone_confirmed_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    # The language SMS, email and the English version of notices are written in (one of
    # settings.LANGUAGES); notices and decisions themselves are always issued in Chinese.
    language = models.CharField(
        _("语言"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(
        _("认证等级"), choices=Level.choices, default=Level.NONE
    )
    level_evidence = models.CharField(
        max_length=16, choices=LevelEvidence.choices, blank=True
    )
    level_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("窗口人员建立时为该人员"),
    )
    created_by_department = models.ForeignKey(
        "catalog.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        constraints = [
            # One account per phone; people recorded at a counter may have none.
            models.UniqueConstraint(
                fields=["phone_index"],
                condition=~models.Q(phone_index=""),
                name="person_phone_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.doc_masked})"

    @property
    def doc_number(self) -> str:
        """The document number in clear — for its owner and audited staff reads only."""
        return protect.decrypt(self.doc_encrypted, context="person.document")

    @property
    def phone(self) -> str:
        if not self.phone_encrypted:
            return ""
        return protect.decrypt(self.phone_encrypted, context="person.phone")


class Company(models.Model):
    """A legal entity as the legal-entity registry describes it."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=64, blank=True)
    region_code = models.CharField(_("登记地区"), max_length=6, blank=True)
    # Registered positions as the registry last said: [{position, name, doc_index}].
    positions = models.JSONField(default=list)
    registry_checked_at = models.DateTimeField()
    legal_representative = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="companies_represented"
    )
    registered_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class Grant(models.Model):
    """The right of `agent` to act for a company or for another person."""

    kind = models.CharField(max_length=20, choices=GrantKind.choices)
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="grants")
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    principal = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants_given",
    )
    relation = models.CharField(_("关系"), max_length=40, blank=True)
    all_services = models.BooleanField(_("全部事项"), default=True)
    service_codes = models.JSONField(_("授权事项"), default=list, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    status = models.CharField(max_length=10, choices=GrantStatus.choices)
    granted_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="grants_made"
    )
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("代办授权")
        verbose_name_plural = _("代办授权")
        constraints = [
            models.CheckConstraint(
                name="grant_has_exactly_one_principal",
                condition=(
                    models.Q(company__isnull=False, principal__isnull=True)
                    | models.Q(company__isnull=True, principal__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="grant_period_ordered",
                condition=models.Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        principal = self.company or self.principal
        return f"{self.agent.name} → {principal} ({self.get_status_display()})"


class Consent(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    version = models.CharField(max_length=16)
    given_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("本人，或不满十四周岁未成年人的监护人"),
    )
    detail = models.CharField(max_length=200, blank=True)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


def _holds_role(role: str) -> models.Q:
    """`roles` (a JSON list) holds `role`: its quoted spelling, which no other role's
    contains — one test that SQLite and PostgreSQL both run in a check constraint."""
    return models.Q(roles__icontains=f'"{role}"')


class StaffProfile(models.Model):
    """A government staff member: department, roles, the second factor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff"
    )
    department = models.ForeignKey(
        "catalog.Department", on_delete=models.PROTECT, related_name="staff"
    )
    roles = models.JSONField(default=list)
    totp_encrypted = models.TextField(blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        constraints = [
            # 三员分立 (accounts/permissions.py, whose `roles_check` refuses first, in
            # words): never the system and the security administrator in one account, and
            # the audit administrator only ever alone.
            models.CheckConstraint(
                condition=~(_holds_role("system_admin") & _holds_role("security_admin"))
                & (~_holds_role("audit_admin") | models.Q(roles=["audit_admin"])),
                name="staff_administrators_apart",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} — {self.department_id}"

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class SmsChallenge(models.Model):
    """A one-time code sent by SMS; only its keyed digest is kept."""

    purpose = models.CharField(max_length=20, choices=SmsPurpose.choices)
    phone_index = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class LoginGuard(models.Model):
    """Failed logins against one account (key `user:<id>`, however it was named), or
    against one normalised login no account has (its blind index). `locked_until`: no try
    is taken before it — a staff lock, or an applicant's growing delay
    (`services/limits.py`)."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.failures} failures"


class ApiSession(models.Model):
    """A signed-in API client: a refresh token (digest only) that access tokens point to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_sessions"
    )
    refresh_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    refreshed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Whom the session last acted for (`X-Acting-For`): a change is audited, a repeat not.
    acting_key = models.CharField(max_length=40, default="self")
    # The last request it made (to the minute): a staff session idle for longer than
    # staff pages may be is not refreshed — its holder signs in again, password and code.
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API session {self.pk} of user {self.user_id}"
