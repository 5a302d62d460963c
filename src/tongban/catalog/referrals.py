"""Phrases people type (mostly English), as catalogue data: what they find here, or who handles it.

"driver's license" is searched as 驾驶证; "visa" is not handled on the platform, and the
answer names the office that handles it. The schema of `catalog/referrals.yaml` lives
here, beside the matching, because it is read by both the loader and search.
"""

import re
from typing import Annotated

from pydantic import Field

from tongban.catalog.schema import Strict, Text, Url

_CJK = re.compile(r"[\u3400-\u9fff]")

Phrase = Annotated[str, Field(min_length=2, max_length=60)]


class Office(Strict):
    name: Annotated[str, Field(min_length=2, max_length=200)]
    name_en: Annotated[str, Field(min_length=2, max_length=200)]
    address: Text = ""
    address_en: Text = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    url: Url | None = None
    # True where a value is a stand-in, not taken from the office's published page.
    is_demo: bool = False
    source: Text = ""


class Term(Strict):
    """Phrases and what they mean: words to search instead, and/or an office elsewhere."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=63)]
    phrases: list[Phrase] = Field(min_length=1)
    search: Annotated[str, Field(max_length=100)] = ""  # searched instead, e.g. 驾驶证
    # Said when the phrase asks for something handled elsewhere (visa), or partly so.
    notice: Text = ""
    notice_en: Text = ""
    office: Office | None = None


class ReferralsFile(Strict):
    terms: list[Term] = []


def phrase_key(text: str) -> str:
    """A phrase as compared: lower case, letters and digits only, one space between words.

    "Driver's License" and "drivers license" both become "drivers license".
    """
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.findall(r"[a-z0-9\u3400-\u9fff]+", text))


def terms_matching(text: str, phrases: dict[str, str]) -> list[str]:
    """The keys of the terms whose phrase is `text` or stands in it as whole words.

    `phrases` maps each phrase_key to its term's key; longer phrases win over the shorter
    ones inside them ("work permit" is not also "permit"). A Chinese phrase (签证) has
    no spaces around it and is found anywhere in the text (办签证).
    """
    typed = f" {phrase_key(text)} "
    found: list[str] = []
    taken: list[str] = []
    for phrase in sorted(phrases, key=len, reverse=True):
        needle = phrase if _CJK.search(phrase) else f" {phrase} "
        if needle in typed and not any(phrase in longer for longer in taken):
            taken.append(phrase)
            if phrases[phrase] not in found:
                found.append(phrases[phrase])
    return found
