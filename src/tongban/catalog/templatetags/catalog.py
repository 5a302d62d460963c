"""Template helpers of the catalogue: vocabulary labels and names in the reader's language."""

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils import translation

from tongban import regions
from tongban.catalog import constants, contact
from tongban.workdays.constants import limit_phrase

register = template.Library()

VOCABULARIES: dict[str, Any] = {
    "mode": constants.ApprovalMode,
    "channel": constants.Channel,
    "delivery": constants.ResultDelivery,
    "subject": constants.SubjectType,
    "case_type": constants.CaseType,
    "item_type": constants.ItemType,
    "level": constants.Level,
    "body": constants.BodyNature,
    "scope": constants.CrossRegionScope,
    "pause": constants.PauseReason,
    "form": constants.MaterialForm,
    "medium": constants.Medium,
    "source": constants.MaterialSource,
    "role": constants.StaffRole,
    "step": constants.WorkflowStep,
}


@register.filter
def label(value: str, vocabulary: str) -> str:
    """`{{ "commitment"|label:"mode" }}` → 告知承诺 / its English label."""
    choices = VOCABULARIES[vocabulary]
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def values(bounded: str) -> list[str]:
    """The values of a comma-bounded column (",web,mobile,")."""
    return [value for value in bounded.strip(",").split(",") if value]


@register.filter
def local_name(thing: Any) -> str:
    """The English name on English pages when there is one, else the Chinese name."""
    english = getattr(thing, "name_en", "") or (
        thing.get("name_en") if isinstance(thing, dict) else ""
    )
    if translation.get_language() == "en" and english:
        return str(english)
    return str(
        getattr(thing, "name", "")
        or (thing.get("name") if isinstance(thing, dict) else "")
    )


@register.filter
def limit(value: dict[str, Any] | None) -> str:
    """A limit `{"value": 20, "unit": "working_days"}` as people say it."""
    if not value:
        return ""
    return limit_phrase(int(value["value"]), value["unit"])


@register.filter
def region_name(region: Any) -> str:
    """A region (`regions.Region`) by its English name on English pages where known."""
    if translation.get_language() == "en":
        english = regions.english_name(region.code)
        if english:
            return english
    return str(region.name)


@register.filter
def district_name(item: Any) -> str:
    """Where an implementation is handled: the district's name, or its office in English.

    The GB/T 2260 table has Chinese names only; the department's English name says the
    place on English pages.
    """
    region = regions.get(item.region)
    if translation.get_language() == "en" and item.department.name_en:
        return str(item.department.name_en)
    return region.name if region else str(item.region)


@register.filter
def hours_lines(hours: str) -> list[str]:
    """A department's opening hours (`Mo-Fr 09:00-17:00; PH off`) as people say them,
    one line per rule, in the reader's language."""
    return contact.hours_lines(hours or "")


@register.filter
def host(url: str) -> str:
    """The site a link goes to (english.shanghai.gov.cn), to name a source briefly."""
    return urlsplit(url).hostname or url


# Punctuation between translated pieces: full-width in Chinese, ASCII with its spaces in
# English (a template that wrote ：or （…） between two translations left them in English).


def _english() -> bool:
    return translation.get_language() == "en"


@register.simple_tag
def colon() -> str:
    """`{% translate "签发机关" %}{% colon %}{{ issuer }}` → 签发机关：… / Issued by: …"""
    return ": " if _english() else "："


@register.filter
def parenthesized(value: Any) -> str:
    """`{{ note|parenthesized }}` → （note） in Chinese, ` (note)` in English."""
    return f" ({value})" if _english() else f"（{value}）"


@register.filter
def joined(values: Any) -> str:
    """A list as people write one: 甲、乙 in Chinese, `a, b` in English."""
    return (", " if _english() else "、").join(str(value) for value in values)


@register.filter
def issuer_name(issuer: str) -> str:
    """Who issues a material, by its English name on English pages where the issuer is
    a department of the catalogue; other issuers keep the name the catalogue gives."""
    if not issuer or not _english():
        return issuer
    # cycle-free: the templatetags sit above the models they read
    from tongban.catalog.models import Department

    english = (
        Department.objects.filter(name=issuer.strip())
        .values_list("name_en", flat=True)
        .first()
    )
    return str(english or issuer)


@register.simple_tag
def list_comma() -> str:
    """Between the items of a list a template loops over: 、 in Chinese, `, ` in English."""
    return ", " if _english() else "、"


@register.filter
def principal_name(principal: Any) -> str:
    """Whom one acts for (`accounts.selectors.Principal`), a company by its English name
    on English pages where it has one; a person by their name as written."""
    company = getattr(principal, "company", None)
    if company is not None and getattr(principal, "kind", "") == "company":
        return local_name(company)
    return str(getattr(principal, "label", ""))
