"""Where, when and whom to ask: a department's phone number and opening hours, checked
when the catalogue is loaded and said in the reader's language on a guide.

Opening hours are written in a small part of OpenStreetMap's `opening_hours` syntax, one
line a department: `Mo-Fr 09:00-11:30,13:30-17:00; Sa 09:00-12:00; PH off` — rules
separated by `;`, each days (`Mo`…`Su`, ranges and lists) then times or `off`; `PH off`
says the office is closed on public holidays.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

# Phone numbers as people dial them in China. Municipalities and big cities have
# three-character area codes (010, 02x) and eight-digit numbers; the other area codes
# have four characters and seven- or eight-digit numbers. Government service hotlines
# are 12xxx (12345, 12333, 12315), with an area code when dialled from elsewhere;
# Shanghai's public-service numbers are six digits starting 96 (962222); 400 and 800
# numbers are written 400-xxx-xxxx.
PHONE_PATTERNS = (
    re.compile(r"^0(10|2\d)-\d{8}$"),
    re.compile(r"^0[3-9]\d{2}-\d{7,8}$"),
    re.compile(r"^(0(10|2\d)-|0[3-9]\d{2}-)?12\d{3}$"),
    re.compile(r"^96\d{4}$"),
    re.compile(r"^[48]00-\d{3}-\d{4}$"),
)

PHONE_FORMATS = "021-12345678, 0571-1234567, 12345, 021-12345, 962222 or 400-820-5114"


def phone_is_valid(phone: str) -> bool:
    return any(pattern.match(phone) for pattern in PHONE_PATTERNS)


DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)
_SPAN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class HoursRule:
    """Days (indexes into DAYS, in order) and their opening spans in minutes from 0:00;
    no spans is a day the office is closed. `days` is empty for the public-holiday rule."""

    days: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    public_holidays: bool = False


def _days_parse(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in text.split(","):
        first, _dash, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"{part!r} is not a day or a range of days (Mo-Fr)")
        start, end = DAYS.index(first), DAYS.index(last or first)
        if end < start:
            raise ValueError(f"{part!r} runs backwards")
        days += range(start, end + 1)
    if len(set(days)) != len(days):
        raise ValueError(f"{text!r} names a day twice")
    return tuple(days)


def _spans_parse(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _SPAN.match(part)
        if match is None:
            raise ValueError(f"{part!r} is not a time span (09:00-17:00)")
        hour_from, minute_from, hour_to, minute_to = (int(x) for x in match.groups())
        if minute_from > 59 or minute_to > 59 or hour_from > 23 or hour_to > 24:
            raise ValueError(f"{part!r} is not a time of day")
        start, end = hour_from * 60 + minute_from, hour_to * 60 + minute_to
        if end > 24 * 60 or end <= start:
            raise ValueError(f"{part!r} must end after it starts, by 24:00")
        if spans and start <= spans[-1][1]:
            raise ValueError(f"{part!r} must start after the span before it ends")
        spans.append((start, end))
    return tuple(spans)


def hours_parse(text: str) -> list[HoursRule]:
    """The rules of an opening-hours line; ValueError says what is wrong."""
    rules: list[HoursRule] = []
    seen: set[int] = set()
    for raw in text.split(";"):
        rule = raw.strip()
        if not rule:
            raise ValueError("an empty rule (two ';' together, or one at the end)")
        if rule == "PH off":
            if any(r.public_holidays for r in rules):
                raise ValueError("'PH off' appears twice")
            rules.append(HoursRule((), (), public_holidays=True))
            continue
        days_text, _space, times_text = rule.partition(" ")
        days = _days_parse(days_text)
        if seen & set(days):
            raise ValueError(f"{rule!r} names a day an earlier rule names")
        seen |= set(days)
        spans = () if times_text == "off" else _spans_parse(times_text)
        rules.append(HoursRule(days, spans))
    if not any(rule.spans for rule in rules):
        raise ValueError("the office is never open")
    return rules


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _days_words(days: tuple[int, ...]) -> str:
    """Mo-Fr → 周一至周五 / Mon to Fri; Mo,We → 周一、周三 / Mon, Wed."""
    runs: list[tuple[int, int]] = []
    for day in days:
        if runs and day == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    words = [
        str(DAY_NAMES[first])
        if first == last
        else _("%(first)s至%(last)s")
        % {"first": DAY_NAMES[first], "last": DAY_NAMES[last]}
        for first, last in runs
    ]
    return pgettext("list separator", "、").join(words)


def hours_lines(text: str) -> list[str]:
    """An opening-hours line as people say it, one line per rule, in the active language:
    ["周一至周五 9:00–11:30、13:30–17:00", "法定节假日休息"]. A line that does not parse
    (stored before the loader checked it) is given back as written."""
    try:
        rules = hours_parse(text)
    except ValueError:
        return [text] if text else []
    lines = []
    for rule in rules:
        if rule.public_holidays:
            lines.append(_("法定节假日休息"))
        elif not rule.spans:
            lines.append(_("%(days)s休息") % {"days": _days_words(rule.days)})
        else:
            times = pgettext("list separator", "、").join(
                f"{_clock(a)}–{_clock(b)}" for a, b in rule.spans
            )
            lines.append(f"{_days_words(rule.days)} {times}")
    return lines
