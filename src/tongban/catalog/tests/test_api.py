"""The catalogue API: search with filters, guides, departments, windows, bundles, errors."""

import pytest

from tongban.catalog.services import catalog_load
from tongban.catalog.tests.small_catalog import CITY, PUDONG, SERVICES, write_catalog

pytestmark = pytest.mark.django_db

CITY_REF = {
    "code": CITY,
    "name": "上海市公安局",
    "name_en": "Shanghai Public Security Bureau",
}


@pytest.fixture
def small_catalog(tmp_path):
    catalog_load(root=write_catalog(tmp_path), actor="test")


def test_search_lists_with_count_and_items(client, small_catalog):
    body = client.get("/api/v1/services", {"q": "居住证"}).json()
    assert body["count"] == 2  # 居住证新办 once, with its districts; 居住证签注
    assert [item["name"] for item in body["items"]] == ["居住证新办", "居住证签注"]
    first = body["items"][0]
    assert first["code"] == SERVICES[0]["code"]  # the city's when no district is known
    assert [(d["code"], d["region"]) for d in first["districts"]] == [
        (SERVICES[0]["code"], "310000"),
        (SERVICES[1]["code"], "310115"),
    ]
    assert body["items"][1]["districts"] == [
        {
            "code": SERVICES[2]["code"],
            "region": "310000",
            "department": CITY_REF,
        }
    ]
    assert first["name"] == "居住证新办"
    assert first["department"] == CITY_REF
    assert first["modes"] == ["standard"]
    assert first["legal_limit"] == {"value": 15, "unit": "working_days"}
    assert first["promised_limit"] == {"value": 10, "unit": "working_days"}
    assert first["no_visit"] is True


def test_filters_narrow_the_list(client, small_catalog):
    pudong = client.get("/api/v1/services", {"district": "310115"}).json()
    assert pudong["count"] == 2  # Pudong's own and the city's, one per item
    assert [item["code"] for item in pudong["items"]] == [
        SERVICES[1]["code"],  # the district's own implementation stands for the item
        SERVICES[2]["code"],
    ]
    department = client.get("/api/v1/services", {"department": PUDONG}).json()
    assert [item["code"] for item in department["items"]] == [SERVICES[1]["code"]]
    assert (
        client.get("/api/v1/services", {"subject": "organisation"}).json()["count"] == 0
    )
    assert client.get("/api/v1/services", {"mode": "commitment"}).json()["count"] == 0
    assert client.get("/api/v1/services", {"no_visit": "false"}).json()["count"] == 0
    assert (
        client.get("/api/v1/services", {"channel": "web", "limit": 1}).json()["count"]
        == 2
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"mode": "fast"}, "mode"),
        ({"subject": "alien"}, "subject"),
        ({"district": "999999"}, "district"),
        ({"limit": "0"}, "limit"),
        ({"limit": "500"}, "limit"),
        ({"no_visit": "perhaps"}, "no_visit"),
    ],
)
def test_bad_parameters_are_422(client, small_catalog, query, field):
    response = client.get("/api/v1/services", query)
    assert response.status_code == 422
    assert field in response.json()["fields"]


def test_a_guide_has_its_materials_and_other_districts(client, small_catalog):
    body = client.get(f"/api/v1/services/{SERVICES[1]['code']}").json()
    assert body["name"] == "居住证新办"
    assert body["materials"][0]["source"] == "population_registry"
    assert body["materials"][1]["may_be_supplied_later"] is True
    assert body["materials"][1]["replaceable_by_commitment"] is False
    assert [other["code"] for other in body["other_districts"]] == [
        SERVICES[0]["code"],
        SERVICES[1]["code"],
    ]
    assert body["guide"]["legal_basis"] == "《居住证暂行条例》第十条"
    assert [m["name_en"] for m in body["materials"]] == [
        "Resident identity card",
        "Proof of residence",
    ]
    # Where to go and whom to ask for Pudong's implementation: stand-in values, said so.
    assert body["contact"] == {
        "address": "上海市浦东新区合欢路2号",
        "address_en": "2 Hehuan Road, Pudong New Area, Shanghai",
        "hours": "Mo-Fr 09:00-17:00; PH off",
        "phone": "021-12345678",
        "sources": [],
        "is_demo": True,
    }


def test_unknown_codes_are_404(client, small_catalog):
    for url in [
        "/api/v1/services/000000000000-310000000000-000-X-1-00",
        "/api/v1/departments/11310000002419826H",
        "/api/v1/windows/nothing",
        "/api/v1/bundles/nothing",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"].endswith("not_found")


def test_departments_windows_and_bundles(client, small_catalog):
    departments = client.get("/api/v1/departments").json()
    assert [d["code"] for d in departments] == [CITY, PUDONG]
    assert departments[1]["parent"] == CITY
    assert departments[0]["contact"] == {
        "address": "上海市黄浦区福州路185号",
        "address_en": "185 Fuzhou Road, Huangpu District, Shanghai",
        "hours": "Mo-Fr 09:00-11:30,13:30-17:00; Sa 09:00-12:00; PH off",
        "phone": "12345",
        "sources": ["https://www.example.gov.cn/contact"],
        "is_demo": False,
    }
    detail = client.get(f"/api/v1/departments/{PUDONG}").json()
    assert [s["code"] for s in detail["services"]] == [SERVICES[1]["code"]]
    assert client.get("/api/v1/windows").json()[0]["key"] == "residents"
    window = client.get("/api/v1/windows/residents").json()
    assert [s["code"] for s in window["services"]] == [SERVICES[0]["code"]]
    assert client.get("/api/v1/bundles/arrival").json()["name"] == "来沪一件事"


def test_visa_answers_with_the_office_that_handles_it(client, db):
    from pathlib import Path

    from django.conf import settings

    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    body = client.get("/api/v1/services", {"q": "visa"}).json()
    (referral,) = body["referrals"]
    assert referral["key"] == "visa"
    assert referral["office"]["name_en"] == (
        "Exit-Entry Administration Bureau, Shanghai Municipal Public Security Bureau"
    )
    assert referral["office"]["phone"] == "12367"
    assert referral["office"]["is_demo"] is False  # the hall and hotline are cited
    residence = client.get("/api/v1/services", {"q": "居住证"}).json()
    names = [item["name"] for item in residence["items"]]
    assert names.count("居住证新办") == 1
    assert len(residence["items"][names.index("居住证新办")]["districts"]) == 3
