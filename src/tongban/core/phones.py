"""Phone numbers as input: normalised to E.164 with libphonenumber, masked for display."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext_lazy as _

from tongban.core.errors import InvalidInput

__all__ = ["phone_is_mainland", "phone_mask", "phone_normalise"]

_MAINLAND_COUNTRY_CODE = 86


def phone_normalise(raw: str, *, default_region: str = "CN") -> str:
    """The number in E.164 ("+8613812345678"); `invalid_phone` (422) unless valid.

    Numbers without a leading + are read as numbers of `default_region` (mainland China
    by default): "138 1234 5678", "+86 138-1234-5678", "+1 (415) 555-2671" all work.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        number = phonenumbers.parse(text, default_region) if text else None
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            "invalid_phone",
            _(
                "电话号码 %(number)s 无效：请填写 11 位手机号，境外号码请以 + 和国家代码开头，如 +44 7911 123456。"
            )
            % {"number": text},
            fields={"phone": "invalid"},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parts(e164: str) -> tuple[int, str] | None:
    """(country code, national significant number), or None if not a parsable number."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code is None:
        return None
    return number.country_code, phonenumbers.national_significant_number(number)


def phone_is_mainland(e164: str) -> bool:
    """Whether an E.164 number belongs to mainland China (+86)."""
    parts = _parts(e164) if isinstance(e164, str) else None
    return parts is not None and parts[0] == _MAINLAND_COUNTRY_CODE


def phone_mask(e164: str) -> str:
    """The number for display: "+86 138****5678"; elsewhere "+44 79****3456".

    Mainland numbers keep the first 3 and last 4 digits, others the first 2 and last 4.
    """
    parts = _parts(e164) if isinstance(e164, str) else None
    if parts is None:
        digits = "".join(c for c in str(e164) if c.isdigit())
        keep = min(4, max(len(digits) - 2, 0))
        return "*" * (len(digits) - keep) + digits[len(digits) - keep :]
    country_code, national = parts
    head = 3 if country_code == _MAINLAND_COUNTRY_CODE else 2
    if len(national) <= head + 4:
        head = max(len(national) - 6, 0)
    tail = min(4, max(len(national) - head - 1, 0))
    hidden = len(national) - head - tail
    return f"+{country_code} {national[:head]}{'*' * hidden}{national[len(national) - tail :]}"
