"""The searcher's district first: a Pudong resident sees Pudong's implementation of a
service on the home page and in search, as one service with its other districts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tongban.accounts.demo import _person
from tongban.catalog.services import catalog_load

pytestmark = pytest.mark.django_db

RESIDENCE_PERMIT = "000101021000"  # 居住证新办, basic code


def _shown(page: str) -> list[str]:
    """The implementation codes the page links a guide to, in page order."""
    return re.findall(rf'href="/services/({RESIDENCE_PERMIT}-[^/"]+)/"', page)


def test_a_pudong_resident_sees_pudong_first_and_a_visitor_the_citys() -> None:
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    visitor = Client()
    home = _shown(visitor.get("/").content.decode())
    assert len(home) == 1 and "-310000000000-" in home[0]  # once, the city's
    found = _shown(visitor.get("/services/?q=居住证").content.decode())
    assert "-310000000000-" in found[0]

    zhang = _person(
        "张伟", "resident_id", "310115198506120317", "CHN", "+8613800000001", 2
    )
    assert zhang.user is not None
    resident = Client()
    resident.force_login(zhang.user)
    home = _shown(resident.get("/").content.decode())
    assert len(home) == 1 and "-310115000000-" in home[0]
    found = _shown(resident.get("/services/?q=居住证").content.decode())
    assert "-310115000000-" in found[0]
    assert any("-310000000000-" in code for code in found)  # the others still offered
