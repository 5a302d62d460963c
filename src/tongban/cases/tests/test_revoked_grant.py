"""A case filed for a company follows the handler's grant at the moment of each request:
once the grant is revoked, the handler reaches none of what they filed, at either door."""

import pytest
from django.test import Client

from tongban.accounts.models import Grant, Person
from tongban.cases.models import Case
from tongban.cases.tests.conftest import CHAN, World
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


def test_a_revoked_handler_reaches_nothing_they_filed_for_the_company(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    draft = world.handler.post(
        "/cases",
        {"service_code": Case.objects.get(number=number).item.code, "form": {}},
    ).json()["number"]
    case = Case.objects.get(number=number)
    material = case.materials.exclude(file="").first()
    assert material is not None
    document = case.documents.get().number
    handler = Person.objects.get(name=CHAN[0])
    page = Client()
    assert handler.user is not None
    page.force_login(handler.user)
    assert page.get(f"/cases/{number}/").status_code == 200  # before: all theirs

    grant = Grant.objects.get(agent=handler, company_id=world.company_id)
    revoked = world.representative.delete(f"/grants/{grant.pk}")
    assert revoked.status_code == 200, revoked.json()

    mine = world.handler.as_(world.handler.token)  # no X-Acting-For: as themselves
    for who in (world.handler, mine):
        assert who.get(f"/cases/{number}").status_code == 404
        assert who.get(f"/cases/{number}/documents/{document}.pdf").status_code == 404
        assert who.post(f"/cases/{number}/withdraw", {"reason": "x"}).status_code == 404
        assert who.post(f"/cases/{number}/supplement", {"note": "x"}).status_code == 404
        assert who.post(f"/cases/{draft}/submit").status_code == 404
    listed = mine.get("/cases").json()
    assert number not in [row["number"] for row in listed["items"]]
    assert listed["count"] == len(listed["items"])
    assert page.get(f"/cases/{number}/").status_code == 404
    assert page.get(f"/cases/{number}/materials/{material.pk}/").status_code == 404
    assert page.get(f"/cases/{number}/documents/{document}.pdf").status_code == 404
    withdrawn = page.post(f"/cases/{number}/", {"do": "withdraw", "reason": "x"})
    assert withdrawn.status_code == 404
    assert Case.objects.get(number=number).status == "received"  # nothing changed
    # the company's representative still sees the company's case
    assert world.representative.get(f"/cases/{number}").status_code == 200


def test_acting_for_someone_without_a_grant_is_refused_not_ignored(
    world: World,
) -> None:
    stranger = Person.objects.get(name=CHAN[0])
    smith = world.representative
    for key in (f"person:{stranger.pk}", "company:999999", "person:abc"):
        answer = smith.as_(smith.token, acting=key).get("/cases")
        assert answer.status_code == 404, key
        assert answer.json()["code"] == "not_found"
    assert (
        smith.as_(smith.token, acting=f"company:{world.company_id}")
        .get("/cases")
        .status_code
        == 200
    )


def test_a_grant_for_some_services_shows_the_companys_cases_of_those_only(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    case = Case.objects.get(number=number)
    handler = Person.objects.get(name=CHAN[0])
    grant = Grant.objects.get(agent=handler, company_id=world.company_id)
    other = (
        ServiceItem.objects.exclude(code=case.item.code).values_list("code", flat=True)
    ).first()
    page = Client()
    assert handler.user is not None
    page.force_login(handler.user)
    mine = world.handler.as_(world.handler.token)  # the list, without X-Acting-For

    Grant.objects.filter(pk=grant.pk).update(all_services=False, service_codes=[other])
    assert world.handler.get(f"/cases/{number}").status_code == 404
    assert number not in [r["number"] for r in mine.get("/cases").json()["items"]]
    assert page.get(f"/cases/{number}/").status_code == 404
    assert page.get(f"/cases/{number}/documents/x/view/").status_code == 404

    Grant.objects.filter(pk=grant.pk).update(service_codes=[other, case.item.code])
    assert world.handler.get(f"/cases/{number}").status_code == 200
    listed = mine.get("/cases").json()
    assert number in [r["number"] for r in listed["items"]]
    assert listed["count"] == len(listed["items"])
    assert page.get(f"/cases/{number}/").status_code == 200
