"""Demo accounts (`make demo` only): people of every document type, companies, staff.

Every number matches a record of the registry stand-ins (`contrib/standins/registry.yaml`).
Idempotent: loading twice changes nothing.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from tongban.accounts import services
from tongban.accounts.constants import (
    CONSENT_VERSION,
    ConsentKind,
    GrantKind,
    GrantStatus,
    Level,
    LevelEvidence,
)
from tongban.accounts.languages import registration_language
from tongban.accounts.models import Company, Consent, Grant, Person, StaffProfile
from tongban.catalog.constants import StaffRole
from tongban.catalog.models import Department
from tongban.contrib.standins.server import demo_records
from tongban.core import clock
from tongban.core.documents import document_validate
from tongban.core.phones import phone_normalise

PERSON_PASSWORD = "Tongban-demo-2026"
STAFF_PASSWORD = "Staff-demo-2026"
# A published example secret, so a demo user can add it to any authenticator app.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# (name, document type, number, nationality, phone, level)
PEOPLE = [
    ("张伟", "resident_id", "310115198506120317", "CHN", "+8613800000001", 2),
    ("李秀英", "resident_id", "31010319410308002X", "CHN", "+8613800000002", 2),
    ("王芳", "resident_id", "31010419881120004X", "CHN", "+8613800000003", 2),
    ("陈志强", "resident_id", "310101197502140510", "CHN", "+8613800000004", 2),
    ("刘洋", "resident_id", "320102199207300611", "CHN", "+8613800000005", 2),
    ("赵敏", "resident_id", "440305199501011236", "CHN", "+8613800000006", 1),
    ("陈美玲", "hmt_residence_permit", "810000199005050026", "CHN", "+85291234567", 2),
    ("林志明", "hmt_residence_permit", "830000198212010034", "CHN", "+886912345678", 1),
    ("黄海", "hmt_residence_permit", "820000198704150015", "CHN", "+85366123456", 1),
    ("何家明", "hk_mo_travel_permit", "H60123457", "CHN", "+85261234567", 2),
    ("蔡淑芬", "tw_travel_permit", "08123456", "CHN", "+886987654321", 2),
    ("John Smith", "passport", "533380006", "GBR", "+447911123456", 2),
    (
        "Anna Müller",
        "permanent_residence",
        "93127619800310001X",
        "DEU",
        "+8613800000011",
        2,
    ),
]

# username, department name, roles
STAFF = [
    ("sh-amr-intake", "上海市市场监督管理局", [StaffRole.INTAKE_CLERK]),
    ("sh-amr-review", "上海市市场监督管理局", [StaffRole.REVIEWER]),
    ("sh-amr-approve", "上海市市场监督管理局", [StaffRole.APPROVER]),
    ("sh-amr-head", "上海市市场监督管理局", [StaffRole.DEPARTMENT_HEAD]),
    ("sh-amr-licence", "上海市市场监督管理局", [StaffRole.LICENCE_OFFICER]),
    ("sh-amr-admin", "上海市市场监督管理局", [StaffRole.DEPARTMENT_ADMIN]),
    ("pd-amr-intake", "上海市浦东新区市场监督管理局", [StaffRole.INTAKE_CLERK]),
    (
        "pd-amr-inspect",
        "上海市浦东新区市场监督管理局",
        [StaffRole.INSPECTOR, StaffRole.REVIEWER],
    ),
    (
        "pd-amr-approve",
        "上海市浦东新区市场监督管理局",
        [StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD],
    ),
    (
        "sh-sts-intake",
        "上海市科学技术委员会（上海市外国专家局）",
        [StaffRole.INTAKE_CLERK, StaffRole.REVIEWER],
    ),
    (
        "sh-sts-approve",
        "上海市科学技术委员会（上海市外国专家局）",
        [StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD],
    ),
    ("sh-nmpa-expert", "上海市药品监督管理局", [StaffRole.EXPERT]),
    ("sh-supervisor", "上海市发展和改革委员会", [StaffRole.SUPERVISOR]),
    # 三员分立: the three administrators, three people (docs/security.md).
    ("sh-sysadmin", "上海市发展和改革委员会", [StaffRole.SYSTEM_ADMIN]),
    ("sh-secadmin", "上海市发展和改革委员会", [StaffRole.SECURITY_ADMIN]),
    ("sh-auditor", "上海市发展和改革委员会", [StaffRole.AUDIT_ADMIN]),
]

COMPANY_HANDLERS = [
    # company credit code, legal representative's number, handler's number
    ("91310115MA1HK7Q24A", "310101197502140510", "320102199207300611"),
    ("91310000ME2X0A1173", "533380006", "810000199005050026"),
]


def _person(
    name: str, doc_type: str, number: str, nationality: str, phone: str, level: int
) -> Person:
    facts = document_validate(doc_type, number, nationality=nationality)
    existing = Person.objects.filter(
        doc_index=services.document_index(facts.doc_type, facts.number)
    ).first()
    if existing is not None:
        return existing
    now = clock.now()
    user = User.objects.create_user(
        username=f"demo-{facts.number.lower()}", password=PERSON_PASSWORD
    )
    e164 = phone_normalise(phone)
    person = Person(
        user=user,
        name=name,
        phone_confirmed_at=now,
        level=level,
        level_evidence=(
            LevelEvidence.PHONE
            if level == Level.L1
            else LevelEvidence.POPULATION_REGISTRY
            if doc_type == "resident_id"
            else LevelEvidence.EXIT_ENTRY_REGISTRY
        ),
        level_at=now,
        # as registering would choose it: the foreigners in English
        language=registration_language(doc_type=facts.doc_type, page_language=None),
        created_at=now,
    )
    services.person_document_set(person, facts)
    services.person_phone_set(person, e164)
    person.save()
    Consent.objects.create(
        person=person,
        kind=ConsentKind.TERMS,
        version=CONSENT_VERSION,
        given_by=person,
        given_at=now,
    )
    return person


@transaction.atomic
def demo_accounts_load() -> dict[str, int]:
    people = {number: _person(*row) for row in PEOPLE for number in [row[2]]}
    for username, department_name, roles in STAFF:
        if User.objects.filter(username=username).exists():
            continue
        department = Department.objects.filter(name=department_name).first()
        if department is None:
            continue  # the catalogue is not loaded; `make demo` loads it first
        services.staff_create(
            username=username,
            email=f"{username}@tongban.invalid",
            password=STAFF_PASSWORD,
            department=department,
            roles=[str(r) for r in roles],
            totp_secret=STAFF_TOTP_SECRET,
        )

    entities = {e["uscc"]: e for e in demo_records()["entities"]}
    today = clock.today()
    for uscc, representative, handler in COMPANY_HANDLERS:
        entity = entities[uscc]
        rep = people[representative]
        company = Company.objects.filter(uscc=uscc).first()
        if company is None:
            company = Company.objects.create(
                uscc=uscc,
                name=entity["name"],
                name_en=entity.get("name_en", ""),
                kind=entity.get("kind", ""),
                region_code=entity.get("region_code", ""),
                positions=[
                    {
                        "position": p["position"],
                        "name": p["name"],
                        "doc_index": services.document_index(
                            p["doc_type"], p["number"]
                        ),
                    }
                    for p in entity["positions"]
                ],
                registry_checked_at=clock.now(),
                legal_representative=rep,
                registered_by=rep,
                created_at=clock.now(),
            )
        if not Grant.objects.filter(company=company, agent=people[handler]).exists():
            Grant.objects.create(
                kind=GrantKind.COMPANY_HANDLER,
                agent=people[handler],
                company=company,
                valid_from=today,
                valid_until=today + dt.timedelta(days=365),
                status=GrantStatus.ACTIVE,
                granted_by=rep,
                created_at=clock.now(),
                confirmed_at=clock.now(),
            )
    # 王芳 acts for her elderly relative 李秀英 (confirmed), as in the field stories.
    wang, li = people["31010419881120004X"], people["31010319410308002X"]
    if not Grant.objects.filter(agent=wang, principal=li).exists():
        Grant.objects.create(
            kind=GrantKind.RELATIVE,
            agent=wang,
            principal=li,
            relation="亲属",
            valid_from=today,
            valid_until=today + dt.timedelta(days=365),
            status=GrantStatus.ACTIVE,
            granted_by=li,
            created_at=clock.now(),
            confirmed_at=clock.now(),
        )
    return {
        "people": Person.objects.count(),
        "staff": StaffProfile.objects.count(),
        "companies": Company.objects.count(),
    }
