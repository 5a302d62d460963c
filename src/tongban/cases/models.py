"""The case (办件) and its append-only event log.

Every change of state writes the new state and its `CaseEvent` in one transaction; the
`version` column makes two staff acting on one case at once conflict (one wins).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.constants import (
    Action,
    ClosingType,
    DocumentKind,
    SpecialProcedureKind,
    Status,
)


class Case(models.Model):
    number = models.CharField(_("办件编号"), max_length=40, unique=True)
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, related_name="cases"
    )
    version = models.ForeignKey(
        "catalog.ServiceVersion",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("申请时有效的办事指南版本"),
    )
    department = models.ForeignKey(
        "catalog.Department", on_delete=models.PROTECT, related_name="cases"
    )
    region = models.CharField(max_length=6)
    # who is at the keyboard, and for whom they act
    submitted_by = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="cases_submitted"
    )
    applicant_person = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # The applicant as the case names it, kept on the case row (set when the case is made
    # and again when it is received): the staff queue reads these columns rather than
    # six look-ups a row (make bench ONLY=cases). A company by its name and credit code;
    # a person — the applicant person, else who filed it — by name and masked document
    # number (`Person.doc_masked`, never the number itself).
    applicant_kind = models.CharField(max_length=7, blank=True, default="")
    applicant_label = models.CharField(max_length=200, blank=True, default="")
    applicant_identifier = models.CharField(max_length=40, blank=True, default="")
    channel = models.CharField(_("渠道"), max_length=10)
    approval_mode = models.CharField(_("审批方式"), max_length=20)
    case_type = models.CharField(_("办件类型"), max_length=20)
    form_data = models.JSONField(default=dict)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    row_version = models.PositiveIntegerField(default=1)
    received_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    accepted_by_law = models.BooleanField(default=False)
    correction_due = models.DateField(
        null=True, blank=True, help_text=_("补正告知期限（收件后 5 个工作日）")
    )
    legal_deadline = models.DateField(_("法定期限"), null=True, blank=True)
    promised_deadline = models.DateField(_("承诺期限"), null=True, blank=True)
    deadline_pending_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("缺少该年节假日安排，期限待计算")
    )
    extended = models.BooleanField(default=False)
    decided_on = models.DateField(null=True, blank=True)
    closing_type = models.CharField(
        max_length=30, choices=ClosingType.choices, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    delivery_due = models.DateField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_proof = models.CharField(max_length=200, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_claimed",
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            models.Index(fields=["department", "status", "received_on"]),
            # the staff queue: a department's cases, earliest deadline first
            models.Index(fields=["department", "legal_deadline", "received_on", "id"]),
            models.Index(fields=["applicant_company", "-created_at"]),
            models.Index(fields=["applicant_person", "-created_at"]),
            models.Index(fields=["submitted_by", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="case_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def applicant_columns_fill(self) -> None:
        """Set `applicant_kind`, `applicant_label` and `applicant_identifier` from whom
        the case is for now (the company, else the person, else who filed it)."""
        if self.applicant_company_id is not None:
            company = self.applicant_company
            assert company is not None  # noqa: S101 — the id says so
            self.applicant_kind = "company"
            self.applicant_label = company.name
            self.applicant_identifier = company.uscc
            return
        person = self.applicant_person or self.submitted_by
        self.applicant_kind = "person"
        self.applicant_label = person.name
        self.applicant_identifier = person.doc_masked

    @property
    def applicant_name(self) -> str:
        """Whom the case is for: the company, else the person (who may be the filer)."""
        if self.applicant_company is not None:
            return self.applicant_company.name
        return (self.applicant_person or self.submitted_by).name


class CaseEvent(models.Model):
    """One step in a case's life; never changed or deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class SpecialProcedure(models.Model):
    """特别程序: its time is excluded from both limits (Art. 45)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="special_procedures"
    )
    kind = models.CharField(max_length=20, choices=SpecialProcedureKind.choices)
    reason = models.TextField()
    basis = models.CharField(_("法律依据"), max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class CaseDocument(models.Model):
    """A notice or decision issued in the case, with its document number (文书编号).

    `content` holds every fact the document says, frozen at issue; its PDF is rendered
    from it once, after the step commits, and stored (`file`, with its SHA-256): from then
    on every download serves those bytes, whatever the wording of later documents. An
    applicant who prefers English also gets an English version for reference
    (`has_english`, decided at issue; `file_en`), the Chinese text prevailing.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    number = models.CharField(max_length=60, unique=True)
    issued_at = models.DateTimeField()
    content = models.JSONField(default=dict)
    file = models.FileField(upload_to="documents/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    has_english = models.BooleanField(default=False)
    file_en = models.FileField(upload_to="documents/", max_length=200, blank=True)
    sha256_en = models.CharField(max_length=64, blank=True)
    rendered_en_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # the job that renders what no worker stored reads only these
            models.Index(
                fields=["id"],
                condition=models.Q(file="") | models.Q(has_english=True, file_en=""),
                name="casedocument_unrendered",
            )
        ]

    def __str__(self) -> str:
        return self.number


class NumberSequence(models.Model):
    """The next sequence number per prefix (department and day); gaps are allowed."""

    prefix = models.CharField(max_length=100, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class CaseMaterial(models.Model):
    """A material of a case: a file the applicant uploaded, or a document the government
    holds and fetched from a registry (免交), with where it came from."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    position = models.PositiveSmallIntegerField(
        help_text=_("办事指南材料清单中的序号（从 0 起）")
    )
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=30)
    file = models.FileField(upload_to="cases/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "position"])]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.position} {self.name}"
