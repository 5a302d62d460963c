"""JSON endpoints of the catalogue: search, guides, departments, windows and bundles."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.catalog import selectors
from tongban.catalog.models import Collection, Department, ServiceItem, ServiceVersion
from tongban.catalog.selectors import ServiceFilters
from tongban.core.paging import LIMIT_MAX, OFFSET_MAX

router = Router(tags=["catalog"])


class LimitOut(Schema):
    value: int
    unit: str = Field(description="working_days | calendar_days")


class DepartmentRef(Schema):
    code: str
    name: str
    name_en: str


class ContactOut(Schema):
    """Where, when and whom to ask: the department's service hall, hours and phone."""

    address: str
    address_en: str
    hours: str = Field(
        description="OpenStreetMap opening_hours syntax, e.g. "
        "'Mo-Fr 09:00-11:30,13:30-17:00; Sa 09:00-12:00; PH off' (PH off: closed on "
        "public holidays)"
    )
    phone: str = Field(description="as dialled in China: 021-12345678, 12345, 962222")
    sources: list[str] = Field(description="the public pages that give these values")
    is_demo: bool = Field(
        description="plausible stand-ins that no public source confirmed: not real"
    )


class ServiceOut(Schema):
    code: str
    basic_code: str
    name: str
    name_en: str
    department: DepartmentRef
    region: str
    subject_types: list[str]
    modes: list[str]
    channels: list[str]
    result_delivery: list[str]
    no_visit: bool
    case_type: str
    legal_limit: LimitOut | None
    promised_limit: LimitOut | None
    version: int
    is_retired: bool


class DistrictOut(Schema):
    code: str = Field(description="the implementation's code, to open its guide")
    region: str
    department: DepartmentRef


class ServiceFoundOut(ServiceOut):
    districts: list[DistrictOut] = Field(
        description="every district's implementation of this basic item, the city's "
        "first; the item itself is the filtered district's, else the city's"
    )


class OfficeOut(Schema):
    name: str
    name_en: str
    address: str = ""
    address_en: str = ""
    phone: str = ""
    url: str | None = None
    is_demo: bool = Field(False, description="a stand-in value, not yet checked")
    source: str = ""


class ReferralOut(Schema):
    key: str = Field(description="visa, passport, residence_permit, driving_licence …")
    search: str = Field(description="the words searched instead, if any")
    notice: str = Field(description="said when it is handled elsewhere, or partly")
    notice_en: str
    office: OfficeOut | None = Field(description="who handles it, when not here")


class ServiceListOut(Schema):
    count: int = Field(description="basic items found, one per item, not per district")
    items: list[ServiceFoundOut]
    suggestions: list[ServiceOut] = Field(
        description="near matches, when nothing matched"
    )
    popular: list[ServiceOut] = Field(
        description="popular services, when nothing matched"
    )
    referrals: list[ReferralOut] = Field(
        default_factory=list,
        description="what an English phrase typed means: searched as (驾驶证), or "
        "handled elsewhere and by whom (visa)",
    )


class MaterialOut(Schema):
    name: str
    name_en: str
    required: bool
    form: str
    copies: int
    medium: str
    issuer: str
    may_be_supplied_later: bool
    replaceable_by_commitment: bool
    source: str = Field(
        description="applicant, or the government dataset that holds it"
    )
    source_document: str
    blank_form_url: str | None
    sample_url: str | None


class ServiceGuideOut(ServiceOut):
    guide: dict[str, Any] = Field(description="the whole guide of the current version")
    materials: list[MaterialOut]
    other_districts: list[DepartmentRef] = Field(
        description="the same basic item elsewhere: code and name of each implementation"
    )
    contact: ContactOut = Field(description="where to go and whom to ask for this one")


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    region: str
    level: str
    parent: str | None
    contact: ContactOut


class DepartmentDetailOut(DepartmentOut):
    services: list[ServiceOut]


class CollectionOut(Schema):
    key: str
    name: str
    name_en: str
    description: str


class CollectionDetailOut(CollectionOut):
    services: list[ServiceOut]


def _values(bounded: str) -> list[str]:
    return [value for value in bounded.strip(",").split(",") if value]


def service_out(item: ServiceItem) -> ServiceOut:
    content = item.current_version.content
    return ServiceOut(
        code=item.code,
        basic_code=item.basic_code,
        name=item.name,
        name_en=item.name_en,
        department=department_ref(item.department),
        region=item.region,
        subject_types=_values(item.subject_types),
        modes=_values(item.approval_modes),
        channels=_values(item.channels),
        result_delivery=_values(item.result_delivery),
        no_visit=selectors.is_no_visit(item),
        case_type=item.case_type,
        legal_limit=content.get("legal_limit"),
        promised_limit=content.get("promised_limit"),
        version=item.current_version.number,
        is_retired=item.is_retired,
    )


def _with_current(items: list[ServiceItem]) -> list[ServiceItem]:
    """Attach current versions in one query (lists show limits from the content)."""
    versions = ServiceVersion.objects.in_bulk(
        [item.current_id for item in items if item.current_id]
    )
    for item in items:
        item.current = versions.get(item.current_id)
    return items


@router.get("/services", response=ServiceListOut, summary="Search services")
def services_search(
    request: HttpRequest,
    q: str = Query(
        "", max_length=100, description="any name: 驾照, jsz, work permit …"
    ),
    department: str = Query("", description="department credit code"),
    district: str = Query(
        "", description="GB/T 2260 code: its services and the city's"
    ),
    subject: str = Query("", description="person | organisation"),
    mode: str = Query("", description="standard | commitment | tolerate_missing"),
    channel: str = Query("", description="web | mobile | counter | express | kiosk"),
    no_visit: bool | None = None,
    limit: int = Query(20, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
) -> ServiceListOut:
    filters = ServiceFilters(department, district, subject, mode, channel, no_visit)
    result = selectors.service_search(
        text=q, filters=filters, limit=limit, offset=offset
    )
    _with_current(result.items)
    return ServiceListOut(
        count=result.count,
        items=[
            ServiceFoundOut(
                **service_out(group.item).model_dump(),
                districts=[
                    DistrictOut(
                        code=other.code,
                        region=other.region,
                        department=department_ref(other.department),
                    )
                    for other in group.implementations
                ],
            )
            for group in result.groups
        ],
        suggestions=[service_out(item) for item in _with_current(result.suggestions)],
        popular=[service_out(item) for item in _with_current(result.popular)],
        referrals=[
            ReferralOut(
                key=referral.key,
                search=referral.search,
                notice=referral.notice,
                notice_en=referral.notice_en,
                office=OfficeOut(**referral.office) if referral.office else None,
            )
            for referral in result.referrals
        ],
    )


@router.get("/services/{code}", response=ServiceGuideOut, summary="A guide")
def service_detail(request: HttpRequest, code: str) -> ServiceGuideOut:
    item = selectors.service_get(code=code)
    content = item.current_version.content
    others = selectors.service_other_districts(item=item)
    return ServiceGuideOut(
        **service_out(item).model_dump(),
        guide=content,
        materials=[MaterialOut(**material) for material in _material_fields(content)],
        other_districts=[
            DepartmentRef(
                code=other.code,
                name=other.department.name,
                name_en=other.department.name_en,
            )
            for other in others
        ],
        contact=contact_out(item.department),
    )


def _material_fields(content: dict[str, Any]) -> list[dict[str, Any]]:
    keys = MaterialOut.model_fields.keys()
    return [
        {key: material.get(key) for key in keys}
        for material in content.get("materials", [])
    ]


def department_ref(department: Department | selectors.DepartmentName) -> DepartmentRef:
    return DepartmentRef(
        code=department.code, name=department.name, name_en=department.name_en
    )


def contact_out(department: Department) -> ContactOut:
    return ContactOut(
        address=department.address,
        address_en=department.address_en,
        hours=department.hours,
        phone=department.phone,
        sources=department.sources,
        is_demo=department.is_demo,
    )


def department_out(department: Department) -> DepartmentOut:
    return DepartmentOut(
        code=department.code,
        name=department.name,
        name_en=department.name_en,
        region=department.region,
        level=department.level,
        parent=department.parent.code if department.parent else None,
        contact=contact_out(department),
    )


@router.get("/departments", response=list[DepartmentOut], summary="Departments")
def departments(request: HttpRequest) -> list[DepartmentOut]:
    return [
        department_out(d) for d in selectors.departments_list().select_related("parent")
    ]


@router.get("/departments/{code}", response=DepartmentDetailOut)
def department_detail(request: HttpRequest, code: str) -> DepartmentDetailOut:
    department = selectors.department_get(code=code)
    items = list(
        selectors.services_filtered(ServiceFilters(department=code)).order_by("name")
    )
    return DepartmentDetailOut(
        **department_out(department).model_dump(),
        services=[service_out(item) for item in _with_current(items)],
    )


def collection_out(collection: Collection) -> CollectionOut:
    return CollectionOut(
        key=collection.key,
        name=collection.name,
        name_en=collection.name_en,
        description=collection.description,
    )


@router.get(
    "/windows", response=list[CollectionOut], summary="Topic windows (服务专窗)"
)
def windows(request: HttpRequest) -> list[CollectionOut]:
    return [
        collection_out(c)
        for c in selectors.collections_list(kind=Collection.Kind.WINDOW)
    ]


@router.get("/windows/{key}", response=CollectionDetailOut)
def window_detail(request: HttpRequest, key: str) -> CollectionDetailOut:
    collection, items = selectors.collection_get(kind=Collection.Kind.WINDOW, key=key)
    return CollectionDetailOut(
        **collection_out(collection).model_dump(),
        services=[service_out(item) for item in _with_current(items)],
    )


@router.get("/bundles", response=list[CollectionOut], summary="一件事 bundles")
def bundles(request: HttpRequest) -> list[CollectionOut]:
    return [
        collection_out(c)
        for c in selectors.collections_list(kind=Collection.Kind.BUNDLE)
    ]


@router.get("/bundles/{key}", response=CollectionDetailOut)
def bundle_detail(request: HttpRequest, key: str) -> CollectionDetailOut:
    collection, items = selectors.collection_get(kind=Collection.Kind.BUNDLE, key=key)
    return CollectionDetailOut(
        **collection_out(collection).model_dump(),
        services=[service_out(item) for item in _with_current(items)],
    )
