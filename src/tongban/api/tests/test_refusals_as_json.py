"""Refusals a stranger provokes are answered as the API answers everything — JSON with a
code — never as a server error or Django's HTML page."""

import pytest
from django.test import Client

from tongban.accounts.models import Person
from tongban.cases.tests.conftest import CHAN, World, api, world  # noqa: F401

pytestmark = pytest.mark.django_db

HUGE = str(2**63)


def test_a_method_no_endpoint_takes_is_a_json_405() -> None:
    answer = Client().put("/api/v1/services")
    assert answer.status_code == 405
    assert answer.json()["code"] == "method_not_allowed"
    assert "GET" in answer["Allow"]


def test_an_unknown_address_is_a_json_404_even_for_a_post_without_csrf() -> None:
    answer = Client(enforce_csrf_checks=True).post("/api/v1/no-such-thing", {})
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


def test_pages_past_what_a_database_holds_are_refused_not_errors(
    world: World,  # noqa: F811
) -> None:
    anonymous = Client()
    assert anonymous.get("/api/v1/services", {"offset": HUGE}).status_code == 422
    for who, path in ((world.handler, "/cases"), (world.clerk, "/workbench/queue")):
        for query in ({"offset": HUGE}, {"offset": "-1"}, {"limit": "1000"}):
            answer = who.get(path, **query)
            assert answer.status_code == 422, (path, query)
            assert answer.json()["code"] == "invalid_input"
        assert who.get(path, offset="0", limit="100").status_code == 200


def test_a_persons_session_on_a_staff_page_is_refused_not_an_error(
    world: World,  # noqa: F811
) -> None:
    page = Client()
    person = Person.objects.get(name=CHAN[0])
    assert person.user is not None
    page.force_login(person.user)
    for path in (
        "/accounts/staff/persons/new/",
        f"/accounts/staff/persons/{person.pk}/",
    ):
        answer = page.get(path)
        assert answer.status_code == 403
        assert "仅供工作人员使用" in answer.content.decode()


def test_a_body_that_is_not_json_is_bad_input_not_a_bare_400() -> None:
    answer = Client().post(
        "/api/v1/auth/sms-codes", data=b"\x00", content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_body"


def test_a_body_past_djangos_bounds_is_a_json_413_not_a_server_error() -> None:
    big = b'{"login": "' + b"x" * 3_000_000 + b'", "password": "x"}'
    answer = Client().post(
        "/api/v1/auth/token", data=big, content_type="application/json"
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "request_too_large"
