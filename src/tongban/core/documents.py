"""Identity documents a person may sign in or apply with: validation, facts, masking.

Formats, and how sure we are of each (see also the comments at each validator):

- 居民身份证 (GB 11643-1999): 6-digit address code (GB/T 2260), 8-digit birth date,
  3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character. Certain.
  The address code records where the number was *first assigned*, so it is checked
  against every code that exists or ever existed, whatever the birth year (a Pudong
  310115 number for someone born in 1950 is fine: people born before 1992 who were
  registered later got the then-current code). python-stdnum's cn.ric ties the code to
  the birth year and is deliberately not used.
- 港澳台居民居住证 (2018): same structure, address code 810000 / 820000 / 830000. Certain.
- 港澳居民来往内地通行证: card (2013–) H or M + 8 digits; older booklets H/M + 10 digits.
  Confirmed from several public validators; no official check digit is known.
- 台湾居民来往大陆通行证: card (2015–) 8 digits. Confirmed from public validators.
- 外国人永久居留身份证, 2023 edition (from 2023-12-01): 18 characters, 17 digits + MOD 11-2
  check, first digit 9 (National Immigration Administration adaptation notice, 2023).
  The layout 9 + 2-digit province of the receiving office + 3-digit ISO 3166-1 numeric
  nationality + 8-digit birth date + 3-digit sequence + check comes from public code
  (howardli/CredentialKit) matching the notice's "letters turned into a numeric code";
  the table in the notice itself could not be read.
- 外国人永久居留身份证, 2004/2017 editions: 15 characters, ISO alpha-3 nationality +
  12 digits (notice above). Inside the 12 digits: 4-digit place code (2-digit province
  first), YYMMDD birth date, 1 digit, 1 check digit — from public code only; see
  `_validate_permanent_residence_old` for what is and is not enforced.
- Foreign passports: any ISO alpha-3 nationality except CHN; 5–20 letters or digits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Literal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban import regions
from tongban.core import clock
from tongban.core.errors import InvalidInput

__all__ = [
    "EXIT_ENTRY_TYPES",
    "REGISTRY_BY_TYPE",
    "DocumentFacts",
    "DocumentType",
    "country_alpha3_from_numeric",
    "country_exists",
    "country_name",
    "document_mask",
    "document_normalise",
    "document_validate",
    "gb11643_check_character",
]


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit", _("港澳台居民居住证")
    HK_MO_TRAVEL_PERMIT = "hk_mo_travel_permit", _("港澳居民来往内地通行证")
    TW_TRAVEL_PERMIT = "tw_travel_permit", _("台湾居民来往大陆通行证")
    PERMANENT_RESIDENCE = "permanent_residence", _("外国人永久居留身份证")
    PASSPORT = "passport", _("外国护照")


Registry = Literal["population", "exit_entry"]

# Which national registry confirms a document: the public-security population registry
# (户籍) for resident ID cards, the exit-entry administration for all the others.
REGISTRY_BY_TYPE: MappingProxyType[str, Registry] = MappingProxyType(
    {
        DocumentType.RESIDENT_ID.value: "population",
        DocumentType.HMT_RESIDENCE_PERMIT.value: "exit_entry",
        DocumentType.HK_MO_TRAVEL_PERMIT.value: "exit_entry",
        DocumentType.TW_TRAVEL_PERMIT.value: "exit_entry",
        DocumentType.PERMANENT_RESIDENCE.value: "exit_entry",
        DocumentType.PASSPORT.value: "exit_entry",
    }
)
EXIT_ENTRY_TYPES: frozenset[str] = frozenset(
    doc_type
    for doc_type, registry in REGISTRY_BY_TYPE.items()
    if registry == "exit_entry"
)

Sex = Literal["male", "female"]


@dataclass(frozen=True)
class DocumentFacts:
    doc_type: str
    number: str  # normalised: no spaces, upper case
    birth_date: dt.date | None
    sex: Sex | None
    region_code: str | None  # 6 digits (GB/T 2260 or 81/82/83 0000) where known
    nationality: str  # ISO 3166-1 alpha-3


# --- ISO 3166-1 ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Country:
    numeric: str
    alpha3: str
    alpha2: str
    name: str


@cache
def _countries() -> tuple[dict[str, _Country], dict[str, _Country]]:
    """(by alpha-3, by numeric) from iso3166.tsv (Debian iso-codes, 249 entries)."""
    text = files("tongban.core").joinpath("iso3166.tsv").read_text(encoding="utf-8")
    by_alpha3: dict[str, _Country] = {}
    by_numeric: dict[str, _Country] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        numeric, alpha3, alpha2, name = line.split("\t")
        country = _Country(numeric, alpha3, alpha2, name)
        by_alpha3[alpha3] = country
        by_numeric[numeric] = country
    return by_alpha3, by_numeric


def country_exists(alpha3: str) -> bool:
    """Whether `alpha3` is an ISO 3166-1 alpha-3 code (case and spaces ignored)."""
    if not isinstance(alpha3, str):
        return False
    return alpha3.strip().upper() in _countries()[0]


def country_name(alpha3: str) -> str:
    """The English short name of an ISO 3166-1 alpha-3 code; the code itself if unknown."""
    country = _countries()[0].get(alpha3.strip().upper()) if alpha3 else None
    return country.name if country else alpha3


def country_alpha3_from_numeric(numeric: str) -> str | None:
    """The alpha-3 code of an ISO 3166-1 numeric code ("840" → "USA"); None if unknown."""
    country = _countries()[1].get(numeric)
    return country.alpha3 if country else None


# --- GB 11643 -----------------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_EARLIEST_BIRTH = dt.date(1880, 1, 1)
_EIGHTEEN = re.compile(r"[0-9]{17}[0-9X]")
_HMT = re.compile(r"(810000|820000|830000)[0-9]{11}[0-9X]")
_HK_MO_TRAVEL = re.compile(r"[HM]([0-9]{8}|[0-9]{10})")
_TW_TRAVEL = re.compile(r"[0-9]{8}")
_PR_NEW = re.compile(r"9[0-9]{16}[0-9X]")
_PR_OLD = re.compile(r"[A-Z]{3}[0-9]{12}")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
_SPACES = re.compile(r"\s+")
# The last day old-format (15-character) permanent residence cards were issued.
_PR_OLD_LAST_ISSUE = dt.date(2023, 11, 30)


def gb11643_check_character(first17: str) -> str:
    """The 18th character of a GB 11643 number (ISO 7064 MOD 11-2)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True)
    )
    return _CHECK_CHARACTERS[total % 11]


def document_normalise(number: str) -> str:
    """The number without any white space, upper case ("11010519491231002x" → …02X)."""
    return _SPACES.sub("", number or "").upper()


def _today(today: dt.date | None) -> dt.date:
    if today is not None:
        return today
    return clock.today()


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _birth_date(yyyymmdd: str, today: dt.date) -> dt.date | None:
    """The birth date if it is a real date from 1880-01-01 up to today; else None."""
    born = _date_or_none(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    if born is None or born < _EARLIEST_BIRTH or born > today:
        return None
    return born


def _sex(sequence_digit: str) -> Sex:
    return "male" if int(sequence_digit) % 2 else "female"


def _id_error(reason: str, message: str | Promise) -> InvalidInput:
    return InvalidInput("invalid_id_number", message, fields={"number": reason})


def _document_error(reason: str, message: str | Promise) -> InvalidInput:
    return InvalidInput("invalid_document", message, fields={"number": reason})


def _validate_resident_id(number: str, today: dt.date) -> DocumentFacts:
    if not _EIGHTEEN.fullmatch(number):
        raise _id_error(
            "format",
            _(
                "居民身份证号码格式不对：应为 18 位，前 17 位是数字，最后一位是数字或 X。"
            ),
        )
    if number[:2] in ("81", "82", "83"):
        raise _id_error(
            "residence_permit",
            _(
                "以 81、82、83 开头的是港澳台居民居住证号码，请选择证件类型“港澳台居民居住证”。"
            ),
        )
    if (
        number[0] == "9"
        and regions.exists(number[1:3] + "0000")
        and country_alpha3_from_numeric(number[3:6]) is not None
    ):
        raise _id_error(
            "permanent_residence",
            _(
                "以 9 开头的是外国人永久居留身份证号码，请选择证件类型“外国人永久居留身份证”。"
            ),
        )
    if gb11643_check_character(number[:17]) != number[17]:
        raise _id_error(
            "check_character",
            _("居民身份证号码最后一位校验码不对，请逐位核对号码。"),
        )
    born = _birth_date(number[6:14], today)
    if born is None:
        raise _id_error(
            "birth_date",
            _(
                "居民身份证号码第 7–14 位的出生日期 %(date)s 无效：须是 1880 年以来、不晚于今天的真实日期。"
            )
            % {"date": number[6:14]},
        )
    if not regions.exists(number[:6]):
        raise _id_error(
            "region",
            _(
                "居民身份证号码前 6 位 %(code)s 不是现有或曾有的行政区划代码，请核对号码。"
            )
            % {"code": number[:6]},
        )
    return DocumentFacts(
        doc_type=DocumentType.RESIDENT_ID.value,
        number=number,
        birth_date=born,
        sex=_sex(number[16]),
        region_code=number[:6],
        nationality="CHN",
    )


def _validate_hmt_permit(number: str, today: dt.date) -> DocumentFacts:
    if not _HMT.fullmatch(number):
        raise _document_error(
            "format",
            _(
                "港澳台居民居住证号码格式不对：应为 18 位，以 810000（香港）、820000（澳门）或 830000（台湾）开头，最后一位是数字或 X。"
            ),
        )
    if gb11643_check_character(number[:17]) != number[17]:
        raise _document_error(
            "check_character",
            _("港澳台居民居住证号码最后一位校验码不对，请逐位核对号码。"),
        )
    born = _birth_date(number[6:14], today)
    if born is None:
        raise _document_error(
            "birth_date",
            _(
                "港澳台居民居住证号码第 7–14 位的出生日期 %(date)s 无效：须是 1880 年以来、不晚于今天的真实日期。"
            )
            % {"date": number[6:14]},
        )
    return DocumentFacts(
        doc_type=DocumentType.HMT_RESIDENCE_PERMIT.value,
        number=number,
        birth_date=born,
        sex=_sex(number[16]),
        region_code=number[:6],
        # Residents of Hong Kong, Macao and Taiwan are Chinese nationals.
        nationality="CHN",
    )


def _validate_hk_mo_travel(number: str) -> DocumentFacts:
    if not _HK_MO_TRAVEL.fullmatch(number):
        raise _document_error(
            "format",
            _(
                "港澳居民来往内地通行证号码格式不对：应为 H（香港）或 M（澳门）加 8 位数字，旧版本式证件为 H 或 M 加 10 位数字。"
            ),
        )
    return DocumentFacts(
        doc_type=DocumentType.HK_MO_TRAVEL_PERMIT.value,
        number=number,
        birth_date=None,
        sex=None,
        region_code=None,
        nationality="CHN",
    )


def _validate_tw_travel(number: str) -> DocumentFacts:
    if not _TW_TRAVEL.fullmatch(number):
        raise _document_error(
            "format",
            _("台湾居民来往大陆通行证号码格式不对：应为 8 位数字。"),
        )
    return DocumentFacts(
        doc_type=DocumentType.TW_TRAVEL_PERMIT.value,
        number=number,
        birth_date=None,
        sex=None,
        region_code=None,
        nationality="CHN",
    )


def _foreign_nationality(alpha3: str | None) -> str:
    """An ISO alpha-3 code other than CHN, or `invalid_document`."""
    code = (alpha3 or "").strip().upper()
    if not code:
        raise InvalidInput(
            "invalid_document",
            _("请填写国籍（ISO 3166-1 三位字母代码，如 USA）。"),
            fields={"nationality": "required"},
        )
    if not country_exists(code):
        raise InvalidInput(
            "invalid_document",
            _("国籍代码 %(code)s 不是 ISO 3166-1 三位字母国家代码。") % {"code": code},
            fields={"nationality": "unknown"},
        )
    if code == "CHN":
        raise InvalidInput(
            "invalid_document",
            _(
                "中国护照不是外国护照：中国公民请使用居民身份证，港澳台居民请使用居住证或通行证。"
            ),
            fields={"nationality": "chinese"},
        )
    return code


def _check_declared_nationality(declared: str | None, from_number: str) -> None:
    """A nationality given alongside a permanent residence number must agree with it.

    The number records the nationality at first issue; a holder whose nationality has
    changed since should have the card reissued, so a mismatch is refused.
    """
    if declared is None or not declared.strip():
        return
    if declared.strip().upper() != from_number:
        raise InvalidInput(
            "invalid_document",
            _("所填国籍 %(declared)s 与永久居留身份证号码中的国籍 %(code)s 不一致。")
            % {"declared": declared.strip().upper(), "code": from_number},
            fields={"nationality": "mismatch"},
        )


def _validate_permanent_residence_new(
    number: str, nationality: str | None, today: dt.date
) -> DocumentFacts:
    """2023 edition: 9, province (2), ISO numeric nationality (3), YYYYMMDD, seq (3), check."""
    if gb11643_check_character(number[:17]) != number[17]:
        raise _document_error(
            "check_character",
            _("外国人永久居留身份证号码最后一位校验码不对，请逐位核对号码。"),
        )
    province = number[1:3] + "0000"
    if not regions.exists(province):
        raise _document_error(
            "region",
            _("外国人永久居留身份证号码第 2–3 位 %(code)s 不是省级行政区划代码。")
            % {"code": number[1:3]},
        )
    alpha3 = country_alpha3_from_numeric(number[3:6])
    if alpha3 is None or alpha3 == "CHN":
        raise _document_error(
            "nationality",
            _("外国人永久居留身份证号码第 4–6 位 %(code)s 不是外国的国家数字代码。")
            % {"code": number[3:6]},
        )
    born = _birth_date(number[6:14], today)
    if born is None:
        raise _document_error(
            "birth_date",
            _(
                "外国人永久居留身份证号码第 7–14 位的出生日期 %(date)s 无效：须是 1880 年以来、不晚于今天的真实日期。"
            )
            % {"date": number[6:14]},
        )
    _check_declared_nationality(nationality, alpha3)
    return DocumentFacts(
        doc_type=DocumentType.PERMANENT_RESIDENCE.value,
        number=number,
        birth_date=born,
        # By analogy with GB 11643 (the notice says the number follows it): odd = male.
        sex=_sex(number[16]),
        region_code=province,
        nationality=alpha3,
    )


def _validate_permanent_residence_old(
    number: str, nationality: str | None, today: dt.date
) -> DocumentFacts:
    """2004/2017 editions: alpha-3 nationality + 12 digits.

    Certain (NIA 2023 notice): 3 Latin letters for the nationality, then 12 digits.
    From public code only (howardli/CredentialKit), not from an official text: digits
    4–7 the receiving office's place code (2-digit province first), 8–13 the birth date
    YYMMDD, 14 a sequence digit, 15 a check digit (ICAO 7-3-1 over the first 14).
    Enforced: a real alpha-3 code other than CHN, an existing province code, and a
    birth date YYMMDD that is a real date in 19YY or 20YY. Not enforced: the check digit
    and the sex digit (uncertain). The century is guessed: 20YY when that date is not
    after the last old-format issue (2023-11-30) nor today, else 19YY.
    """
    alpha3 = number[:3]
    if not country_exists(alpha3) or alpha3 == "CHN":
        raise _document_error(
            "nationality",
            _("外国人永久居留身份证号码前 3 位 %(code)s 不是外国的国家字母代码。")
            % {"code": alpha3},
        )
    if not regions.exists(number[3:5] + "0000"):
        raise _document_error(
            "region",
            _("外国人永久居留身份证号码第 4–5 位 %(code)s 不是省级行政区划代码。")
            % {"code": number[3:5]},
        )
    yy, mm, dd = int(number[7:9]), int(number[9:11]), int(number[11:13])
    latest = min(today, _PR_OLD_LAST_ISSUE)
    born = _date_or_none(2000 + yy, mm, dd)
    if born is None or born > latest:
        born = _date_or_none(1900 + yy, mm, dd)
    if born is None or born > today:
        raise _document_error(
            "birth_date",
            _("外国人永久居留身份证号码第 8–13 位的出生日期 %(date)s 无效。")
            % {"date": number[7:13]},
        )
    _check_declared_nationality(nationality, alpha3)
    return DocumentFacts(
        doc_type=DocumentType.PERMANENT_RESIDENCE.value,
        number=number,
        birth_date=born,
        sex=None,
        region_code=number[3:5] + "0000",
        nationality=alpha3,
    )


def _validate_permanent_residence(
    number: str, nationality: str | None, today: dt.date
) -> DocumentFacts:
    if _PR_NEW.fullmatch(number):
        return _validate_permanent_residence_new(number, nationality, today)
    if _PR_OLD.fullmatch(number):
        return _validate_permanent_residence_old(number, nationality, today)
    raise _document_error(
        "format",
        _(
            "外国人永久居留身份证号码格式不对：新版为 9 开头的 18 位（最后一位可为 X），旧版为 3 位字母加 12 位数字。"
        ),
    )


def _validate_passport(number: str, nationality: str | None) -> DocumentFacts:
    code = _foreign_nationality(nationality)
    if not _PASSPORT.fullmatch(number):
        raise _document_error(
            "format",
            _("护照号码格式不对：应为 5–20 位字母或数字。"),
        )
    return DocumentFacts(
        doc_type=DocumentType.PASSPORT.value,
        number=number,
        birth_date=None,
        sex=None,
        region_code=None,
        nationality=code,
    )


def document_validate(
    doc_type: str,
    number: str,
    *,
    nationality: str | None = None,
    today: dt.date | None = None,
) -> DocumentFacts:
    """The facts a well-formed document number carries; `InvalidInput` (422) otherwise.

    Resident ID errors have the code `invalid_id_number`, all others `invalid_document`;
    `fields["number"]` (or `fields["nationality"]`) names the part that is wrong.
    """
    normalised = document_normalise(number) if isinstance(number, str) else ""
    if doc_type == DocumentType.RESIDENT_ID:
        return _validate_resident_id(normalised, _today(today))
    if doc_type == DocumentType.HMT_RESIDENCE_PERMIT:
        return _validate_hmt_permit(normalised, _today(today))
    if doc_type == DocumentType.HK_MO_TRAVEL_PERMIT:
        return _validate_hk_mo_travel(normalised)
    if doc_type == DocumentType.TW_TRAVEL_PERMIT:
        return _validate_tw_travel(normalised)
    if doc_type == DocumentType.PERMANENT_RESIDENCE:
        return _validate_permanent_residence(normalised, nationality, _today(today))
    if doc_type == DocumentType.PASSPORT:
        return _validate_passport(normalised, nationality)
    raise InvalidInput(
        "invalid_document",
        _("不支持的证件类型 %(type)s。") % {"type": doc_type},
        fields={"doc_type": "unknown"},
    )


_SIX_FOUR_TYPES = frozenset(
    {DocumentType.RESIDENT_ID.value, DocumentType.HMT_RESIDENCE_PERMIT.value}
)


def document_mask(doc_type: str, number: str) -> str:
    """The number for display with its middle hidden.

    GB 11643-style 18-character numbers (resident ID, HMT permit, 2023 permanent
    residence) keep the first 6 and last 4: 310115********0112. Others keep the first 2
    and last 2: E1*****78.
    """
    value = document_normalise(number)
    six_four = doc_type in _SIX_FOUR_TYPES or (
        doc_type == DocumentType.PERMANENT_RESIDENCE and len(value) == 18
    )
    head, tail = (6, 4) if six_four else (2, 2)
    if len(value) <= head + tail:
        # Too short to show both ends and still hide something: show the end only.
        keep = min(tail, max(len(value) - 2, 0))
        return "*" * (len(value) - keep) + value[len(value) - keep :]
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]
