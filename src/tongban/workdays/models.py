"""The calendar data an administrator keeps: years' official arrangements and day overrides."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarYear(models.Model):
    """A year's official national arrangement, entered before the shipped library knows it.

    Its holidays and make-up working days are `DayOverride` rows with no region. A year
    counts as known when the library covers it or it has a row here.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    source = models.CharField(
        _("依据"),
        max_length=200,
        help_text=_(
            "如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）"
        ),
    )
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")

    def __str__(self) -> str:
        return str(self.year)


class DayOverride(models.Model):
    """One day that is, or is not, a working day, nationally or in a region and all under it."""

    region = models.CharField(
        _("地区代码"),
        max_length=6,
        blank=True,
        help_text=_("GB/T 2260 代码；留空表示全国。310000 的调整适用于其下所有区。"),
    )
    date = models.DateField(_("日期"))
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(
        _("名称"),
        max_length=100,
        blank=True,
        help_text=_("节日名称或调整事由，如：春节、台风停工"),
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "date"], name="workdays_override_unique_day"
            )
        ]
        verbose_name = _("日期调整")
        verbose_name_plural = _("日期调整")

    def __str__(self) -> str:
        return f"{self.date} {self.region or _('全国')} {self.name}"
