"""Vocabularies of the working-day calendar, shared by every app that counts time limits."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy


class LimitUnit(models.TextChoices):
    """The unit of a time limit, everywhere a limit is stored or asked for."""

    WORKING_DAYS = "working_days", pgettext_lazy("limit unit", "工作日")
    CALENDAR_DAYS = "calendar_days", pgettext_lazy("limit unit", "自然日")
    MONTHS = "months", pgettext_lazy("limit unit", "月")


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("工作日")
    WEEKEND = "weekend", _("周末休息日")
    HOLIDAY = "holiday", _("法定节假日")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班日")


class DaySource(models.TextChoices):
    """Where a day's status comes from, most specific last."""

    WEEKDAY_RULE = "weekday_rule", _("周一至周五工作、周末休息")
    LIBRARY = "national_library", _("国务院节假日安排（随平台发布）")
    NATIONAL_OVERRIDE = "national_override", _("管理员录入的全国安排")
    REGIONAL_OVERRIDE = "regional_override", _("地区调整")


# Holidays as chinese-calendar names them, with their Chinese names for people.
HOLIDAY_NAMES = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "National Day": _("国庆节"),
    "Mid-autumn Festival": _("中秋节"),
    "Anti-Fascist 70th Day": _("中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
}

# Limits beyond this are refused as input errors rather than computed.
MAX_LIMIT_AMOUNT = 3660


def limit_phrase(amount: int, unit: str) -> str:
    """'5 个工作日' / '5 working days': a limit as people say it."""
    if unit == LimitUnit.CALENDAR_DAYS:
        text = ngettext("%(count)s 个自然日", "%(count)s 个自然日", amount)
    elif unit == LimitUnit.MONTHS:
        text = ngettext("%(count)s 个月", "%(count)s 个月", amount)
    else:
        text = ngettext("%(count)s 个工作日", "%(count)s 个工作日", amount)
    return text % {"count": amount}
