"""Check characters of the national identifier standards the platform meets everywhere."""

import re

from django.conf import settings
from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput

# GB 32100-2015: 18 characters from this set (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ORGANISATION_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code (MOD 31, weights 3^i mod 31)."""
    total = sum(
        USCC_ALPHABET.index(character) * pow(3, position, 31)
        for position, character in enumerate(first17)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def organisation_code_check_character(first8: str) -> str:
    """The 9th character of the embedded GB 11714 organisation code (weights 3 7 9 10 5 8 4 2)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        _ORGANISATION_ALPHABET.index(c) * w
        for c, w in zip(first8, weights, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_is_valid(code: str, *, check_organisation_code: bool = True) -> bool:
    """Whether a code is a well-formed unified social credit code with both check characters."""
    if not _USCC_PATTERN.match(code):
        return False
    if uscc_check_character(code[:17]) != code[17]:
        return False
    if check_organisation_code:
        organisation = code[8:17]
        if any(c not in _ORGANISATION_ALPHABET for c in organisation[:8]):
            return False
        return organisation_code_check_character(organisation[:8]) == organisation[8]
    return True


def uscc_make(prefix: str, organisation: str) -> str:
    """A well-formed code from its first 8 characters and an 8-character organisation code."""
    body = prefix + organisation + organisation_code_check_character(organisation)
    return body + uscc_check_character(body)


def uscc_require(code: str) -> str:
    """A credit code, normalised, or `invalid_uscc` (422). Early pilot codes that fail the
    check are accepted when listed in `settings.USCC_PILOT_CODES`."""
    normalised = "".join(code.split()).upper()
    if normalised in getattr(settings, "USCC_PILOT_CODES", ()):
        return normalised
    if not uscc_is_valid(normalised):
        if len(normalised) != 18:
            reason = _("统一社会信用代码应为 18 位，您输入了 %(n)d 位。") % {
                "n": len(normalised)
            }
        elif not _USCC_PATTERN.match(normalised):
            reason = _("统一社会信用代码含有不使用的字符（不用 I、O、S、V、Z）。")
        else:
            reason = _("统一社会信用代码校验位不正确，请核对。")
        raise InvalidInput("invalid_uscc", reason, fields={"uscc": str(reason)})
    return normalised
