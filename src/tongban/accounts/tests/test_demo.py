"""The demo accounts load, twice without change, and every one matches the stand-in registries."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tongban.accounts.demo import PEOPLE, demo_accounts_load
from tongban.accounts.models import Company, Grant, Person, StaffProfile
from tongban.catalog.constants import StaffRole
from tongban.catalog.services import catalog_load
from tongban.contrib.registries import entity_lookup, identity_check
from tongban.core.documents import DocumentType


@pytest.mark.django_db
def test_demo_accounts_cover_every_document_type_and_role(standins: Any) -> None:
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    first = demo_accounts_load()
    again = demo_accounts_load()
    assert first == again
    assert {p.doc_type for p in Person.objects.all()} == set(DocumentType.values)
    roles = {role for profile in StaffProfile.objects.all() for role in profile.roles}
    assert roles == set(StaffRole.values)
    assert StaffProfile.objects.values("department").distinct().count() >= 3
    assert Company.objects.count() == 2
    assert Grant.objects.filter(status="active").count() == 3
    for name, doc_type, number, nationality, _phone, _level in PEOPLE:
        answer = identity_check(
            name=name, doc_type=doc_type, number=number, nationality=nationality
        )
        assert answer.matches, (name, answer)
    for company in Company.objects.all():
        record = entity_lookup(company.uscc)
        assert record is not None
        assert record.holders("legal_representative")[0].name == (
            company.legal_representative.name
        )
