"""Nationality as people say it: country names in the page's language, mapped to the
ISO 3166-1 alpha-3 code the documents and registries use.

The names come from the `django-countries` package: its ISO 3166-1 list with common names
("United Kingdom", "South Korea") and its Simplified and Traditional Chinese catalogues.
The catalogues are read with Python's gettext from the package's own folder, so the
package needs no place in INSTALLED_APPS (it would bring 250 flag images to the static
files for nothing). Where its Chinese catalogue has no name for the common English one,
the ISO name or an older name is looked up there instead (Türkiye → Turkey → 土耳其); two
names it gets wrong are put right below (`_CHINESE_FIXED`).

Who is asked for a nationality (`NATIONALITY_ASKED`) and who is not: a resident ID card
and the Hong Kong, Macao and Taiwan residents' documents are held by Chinese nationals;
a foreigner's permanent residence ID card carries the nationality in its number (the
2023 card in digits 4–6 as the ISO numeric code, the older card in its first three
letters); only a foreign passport needs it said.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django_countries
from django.utils import translation
from django_countries.base import CountriesBase
from django_countries.data import ALT_CODES, COUNTRIES

from tongban.core.documents import DocumentType, country_exists

__all__ = [
    "CHINESE_NATIONALITY",
    "NATIONALITY_ASKED",
    "NATIONALITY_IN_NUMBER",
    "Country",
    "country_alpha3",
    "country_name",
    "country_options",
]

# Document types whose holder says their nationality, and those whose number says it.
NATIONALITY_ASKED: frozenset[str] = frozenset({DocumentType.PASSPORT.value})
NATIONALITY_IN_NUMBER: frozenset[str] = frozenset(
    {DocumentType.PERMANENT_RESIDENCE.value}
)
# Codes no foreign passport holder has: China, and its Hong Kong, Macao and Taiwan, whose
# residents register with a residence permit or travel permit instead.
CHINESE_NATIONALITY: frozenset[str] = frozenset({"CHN", "HKG", "MAC", "TWN"})

# Where the package's Chinese catalogue is wrong: Samoa is not American Samoa (both are
# 美属萨摩亚群岛 there), and Macedonia has been North Macedonia since 2019.
_CHINESE_FIXED = {"WS": "萨摩亚", "MK": "北马其顿"}
# Where its English name is not the one people use: Nauru's own name, Naoero.
_ENGLISH_FIXED = {"NR": "Nauru"}
# Names people type that are not a country's name in either list, each for one country.
_ALIASES = {
    "GBR": (
        "UK",
        "Britain",
        "Great Britain",
        "England",
        "Scotland",
        "Wales",
        "大不列颠",
    ),
    "USA": ("US", "America", "United States", "美利坚合众国"),
    "KOR": ("Korea", "Republic of Korea", "대한민국", "한국", "南韩", "大韩民国"),
    "DEU": ("Deutschland",),
    "JPN": ("日本国", "Nippon"),
}


@dataclass(frozen=True, slots=True)
class Country:
    alpha3: str
    english: str
    chinese: str

    def name(self, language: str | None) -> str:
        return self.english if language == "en" else self.chinese


def _key(text: str) -> str:
    """What a typed name is compared by: full-width folded (NFKC), accents and case
    dropped, punctuation and spaces ignored ("Côte d’Ivoire" = "cote divoire")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    bare = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", folded)
        if not unicodedata.combining(ch)
    )
    bare = re.sub(r"^the\s+|\s*\(the\)", "", bare.strip())
    return re.sub(r"[\s.,'’()\[\]·・-]+", "", bare)


@cache
def _catalogues() -> tuple[gettext.NullTranslations, gettext.NullTranslations]:
    folder = Path(django_countries.__file__).parent / "locale"
    return (
        gettext.translation("django", folder, languages=["zh_Hans"]),
        gettext.translation("django", folder, languages=["zh_Hant"]),
    )


@cache
def _table() -> tuple[dict[str, Country], dict[str, str]]:
    """(countries by alpha-3, alpha-3 by every name and code a person may type)."""
    simplified, traditional = _catalogues()
    with translation.override(None):  # the package's names as written: English
        iso = {code: str(name) for code, name in COUNTRIES.items()}
        common = {code: str(name) for code, name in CountriesBase.COMMON_NAMES.items()}
        old = {
            code: [str(name) for name in names]
            for code, names in CountriesBase.OLD_NAMES.items()
        }
    by_alpha3: dict[str, Country] = {}
    by_key: dict[str, str] = {}
    for alpha2, iso_name in iso.items():
        alpha3 = ALT_CODES[alpha2][0]
        if not country_exists(alpha3):  # the documents know every code; never skipped
            continue
        english_names = [common.get(alpha2, iso_name), iso_name, *old.get(alpha2, [])]
        chinese = _CHINESE_FIXED.get(alpha2) or next(
            (
                simplified.gettext(name)
                for name in english_names
                if simplified.gettext(name) != name
            ),
            english_names[0],
        )
        country = Country(
            alpha3=alpha3,
            english=_ENGLISH_FIXED.get(alpha2, english_names[0]).strip(),
            chinese=chinese.strip(),
        )
        by_alpha3[alpha3] = country
        spellings = [
            alpha3,
            country.english,
            country.chinese,
            *english_names,
            *(traditional.gettext(name) for name in english_names),
            *_ALIASES.get(alpha3, ()),
        ]
        for spelling in spellings:
            by_key.setdefault(_key(spelling), alpha3)
    return by_alpha3, by_key


def country_alpha3(text: str | None) -> str | None:
    """The alpha-3 code of a country as typed — its name in Chinese or English (either,
    on any page), a common other name ("UK", "韩国"), or the code itself ("gbr");
    None when it names no country."""
    if not text or not text.strip():
        return None
    return _table()[1].get(_key(text))


def country_name(alpha3: str, language: str | None = None) -> str:
    """The country's name in `language` (the active one if None); the code if unknown."""
    country = _table()[0].get(alpha3.strip().upper())
    if country is None:
        return alpha3
    return country.name(language or translation.get_language())


@cache
def _options(language: str) -> tuple[Country, ...]:
    countries = [
        country
        for alpha3, country in _table()[0].items()
        if alpha3 not in CHINESE_NATIONALITY
    ]
    if language == "en":
        return tuple(sorted(countries, key=lambda c: _key(c.english)))
    from pypinyin import lazy_pinyin  # its tables load only when a list is first made

    return tuple(sorted(countries, key=lambda c: (lazy_pinyin(c.chinese), c.chinese)))


def country_options(language: str | None = None) -> tuple[Country, ...]:
    """The countries a foreign passport may be of, in the order of `language`: English
    alphabetically, Chinese by pinyin."""
    return _options("en" if (language or translation.get_language()) == "en" else "zh")
