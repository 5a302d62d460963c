"""Reads of the catalogue: search with filters, guides, departments, windows and bundles."""

import difflib
import functools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban import regions
from tongban.catalog import referrals, search
from tongban.catalog.constants import (
    ApprovalMode,
    Channel,
    ResultDelivery,
    SubjectType,
)
from tongban.catalog.models import (
    Collection,
    Department,
    Referral,
    ServiceItem,
    ServiceVersion,
    Synonym,
)
from tongban.core.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ServiceFilters:
    department: str = ""
    district: str = ""
    subject: str = ""
    mode: str = ""
    channel: str = ""
    no_visit: bool | None = None


@dataclass(frozen=True)
class DepartmentName:
    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class DistrictOption:
    """One implementation of a basic item, as a choice of district (read as values)."""

    pk: int
    code: str
    basic_code: str
    region: str
    department: DepartmentName

    @classmethod
    def of(cls, item: ServiceItem) -> "DistrictOption":
        department = item.department
        return cls(
            item.pk,
            item.code,
            item.basic_code,
            item.region,
            DepartmentName(department.code, department.name, department.name_en),
        )


@dataclass
class ServiceGroup:
    """One basic item found: the implementation shown first and every district's."""

    item: ServiceItem  # the person's district's when known, else the city's
    implementations: list[DistrictOption]  # every current one, city first, by region


@dataclass
class SearchResult:
    count: int  # basic items found (one per group, not per district)
    items: list[ServiceItem]  # the shown implementation of each group, in rank order
    suggestions: list[ServiceItem]  # near matches when nothing matched
    popular: list[ServiceItem]  # offered when nothing matched
    groups: list[ServiceGroup] = field(default_factory=list)  # beside `items`
    # What the English phrase typed means: handled elsewhere (visa), or searched as
    # the Chinese word (driving licence → 驾驶证).
    referrals: list[Referral] = field(default_factory=list)


def _no_visit() -> Q:
    """Done with no visit: no visit needed, applied online, result sent (derived, not stored)."""
    online = Q(channels__contains=f",{Channel.WEB},") | Q(
        channels__contains=f",{Channel.MOBILE},"
    )
    sent = Q(result_delivery__contains=f",{ResultDelivery.ELECTRONIC},") | Q(
        result_delivery__contains=f",{ResultDelivery.EXPRESS},"
    )
    return Q(visits=0) & online & sent


def is_no_visit(item: ServiceItem) -> bool:
    channels = set(item.channels.strip(",").split(","))
    deliveries = set(item.result_delivery.strip(",").split(","))
    return (
        item.visits == 0
        and bool(channels & {Channel.WEB, Channel.MOBILE})
        and bool(deliveries & {ResultDelivery.ELECTRONIC, ResultDelivery.EXPRESS})
    )


def _choice(value: str, choices: Any, field: str) -> str:
    if value and value not in choices.values:
        raise InvalidInput(
            "invalid_filter",
            _("%(field)s 只能是：%(values)s")
            % {"field": field, "values": ", ".join(choices.values)},
            fields={field: "choice"},
        )
    return value


def services_filtered(filters: ServiceFilters) -> QuerySet[ServiceItem]:
    """Current implementations matching the filters, departments joined."""
    queryset = ServiceItem.objects.filter(is_retired=False).select_related("department")
    if filters.department:
        queryset = queryset.filter(department__code=filters.department)
    if filters.district:
        region = regions.get(filters.district)
        if region is None:
            raise InvalidInput(
                "unknown_region",
                _("地区代码 %(code)s 不存在。") % {"code": filters.district},
                fields={"district": "unknown"},
            )
        # A district's residents use its own implementations and the city's.
        queryset = queryset.filter(region__in=regions.ancestors(region.code))
    if subject := _choice(filters.subject, SubjectType, "subject"):
        queryset = queryset.filter(subject_types__contains=f",{subject},")
    if mode := _choice(filters.mode, ApprovalMode, "mode"):
        queryset = queryset.filter(approval_modes__contains=f",{mode},")
    if channel := _choice(filters.channel, Channel, "channel"):
        queryset = queryset.filter(channels__contains=f",{channel},")
    if filters.no_visit is not None:
        queryset = (
            queryset.filter(_no_visit())
            if filters.no_visit
            else queryset.exclude(_no_visit())
        )
    return queryset


def _synonyms() -> dict[str, list[str]]:
    return dict(Synonym.objects.values_list("word", "targets"))


def _referrals_for(text: str) -> tuple[str, list[Referral]]:
    """The terms an English phrase in `text` names, and the text to search instead."""
    terms = list(Referral.objects.all())
    phrases = {
        referrals.phrase_key(phrase): term.key
        for term in terms
        for phrase in term.phrases
    }
    keys = referrals.terms_matching(text, phrases)
    if not keys:
        return text, []
    by_key = {term.key: term for term in terms}
    typed = f" {referrals.phrase_key(text)} "
    for phrase in sorted(phrases, key=len, reverse=True):
        replacement = by_key[phrases[phrase]].search
        if replacement and phrases[phrase] in keys:
            typed = typed.replace(f" {phrase} ", f" {replacement} ")
    searched = " ".join(typed.split())
    # A Chinese text is searched as typed; an English phrase as its Chinese words.
    return (searched if text.isascii() else text), [by_key[key] for key in keys]


def _rank(item: ServiceItem, text: str, score: float) -> tuple[int, int, float]:
    """Exact name, then name prefix, name contains, other words; then popular, then score."""
    name = search.normalise(item.name)
    english = search.normalise(item.name_en)
    if text in (name, english):
        tier = 0
    elif name.startswith(text) or english.startswith(text):
        tier = 1
    elif text in name or (text and text in english):
        tier = 2
    else:
        tier = 3
    return (tier, -item.popularity, -score)


@functools.cache
def _region_depth(code: str) -> int:
    """1 for a province, 2 for a city, 3 for a district: the city's comes first."""
    return len(regions.ancestors(code)) or 9


def _preferred(options: list[DistrictOption], district: str) -> DistrictOption:
    """The district's own, else the highest (the city's)."""
    for option in options:
        if district and option.region == district:
            return option
    return options[0]


def _groups(
    ranked: list[DistrictOption],
    *,
    district: str,
    limit: int,
    offset: int,
    fetched: dict[int, ServiceItem],
) -> tuple[int, list[ServiceGroup]]:
    """Implementations found, best first → the page of groups, one per basic item.

    A group stands where its best-ranked implementation stood; its choice of districts
    is the implementations found — all of them for a text (they share their words), the
    district's and the city's under a district filter. No query beyond the shown rows.
    """
    order = list(dict.fromkeys(option.basic_code for option in ranked))
    page = order[offset : offset + limit]
    by_basic: dict[str, list[DistrictOption]] = {code: [] for code in page}
    for option in ranked:
        if option.basic_code in by_basic:
            by_basic[option.basic_code].append(option)
    chosen: list[tuple[int, list[DistrictOption]]] = []
    for code in page:
        options = sorted(
            by_basic[code],
            key=lambda option: (
                _region_depth(option.region),
                option.region,
                option.code,
            ),
        )
        shown = _preferred(options, district)
        # the district shown leads its choice: the searcher's, else the city's
        options = [shown, *(option for option in options if option is not shown)]
        chosen.append((shown.pk, options))
    missing = [pk for pk, _options in chosen if pk not in fetched]
    items = {
        **fetched,
        **ServiceItem.objects.select_related("department").in_bulk(missing),
    }
    return len(order), [ServiceGroup(items[pk], options) for pk, options in chosen]


def _grouped_result(
    ranked: list[DistrictOption],
    *,
    district: str,
    limit: int,
    offset: int,
    fetched: dict[int, ServiceItem] | None = None,
) -> SearchResult:
    count, groups = _groups(
        ranked, district=district, limit=limit, offset=offset, fetched=fetched or {}
    )
    return SearchResult(count, [group.item for group in groups], [], [], groups)


def service_search(
    *,
    text: str,
    filters: ServiceFilters,
    limit: int = 20,
    offset: int = 0,
    prefer_district: str = "",
) -> SearchResult:
    """Search by any name people type; filters narrow; nothing found offers suggestions.

    Results are basic items: the implementations of one item in several districts are
    one group, shown by the filtered district's implementation, else by the district the
    searcher is known to belong to (`prefer_district`: it orders, it never filters), else
    by the city's.
    """
    district = filters.district or prefer_district
    queryset = services_filtered(filters)
    text = search.normalise(text)
    if not text:
        rows = queryset.order_by("-popularity", "code").values_list(
            "pk",
            "code",
            "basic_code",
            "region",
            "department__code",
            "department__name",
            "department__name_en",
        )
        ranked = [
            DistrictOption(pk, code, basic_code, region, DepartmentName(*department))
            for pk, code, basic_code, region, *department in rows
        ]
        return _grouped_result(ranked, district=district, limit=limit, offset=offset)
    text, found_referrals = _referrals_for(text)
    query = search.parse_query(text, _synonyms())
    scores = dict(search.index_match(query.groups, every=True))
    if not scores and len(query.groups) > 1:
        scores = dict(search.index_match(query.groups, every=False))
    candidates = list(queryset.filter(pk__in=list(scores)))
    candidates.sort(key=lambda item: _rank(item, text, scores[item.pk]))
    if candidates:
        result = _grouped_result(
            [DistrictOption.of(item) for item in candidates],
            fetched={item.pk: item for item in candidates},
            district=district,
            limit=limit,
            offset=offset,
        )
    else:
        result = SearchResult(
            0, [], _near_matches(text, queryset), popular_services(limit=6)
        )
    result.referrals = found_referrals
    return result


def _similarity(text: str, name: str) -> float:
    """How close `text` is to the best same-length stretch of `name` (typos, a word short)."""
    width = len(text)
    if not name or not width:
        return 0.0
    windows = [
        name[start : start + width] for start in range(max(1, len(name) - width + 1))
    ]
    return max(
        difflib.SequenceMatcher(None, text, window).ratio() for window in windows
    )


def _near_matches(
    text: str, queryset: QuerySet[ServiceItem], limit: int = 5
) -> list[ServiceItem]:
    """Services whose name looks like what was typed, most alike first.

    Compared once per distinct name (the same item in many districts shares one), so the
    cost follows the size of the vocabulary, not of the catalogue.
    """
    best_by_name: dict[str, tuple[int, int]] = {}  # name → (item id, popularity)
    rows = queryset.order_by("-popularity", "code").values_list(
        "pk", "popularity", "name", "name_en"
    )
    for pk, popularity, *item_names in rows:
        for name in item_names:
            if name:
                best_by_name.setdefault(search.normalise(name), (pk, popularity))
    scored = sorted(
        (
            (_similarity(text, name), pk, popularity)
            for name, (pk, popularity) in best_by_name.items()
        ),
        key=lambda entry: (-entry[0], -entry[2]),
    )
    chosen: list[int] = []
    for score, pk, _popularity in scored:
        if score < 0.6 or len(chosen) == limit:
            break
        if pk not in chosen:
            chosen.append(pk)
    found = ServiceItem.objects.select_related("department").in_bulk(chosen)
    return [found[pk] for pk in chosen]


def district_of(acting: Any, person: Any) -> str:
    """The district a searcher is known to belong to, to show its implementations first:
    the registered district of the company they act for, else the region of the resident
    ID of the person they act for (or their own) — the place of household registration,
    visible in the masked number. "" when nothing says. Duck-typed: the catalogue sits
    below accounts, which gives the page these objects."""
    company = getattr(acting, "company", None)
    if company is not None:
        return str(getattr(company, "region_code", "") or "")
    someone = getattr(acting, "person", None) or person
    if someone is not None and getattr(someone, "doc_type", "") == "resident_id":
        return str(getattr(someone, "doc_masked", ""))[:6]
    return ""


def popular_services(*, limit: int = 8, prefer_district: str = "") -> list[ServiceItem]:
    """The most used services, one per basic item (居住证新办 once, not once per district):
    an item ranks by its most used implementation and shows the searcher's district's
    implementation, else the city's. Read from the most used rows only, so the home page
    costs the same however large the catalogue."""
    rows = (
        ServiceItem.objects.filter(is_retired=False)
        .order_by("-popularity", "code")
        .values_list("pk", "basic_code", "region")[: limit * 6]
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, basic_code, region in rows:
        groups.setdefault(basic_code or str(pk), []).append((pk, region))
    chosen = []
    for options in list(groups.values())[:limit]:
        own = [
            pk
            for pk, region in options
            if prefer_district and region == prefer_district
        ]
        city = sorted(options, key=lambda option: (_region_depth(option[1]), option[1]))
        chosen.append(own[0] if own else city[0][0])
    found = ServiceItem.objects.select_related("department").in_bulk(chosen)
    return [found[pk] for pk in chosen]


def service_get(*, code: str) -> ServiceItem:
    """An implementation by code, retired ones included (they stay readable)."""
    item = (
        ServiceItem.objects.select_related(
            "department", "current", "department__parent"
        )
        .filter(code=code)
        .first()
    )
    if item is None or item.current is None:
        raise NotFound(
            "service_not_found", _("没有编码为 %(code)s 的服务事项。") % {"code": code}
        )
    return item


def service_version_get(*, code: str, number: int) -> ServiceVersion:
    version = (
        ServiceVersion.objects.filter(item__code=code, number=number)
        .select_related("item")
        .first()
    )
    if version is None:
        raise NotFound(
            "version_not_found",
            _("服务事项 %(code)s 没有第 %(number)s 版。")
            % {"code": code, "number": number},
        )
    return version


def service_other_districts(*, item: ServiceItem) -> list[ServiceItem]:
    """The same basic item as implemented elsewhere, to switch district on a guide."""
    return list(
        ServiceItem.objects.filter(basic_code=item.basic_code, is_retired=False)
        .select_related("department")
        .order_by("region", "code")
    )


def departments_list() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("region", "code")


def department_get(*, code: str) -> Department:
    department = Department.objects.filter(code=code).select_related("parent").first()
    if department is None:
        raise NotFound(
            "department_not_found", _("没有代码为 %(code)s 的部门。") % {"code": code}
        )
    return department


def collections_list(*, kind: str) -> QuerySet[Collection]:
    return Collection.objects.filter(kind=kind).order_by("position")


def collection_get(*, kind: str, key: str) -> tuple[Collection, list[ServiceItem]]:
    collection = Collection.objects.filter(kind=kind, key=key).first()
    if collection is None:
        raise NotFound("not_found", _("没有找到 %(key)s。") % {"key": key})
    items = [
        link.item
        for link in collection.collectionservice_set.select_related(
            "item__department"
        ).filter(item__is_retired=False)
    ]
    return collection, items
