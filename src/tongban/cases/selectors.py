"""Reads of cases, scoped in the queries: applicants see what they may act for, staff their
department's cases."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.accounts.models import Person, StaffProfile
from tongban.accounts.selectors import acting_options
from tongban.accounts.services import document_index, phone_index
from tongban.cases.constants import Status
from tongban.cases.models import Case, CaseEvent
from tongban.core.errors import NotFound

OPEN = [
    Status.RECEIVED,
    Status.CORRECTION_REQUESTED,
    Status.ACCEPTED,
    Status.REVIEWED,
    Status.APPROVED,
    Status.REFUSED,
    Status.NOT_ACCEPTED,
]


def _visible_to(person: Person) -> Q:
    companies = [o.company.pk for o in acting_options(person) if o.company is not None]
    people = [
        o.person.pk
        for o in acting_options(person)
        if o.person is not None and o.kind == "person"
    ]
    return (
        Q(submitted_by=person)
        | Q(applicant_person=person)
        | Q(applicant_company__in=companies)
        | Q(applicant_person__in=people)
    )


def cases_for_person(person: Person) -> QuerySet[Case]:
    return (
        Case.objects.filter(_visible_to(person))
        .select_related("item", "department")
        .order_by("-created_at")
    )


def case_for_person(person: Person, number: str) -> Case:
    case = (
        cases_for_person(person).select_related("version").filter(number=number).first()
    )
    if case is None:
        raise NotFound("not_found", _("未找到该办件。"))
    return case


def staff_queue(
    staff: StaffProfile, *, status: str | None = None, mine: bool = False
) -> QuerySet[Case]:
    cases = Case.objects.filter(department=staff.department).select_related("item")
    cases = cases.filter(status=status) if status else cases.filter(status__in=OPEN)
    if mine:
        cases = cases.filter(claimed_by=staff.user)
    return cases.order_by("legal_deadline", "received_on", "pk")


def case_for_staff(staff: StaffProfile, number: str) -> Case:
    case = (
        Case.objects.filter(department=staff.department, number=number)
        .select_related("item", "version", "department")
        .first()
    )
    if case is None:
        raise NotFound("not_found", _("未找到该办件。"))
    return case


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "pk")


def case_by_number_and_identity(number: str, identity: str) -> Case:
    """For the public progress check: the case only if the document number or phone matches
    its applicant; the same 404 either way."""
    case = Case.objects.filter(number=number).select_related("submitted_by").first()
    if case is not None:
        text = "".join(identity.split()).upper()
        people = [
            p for p in (case.submitted_by, case.applicant_person) if p is not None
        ]
        for person in people:
            if person.doc_index == document_index(person.doc_type, text):
                return case
            try:
                from tongban.core.phones import phone_normalise

                if person.phone_index == phone_index(phone_normalise(identity)):
                    return case
            except Exception:  # noqa: BLE001, S112 — not a phone number
                continue
    raise NotFound("not_found", _("没有与该编号和证件号码（或手机号）一致的办件。"))
