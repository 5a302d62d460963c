"""The time-limit API: answers, and clear JSON errors for every bad input."""

import datetime as dt

import pytest

from tongban.workdays.services import day_override_set

pytestmark = pytest.mark.django_db


def test_add_working_days(client):
    response = client.get("/api/v1/workdays/add", {"date": "2020-01-23", "days": 1})
    assert response.status_code == 200
    assert response.json() == {
        "date": "2020-01-23",
        "days": 1,
        "unit": "working_days",
        "region": "",
        "pauses": [],
        "result": "2020-02-03",
    }


def test_add_calendar_days_and_months_and_pauses(client):
    calendar_days = client.get(
        "/api/v1/workdays/add",
        {"date": "2026-09-24", "days": 7, "unit": "calendar_days"},
    )
    assert calendar_days.json()["result"] == "2026-10-08"
    months = client.get(
        "/api/v1/workdays/add", {"date": "2026-01-31", "days": 1, "unit": "months"}
    )
    assert months.json()["result"] == "2026-02-28"
    paused = client.get(
        "/api/v1/workdays/add?date=2026-03-02&days=5&pause=2026-03-04/2026-03-06"
    )
    assert paused.json()["result"] == "2026-03-12"
    assert paused.json()["pauses"] == [["2026-03-04", "2026-03-06"]]


def test_count_working_days(client):
    response = client.get(
        "/api/v1/workdays/count", {"from": "2020-02-10", "to": "2020-03-02"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "from": "2020-02-10",
        "to": "2020-03-02",
        "region": "",
        "working_days": 15,
    }


def test_day_explains_itself_for_a_region(client):
    day_override_set(
        region="310000", date=dt.date(2026, 3, 6), is_working_day=False, name="地区调休"
    )
    response = client.get("/api/v1/workdays/2026-03-06", {"region": "310115"})
    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-03-06",
        "region": "310115",
        "is_working_day": False,
        "kind": "holiday",
        "kind_label": "法定节假日",
        "name": "地区调休",
        "source": "regional_override",
        "source_region": "310000",
    }
    spring = client.get("/api/v1/workdays/2026-02-17").json()
    assert (spring["kind"], spring["name"]) == ("holiday", "春节")
    english = client.get(
        "/api/v1/workdays/2026-02-17", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert english["name"] == "Spring Festival"


def test_calendar_missing_is_a_422_naming_the_year(client):
    response = client.get("/api/v1/workdays/add", {"date": "2027-03-01", "days": 5})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "calendar_missing"
    assert body["year"] == 2027
    assert "2027" in body["message"]
    crossing = client.get(
        "/api/v1/workdays/count", {"from": "2026-12-01", "to": "2027-01-10"}
    )
    assert crossing.status_code == 422
    assert crossing.json()["year"] == 2027


@pytest.mark.parametrize(
    ("url", "code", "field"),
    [
        ("/api/v1/workdays/add?date=2026-02-30&days=1", "invalid_input", "date"),
        ("/api/v1/workdays/add?date=2026-03-02&days=-1", "invalid_input", "days"),
        ("/api/v1/workdays/add?date=2026-03-02&days=abc", "invalid_input", "days"),
        ("/api/v1/workdays/add?date=2026-03-02", "invalid_input", "days"),
        (
            "/api/v1/workdays/add?date=2026-03-02&days=1&unit=weeks",
            "invalid_input",
            "unit",
        ),
        (
            "/api/v1/workdays/add?date=2026-03-02&days=1&region=999999",
            "unknown_region",
            "region",
        ),
        ("/api/v1/workdays/add?date=2026-03-02&days=1&pause=2026-03-05", None, None),
        (
            "/api/v1/workdays/add?date=2026-03-02&days=1&pause=x/y",
            "invalid_pause",
            "pause",
        ),
        ("/api/v1/workdays/count?from=2026-03-02", "invalid_input", "to"),
        ("/api/v1/workdays/2026-13-01", "invalid_input", "date"),
        ("/api/v1/workdays/2026-03-02?region=12", "unknown_region", "region"),
    ],
)
def test_bad_input_is_a_json_error_with_the_field(client, url, code, field):
    response = client.get(url)
    if code is None:  # a one-day pause is allowed
        assert response.status_code == 200
        return
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert field in body["fields"]


def test_openapi_document_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/workdays/add" in schema["paths"]
    assert "/api/v1/workdays/{date}" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/workdays-typo/add")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/api/v2/anything").json()["code"] == "not_found"
