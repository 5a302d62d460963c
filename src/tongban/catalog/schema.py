"""The schema of the catalogue's YAML files, checked before anything is loaded.

Every key is known (`extra="forbid"`), every vocabulary is the one in `constants.py`, and
cross-file references (departments, services of windows and bundles) are checked by the
loader. The same models normalise what is stored: a version's content is
`Implementation.model_dump(mode="json", exclude_defaults=False)`.
"""

import re
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tongban import regions
from tongban.catalog import contact
from tongban.catalog.constants import (
    ADMINISTRATOR_ROLES,
    ApprovalMode,
    BodyNature,
    CaseType,
    Channel,
    CrossRegionScope,
    ItemType,
    Level,
    MaterialForm,
    MaterialSource,
    Medium,
    PauseReason,
    ResultDelivery,
    StaffRole,
    SubjectType,
    WorkflowStep,
)
from tongban.core.identifiers import uscc_is_valid
from tongban.workdays.constants import LimitUnit

# Code patterns per source of the catalogue. The national basic code (基本编码) is 12 digits
# today; local catalogues (e.g. Sichuan's 511A0138000000) use their own. An implementation
# code (实施编码) is the basic code, the 12-digit area code, a 3-digit field, the implementing
# body's credit code, the handling type and a sub-code.
CODE_SCHEMES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "national": (
        re.compile(r"^\d{12}$"),
        re.compile(
            r"^(?P<basic>\d{12})-(?P<area>\d{12})-\d{3}-(?P<body>[0-9A-Z]{18})-\d-\d{2}$"
        ),
    ),
    "local": (
        re.compile(r"^[0-9A-Z]{10,20}$"),
        re.compile(
            r"^(?P<basic>[0-9A-Z]{10,20})-(?P<area>\d{12})-\d{3}-(?P<body>[0-9A-Z]{18})-\d-\d{2}$"
        ),
    ),
}

KEY_PATTERN = r"^[a-z][a-z0-9_]{1,62}$"
Text = Annotated[str, Field(max_length=4000)]
Name = Annotated[str, Field(min_length=2, max_length=200)]
Url = Annotated[str, Field(pattern=r"^(https?://|/)\S+$", max_length=500)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


class Limit(Strict):
    value: int = Field(ge=0, le=3660)
    unit: LimitUnit

    @field_validator("unit")
    @classmethod
    def _catalogue_units(cls, unit: str) -> str:
        if unit not in (LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS):
            raise ValueError("catalogue limits are in working_days or calendar_days")
        return unit


class Fee(Strict):
    charged: bool = False
    amount: str = ""
    basis: str = ""

    @model_validator(mode="after")
    def _charged_has_amount(self) -> Self:
        if self.charged and not self.amount:
            raise ValueError("a charged fee needs its amount")
        return self


class Material(Strict):
    name: Name
    name_en: Name  # every material is named in English, for the English pages
    required: bool = True
    form: MaterialForm = MaterialForm.ORIGINAL
    copies: int = Field(default=1, ge=0, le=20)
    medium: Medium = Medium.EITHER
    issuer: str = ""
    blank_form_url: Url | None = None
    sample_url: Url | None = None
    may_be_supplied_later: bool = False
    replaceable_by_commitment: bool = False
    source: MaterialSource = MaterialSource.APPLICANT
    source_document: str = ""
    # The form field whose value is the document number of the person the material is
    # about (the new chief representative), when that is not the person filing.
    holder_field: str = Field(default="", pattern=r"^([a-z][a-z0-9_]*)?$")
    notes: Text = ""
    notes_en: Text = ""

    @model_validator(mode="after")
    def _government_source_names_its_document(self) -> Self:
        held = self.source not in (MaterialSource.APPLICANT, MaterialSource.ONLINE_FORM)
        if held and not self.source_document:
            raise ValueError(
                "a material the government fetches names the document it yields"
            )
        if self.holder_field and not held:
            raise ValueError(
                "holder_field is only for a material the government fetches"
            )
        return self


class SpecialProcedure(Strict):
    name: Name
    reason: PauseReason
    limit: Limit | None = None
    basis: str = ""


class Question(Strict):
    question: Text
    answer: Text


class WorkflowStage(Strict):
    step: WorkflowStep
    role: StaffRole

    @field_validator("role")
    @classmethod
    def _not_an_administrator(cls, role: StaffRole) -> StaffRole:
        if role in ADMINISTRATOR_ROLES:  # 三员分立: administrators never handle a case
            raise ValueError(f"{role} is an administrator, not a role of a workflow")
        return role


class Workflow(Strict):
    steps: list[WorkflowStage] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _steps_in_order_once(cls, steps: list[WorkflowStage]) -> list[WorkflowStage]:
        order = list(WorkflowStep.values)
        positions = [order.index(stage.step) for stage in steps]
        if positions != sorted(set(positions)):
            raise ValueError(
                f"steps must be distinct and in the order {', '.join(order)}"
            )
        return steps


class GuideEnglish(Strict):
    """The guide in English, for the services foreigners use."""

    description: Text
    legal_basis: Text = ""
    eligible_applicants: Text = ""
    conditions: Text = ""
    result_name: str = ""
    guide_steps: list[Text] = []
    faq: list[Question] = []


class Implementation(Strict):
    code: str
    basic_code: str
    code_scheme: str = "national"
    name: Name
    name_en: Name  # the English pages name every service in English
    aliases: list[Annotated[str, Field(min_length=1, max_length=50)]] = []
    department: str
    region: str
    level: Level
    implementing_body_nature: BodyNature = BodyNature.STATUTORY
    item_type: ItemType
    subject_types: list[SubjectType] = Field(min_length=1)
    case_type: CaseType
    legal_limit: Limit | None = None
    promised_limit: Limit | None = None
    pause_reasons: list[PauseReason] = []
    approval_modes: list[ApprovalMode] = Field(min_length=1)
    channels: list[Channel] = Field(min_length=1)
    result_delivery: list[ResultDelivery] = Field(min_length=1)
    visits: int = Field(ge=0, le=5)
    description: Text
    legal_basis: Text
    eligible_applicants: Text = ""
    conditions: Text = ""
    fee: Fee = Fee()
    result_name: str = ""
    result_sample_url: Url | None = None
    cross_region_scope: CrossRegionScope = CrossRegionScope.NONE
    intermediary_services: Text = ""
    quantity_limit: Text = ""
    special_procedures: list[SpecialProcedure] = []
    materials: list[Material] = []
    guide_steps: list[Text] = []
    faq: list[Question] = []
    video_url: Url | None = None
    min_assurance_level: int = Field(default=1, ge=1, le=4)
    is_foreigner_service: bool = False
    guide_en: GuideEnglish | None = None
    popularity: int = Field(default=0, ge=0)
    form: dict[str, Any] | None = None
    workflow: Workflow | None = None

    @field_validator("region")
    @classmethod
    def _region_exists(cls, region: str) -> str:
        if regions.get(region) is None:
            raise ValueError(f"{region!r} is not a GB/T 2260 region code")
        return region

    @field_validator("form")
    @classmethod
    def _form_is_json_schema(cls, form: dict[str, Any] | None) -> dict[str, Any] | None:
        if form is None:
            return None
        # start-up: jsonschema (~0.2 s) only where a catalogue is checked
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(form)
        except SchemaError as error:
            raise ValueError(f"not a valid JSON Schema: {error.message}") from None
        if form.get("type") != "object":
            raise ValueError('the form schema must have "type": "object"')
        return with_property_order(form)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        scheme = CODE_SCHEMES.get(self.code_scheme)
        if scheme is None:
            raise ValueError(f"unknown code_scheme {self.code_scheme!r}")
        basic_pattern, implementation_pattern = scheme
        if not basic_pattern.match(self.basic_code):
            raise ValueError(
                f"basic_code {self.basic_code!r} does not fit the {self.code_scheme} scheme"
            )
        match = implementation_pattern.match(self.code)
        if match is None:
            raise ValueError(
                f"code {self.code!r} does not fit the {self.code_scheme} scheme"
            )
        if match["basic"] != self.basic_code:
            raise ValueError("code must start with its basic_code")
        if match["area"][:6] != self.region:
            raise ValueError("code's area part must be the item's region")
        if match["body"] != self.department:
            raise ValueError(
                "code's implementing-body part must be the department's credit code"
            )
        if self.case_type == CaseType.PROMISED and self.promised_limit is None:
            raise ValueError("a promised case (承诺件) needs a promised_limit")
        if (
            self.legal_limit
            and self.promised_limit
            and self.legal_limit.unit == self.promised_limit.unit
            and self.promised_limit.value > self.legal_limit.value
        ):
            raise ValueError("the promised limit cannot be longer than the legal limit")
        if self.is_foreigner_service and self.guide_en is None:
            raise ValueError("a foreigner service needs guide_en")
        fields = (self.form or {}).get("properties") or {}
        online = [m for m in self.materials if m.source == MaterialSource.ONLINE_FORM]
        if online and not self.form:
            raise ValueError(
                f"{online[0].name} is filled in online, but the item has no form"
            )
        if len(online) > 1:
            raise ValueError("only one material can be the online form")
        for material in self.materials:
            if material.holder_field and material.holder_field not in fields:
                raise ValueError(
                    f"holder_field {material.holder_field!r} of {material.name} "
                    "is not a field of the item's form"
                )
        for field in ("subject_types", "approval_modes", "channels", "result_delivery"):
            values = getattr(self, field)
            if len(set(values)) != len(values):
                raise ValueError(f"{field} lists a value twice")
        return self


PROPERTY_ORDER = "x-order"


def with_property_order(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with the order of every object's properties written down as
    `x-order` (a list of their names), at every depth. The catalogue's order is the form's
    order; PostgreSQL's jsonb keeps an object's keys in an order of its own, so the order
    has to travel as data. An `x-order` the author wrote must name the properties exactly."""
    out = dict(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        names = list(properties)
        given = schema.get(PROPERTY_ORDER)
        if given is not None and sorted(given) != sorted(names):
            raise ValueError(f"{PROPERTY_ORDER} must list the properties: {names}")
        out["properties"] = {
            name: with_property_order(prop) if isinstance(prop, dict) else prop
            for name, prop in properties.items()
        }
        out[PROPERTY_ORDER] = list(given or names)
    items = schema.get("items")
    if isinstance(items, dict):
        out["items"] = with_property_order(items)
    return out


def ordered_properties(schema: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """An object schema's properties in the form's order (`x-order`; else as stored)."""
    properties = (schema or {}).get("properties") or {}
    order = [
        name for name in (schema or {}).get(PROPERTY_ORDER) or [] if name in properties
    ]
    order += [name for name in properties if name not in order]
    return [(name, properties[name]) for name in order]


PublicUrl = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)]
Address = Annotated[str, Field(min_length=6, max_length=300)]


class Department(Strict):
    code: str
    name: Name
    name_en: Name
    short_name: str = ""
    region: str
    level: Level
    parent: str | None = None
    description: Text = ""
    description_en: Text = ""
    # Where, when and whom to ask, on every guide of the department's services: the
    # service hall, its opening hours (contact.py's syntax) and the consultation phone.
    address: Address
    address_en: Address
    hours: Annotated[str, Field(max_length=200)]
    phone: Annotated[str, Field(max_length=40)]
    # Who hears an administrative review (行政复议) of the department's decisions, named in
    # every refusal and non-acceptance: since the 2021 reform (行政复议法 2023 Art. 24) the
    # people's government at the department's own level — not the department above it.
    review_body: Name
    review_body_en: Name
    # The public page(s) the values are taken from; or `demo: true` where any of them
    # is a plausible stand-in that no public source confirmed (shown so on the page).
    source: PublicUrl | list[PublicUrl] | None = None
    demo: bool = False

    @field_validator("phone")
    @classmethod
    def _phone_as_dialled(cls, phone: str) -> str:
        if not contact.phone_is_valid(phone):
            raise ValueError(
                f"{phone!r} is not a phone number as dialled in China "
                f"({contact.PHONE_FORMATS})"
            )
        return phone

    @field_validator("hours")
    @classmethod
    def _hours_well_formed(cls, hours: str) -> str:
        try:
            contact.hours_parse(hours)
        except ValueError as error:
            raise ValueError(
                f"{hours!r}: {error} (write e.g. 'Mo-Fr 09:00-11:30,13:30-17:00; PH off')"
            ) from None
        return hours

    @model_validator(mode="after")
    def _sourced_or_demo(self) -> Self:
        if not self.source and not self.demo:
            raise ValueError(
                "address, hours and phone need a public source (source: <url>), "
                "or demo: true where no public source confirms them"
            )
        return self

    @property
    def sources(self) -> list[str]:
        if self.source is None:
            return []
        return [self.source] if isinstance(self.source, str) else list(self.source)

    @field_validator("code")
    @classmethod
    def _credit_code(cls, code: str) -> str:
        if not uscc_is_valid(code):
            raise ValueError(
                f"{code!r} is not a valid unified social credit code (GB 32100)"
            )
        return code

    @field_validator("region")
    @classmethod
    def _region_exists(cls, region: str) -> str:
        if regions.get(region) is None:
            raise ValueError(f"{region!r} is not a GB/T 2260 region code")
        return region


class Collection(Strict):
    """A topic window (服务专窗) or a 一件事 bundle: a named, ordered list of services."""

    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    name: Name
    name_en: str = ""
    description: Text = ""
    description_en: Text = ""
    services: list[str] = Field(min_length=1)


class DepartmentsFile(Strict):
    departments: list[Department]


class ServicesFile(Strict):
    services: list[Implementation]


class WindowsFile(Strict):
    windows: list[Collection]


class BundlesFile(Strict):
    bundles: list[Collection]


class SynonymsFile(Strict):
    """Colloquial words people type, and the official words they mean (驾照 → 驾驶证)."""

    synonyms: dict[str, list[str]]
