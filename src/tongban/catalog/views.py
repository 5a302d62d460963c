"""Catalogue pages: search results, guides, departments, topic windows and bundles."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban import regions
from tongban.catalog import selectors
from tongban.catalog.constants import ApprovalMode, Channel, SubjectType
from tongban.catalog.models import Collection, Department
from tongban.catalog.selectors import ServiceFilters
from tongban.core.errors import DomainError, NotFound

PAGE_SIZE = 20

# The guide's sections, by the id of their heading; a guide of this many sections or more
# opens with a contents list of links to them (as GOV.UK's guides do).
GUIDE_SECTIONS: list[tuple[str, Promise]] = [
    ("about", _("事项说明")),
    ("who", _("谁可以申请")),
    ("materials", _("申请材料")),
    ("time", _("办理时限")),
    ("fee", _("收费")),
    ("how", _("怎么办")),
    ("contact", _("办理地点和咨询")),
    ("faq", _("常见问题")),
]
CONTENTS_FROM_SECTIONS = 5


def _guide_contents(
    content: dict[str, Any], department: Department
) -> list[tuple[str, Promise]]:
    """The sections this guide shows (as guide.html decides), when there are enough."""
    shown = {"about", "who", "materials", "time", "fee", "how"}
    if department.has_contact:
        shown.add("contact")
    if content.get("faq") or (content.get("guide_en") or {}).get("faq"):
        shown.add("faq")
    sections = [(anchor, title) for anchor, title in GUIDE_SECTIONS if anchor in shown]
    return sections if len(sections) >= CONTENTS_FROM_SECTIONS else []


def _districts() -> list[regions.Region]:
    codes = sorted(set(selectors.departments_list().values_list("region", flat=True)))
    return [region for code in codes if (region := regions.get(code)) is not None]


def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    no_visit = request.GET.get("no_visit") == "1" or None
    filters = ServiceFilters(
        department=request.GET.get("department", ""),
        district=request.GET.get("district", ""),
        subject=request.GET.get("subject", ""),
        mode=request.GET.get("mode", ""),
        channel=request.GET.get("channel", ""),
        no_visit=no_visit,
    )
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    context: dict[str, Any] = {
        "text": text,
        "filters": filters,
        "departments": selectors.departments_list(),
        "districts": _districts(),
        "subjects": SubjectType.choices,
        "modes": ApprovalMode.choices,
        "channels": Channel.choices,
        "error": None,
    }
    try:
        result = selectors.service_search(
            text=text,
            filters=filters,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            prefer_district=selectors.district_of(
                getattr(request, "acting", None), getattr(request, "person", None)
            ),
        )
    except DomainError as error:
        context["error"] = error
        result = selectors.SearchResult(0, [], [], selectors.popular_services(limit=6))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        result=result,
        page=page,
        has_next=page * PAGE_SIZE < result.count,
        query_string=query.urlencode(),
    )
    # A filter changed: only the results. Back or Forward (htmx asks for the page again,
    # the search form being kept out of its history cache): the whole page, its form
    # set from the address.
    htmx = getattr(request, "htmx", None)
    template = (
        "catalog/_results.html"
        if htmx and not htmx.history_restore_request
        else "catalog/search.html"
    )
    return render(request, template, context)


def guide(request: HttpRequest, code: str) -> HttpResponse:
    try:
        item = selectors.service_get(code=code)
        version = item.current_version
        if "v" in request.GET:
            try:
                number = int(request.GET["v"])
            except ValueError:
                raise Http404 from None
            version = selectors.service_version_get(code=code, number=number)
    except NotFound as error:
        return render(request, "catalog/not_found.html", {"error": error}, status=404)
    return render(
        request,
        "catalog/guide.html",
        {
            "item": item,
            "version": version,
            "guide": version.content,
            "is_current": version.pk == item.current_id,
            "region": regions.get(item.region),
            "others": selectors.service_other_districts(item=item),
            "no_visit": selectors.is_no_visit(item),
            "contents": _guide_contents(version.content, item.department),
        },
    )


def departments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/departments.html",
        {"departments": selectors.departments_list()},
    )


def department(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = selectors.department_get(code=code)
    except NotFound as error:
        return render(request, "catalog/not_found.html", {"error": error}, status=404)
    items = selectors.services_filtered(ServiceFilters(department=code)).order_by(
        "-popularity", "name"
    )
    return render(
        request,
        "catalog/collection.html",
        {
            "title": found.name,
            "title_en": found.name_en,
            "description": found.description,
            "description_en": found.description_en,
            "items": items,
            "region": regions.get(found.region),
            "kind": "department",
            "department": found,
        },
    )


def _collection(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    try:
        collection, items = selectors.collection_get(kind=kind, key=key)
    except NotFound as error:
        return render(request, "catalog/not_found.html", {"error": error}, status=404)
    return render(
        request,
        "catalog/collection.html",
        {
            "title": collection.name,
            "title_en": collection.name_en,
            "description": collection.description,
            "description_en": collection.description_en,
            "items": items,
            "kind": kind,
        },
    )


def window(request: HttpRequest, key: str) -> HttpResponse:
    return _collection(request, Collection.Kind.WINDOW, key)


def bundle(request: HttpRequest, key: str) -> HttpResponse:
    return _collection(request, Collection.Kind.BUNDLE, key)
