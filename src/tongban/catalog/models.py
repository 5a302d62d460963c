"""Departments, implementations with immutable versions, load records, windows and bundles."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalog.constants import CaseType, ItemType, Level


class Department(models.Model):
    code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    region = models.CharField(_("地区代码"), max_length=6, db_index=True)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(_("简介"), blank=True)
    description_en = models.TextField(_("英文简介"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    # Where, when and whom to ask (catalogue data, checked by the loader; see contact.py).
    address = models.CharField(_("办理地点"), max_length=300, blank=True)
    address_en = models.CharField(_("英文办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    # 行政复议机关: named in refusals and non-acceptances (catalogue data).
    review_body = models.CharField(_("行政复议机关"), max_length=200, blank=True)
    review_body_en = models.CharField(
        _("行政复议机关英文名称"), max_length=200, blank=True
    )
    sources = models.JSONField(_("信息来源"), default=list, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ["region", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name

    @property
    def has_contact(self) -> bool:
        """Whether the guide can say where, when or whom to ask (the loader requires all
        three; rows written otherwise may lack them)."""
        return bool(self.address or self.hours or self.phone)


class CatalogLoad(models.Model):
    """One publication of the catalogue: who, when, from where, and what it changed."""

    created_at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作人"), max_length=150)
    source = models.CharField(_("来源"), max_length=500)
    created = models.JSONField(_("新增"), default=list)
    changed = models.JSONField(_("变更"), default=list)
    retired = models.JSONField(_("停用"), default=list)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("目录发布记录")
        verbose_name_plural = _("目录发布记录")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}"


class ServiceItem(models.Model):
    """One implementation (实施清单) under its stable code; its content lives in versions.

    The columns beside the code repeat the current version's values so lists can filter
    and sort without reading every version's JSON; `catalog_load` keeps them in step.
    """

    code = models.CharField(_("实施编码"), max_length=100, unique=True)
    basic_code = models.CharField(_("基本编码"), max_length=20, db_index=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="services"
    )
    region = models.CharField(_("地区代码"), max_length=6, db_index=True)
    current = models.ForeignKey(
        "ServiceVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    item_type = models.CharField(_("事项类型"), max_length=40, choices=ItemType.choices)
    case_type = models.CharField(_("办件类型"), max_length=20, choices=CaseType.choices)
    visits = models.PositiveSmallIntegerField(_("到现场次数"))
    # Comma-bounded value lists (",web,mobile,") so a filter is one `contains`.
    subject_types = models.CharField(max_length=100)
    approval_modes = models.CharField(max_length=100)
    channels = models.CharField(max_length=100)
    result_delivery = models.CharField(max_length=100)
    is_foreigner_service = models.BooleanField(default=False)
    popularity = models.PositiveIntegerField(default=0)
    search_document = models.TextField(blank=True)
    source_file = models.CharField(max_length=200, blank=True)
    is_retired = models.BooleanField(_("已停用"), default=False)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        ordering = ["-popularity", "code"]
        verbose_name = _("服务事项（实施清单）")
        verbose_name_plural = _("服务事项（实施清单）")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def current_version(self) -> "ServiceVersion":
        """The version in force; every loaded item has one (set in the same transaction)."""
        if self.current is None:
            raise ServiceVersion.DoesNotExist(f"{self.code} has no version")
        return self.current


class ServiceVersion(models.Model):
    """An immutable version of an implementation's content, as loaded."""

    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本"))
    content = models.JSONField(_("内容"))
    content_hash = models.CharField(max_length=64)
    load = models.ForeignKey(
        CatalogLoad, on_delete=models.PROTECT, related_name="versions"
    )
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "number"], name="catalog_version_unique"
            )
        ]
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number}"


class Collection(models.Model):
    """A topic window (服务专窗) or a 一件事 bundle: an ordered list of services."""

    class Kind(models.TextChoices):
        WINDOW = "window", _("服务专窗")
        BUNDLE = "bundle", _("一件事")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=63)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    description_en = models.TextField(_("英文简介"), blank=True)
    position = models.PositiveIntegerField(default=0)
    services: models.ManyToManyField[ServiceItem, "CollectionService"] = (
        models.ManyToManyField(ServiceItem, through="CollectionService")
    )

    class Meta:
        ordering = ["kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], name="catalog_collection_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CollectionService(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE)
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.position}"


class Synonym(models.Model):
    """A word people type and the official words it stands for (驾照 → 驾驶证)."""

    word = models.CharField(max_length=50, unique=True)
    targets = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.word


class Referral(models.Model):
    """An English phrase's meaning (`catalog/referrals.yaml`): search words, an office."""

    key = models.CharField(max_length=63, unique=True)
    phrases = models.JSONField(default=list)  # as written in the file
    search = models.CharField(max_length=100, blank=True)
    notice = models.TextField(blank=True)
    notice_en = models.TextField(blank=True)
    office = models.JSONField(null=True, blank=True)  # referrals.Office as a dict
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.key
