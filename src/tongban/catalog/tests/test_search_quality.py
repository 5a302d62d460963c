"""Search quality on the seed catalogue, by the names people actually type."""

from pathlib import Path

import pytest
from django.conf import settings

from tongban.catalog.selectors import ServiceFilters, service_search
from tongban.catalog.services import catalog_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(db: None) -> None:
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")


def names(text: str, limit: int = 3) -> list[str]:
    result = service_search(text=text, filters=ServiceFilters(), limit=limit)
    return [item.name for item in result.items]


@pytest.mark.parametrize(
    "query", ["驾照", "jsz", "jiashizheng", "驾驶证", "驾照补办", "JSZ"]
)
def test_driving_licence_by_colloquial_name_pinyin_and_initials(seed, query):
    assert any("驾驶证" in name for name in names(query)), names(query)


def test_residence_permit_new_comes_first(seed):
    assert names("居住证")[0] == "居住证新办"


@pytest.mark.parametrize(
    "query", ["工作许可", "work permit", "Work Permit extension", "gongzuoxuke"]
)
def test_foreigner_work_permit_extension_in_the_top_three(seed, query):
    assert any("工作许可" in name and "延期" in name for name in names(query)), names(
        query
    )


def test_representative_changes(seed):
    found = names("代表变更", limit=5)
    assert any("首席代表" in name for name in found), found
    assert any("委派代表" in name for name in found), found


def test_medical_record_book_and_traffic_violation(seed):
    assert any("就医记录册" in name for name in names("医保本")) or any(
        "就医记录册" in name for name in names("就医记录册")
    )
    assert any("交通违法" in name for name in names("违章")) or any(
        "交通违法" in name for name in names("交通违法")
    )


def test_business_licence_change_in_a_district(seed):
    found = service_search(
        text="营业执照变更", filters=ServiceFilters(district="310115"), limit=10
    )
    assert found.items
    assert {item.region for item in found.items} <= {"310115", "310100", "310000"}


def test_nonsense_offers_suggestions_or_popular_services_never_nothing(seed):
    result = service_search(text="xqzvw qpmz", filters=ServiceFilters())
    assert result.count == 0
    assert result.popular
    typo = service_search(text="居主证", filters=ServiceFilters())
    assert typo.count == 0
    assert any("居住证" in item.name for item in typo.suggestions)


def test_filters_over_the_seed(seed):
    commitment = service_search(
        text="", filters=ServiceFilters(mode="commitment"), limit=100
    )
    assert commitment.count >= 3
    assert all(",commitment," in item.approval_modes for item in commitment.items)
    organisations = service_search(
        text="", filters=ServiceFilters(subject="organisation"), limit=100
    )
    assert all(",organisation," in item.subject_types for item in organisations.items)
    no_visit = service_search(text="", filters=ServiceFilters(no_visit=True), limit=100)
    assert no_visit.count > 0
    assert all(item.visits == 0 for item in no_visit.items)


@pytest.mark.parametrize(
    "query",
    ["driving licence", "Driver's License", "drivers license", "driving license"],
)
def test_english_driving_licence_finds_the_driving_licence_services(seed, query):
    result = service_search(text=query, filters=ServiceFilters(), limit=3)
    assert result.items and all("驾驶证" in item.name for item in result.items), names(
        query
    )
    assert [referral.key for referral in result.referrals] == ["driving_licence"]


@pytest.mark.parametrize("query", ["visa", "Visa extension", "passport"])
def test_visa_and_passport_say_plainly_who_handles_them(seed, query):
    result = service_search(text=query, filters=ServiceFilters())
    (referral,) = result.referrals
    assert referral.key in {"visa", "passport"}
    assert "不在本平台办理" in referral.notice
    assert referral.office is not None
    assert referral.office["name"] == "上海市公安局出入境管理局"
    assert not referral.office.get("is_demo")  # hall and hotline cited in the YAML
    assert referral.office["address"] == "上海市浦东新区民生路1500号"


def test_residence_permit_finds_the_residence_card_and_names_exit_entry(seed):
    result = service_search(text="residence permit", filters=ServiceFilters())
    assert result.items[0].name == "居住证新办"
    assert [referral.key for referral in result.referrals] == ["residence_permit"]
    assert "出入境" in result.referrals[0].notice


def test_work_permit_in_english_still_finds_the_work_permit(seed):
    assert any("工作许可" in name for name in names("work permit")), names(
        "work permit"
    )


def test_residence_card_is_one_result_with_its_districts(seed):
    result = service_search(text="居住证", filters=ServiceFilters())
    found = [group.item.name for group in result.groups]
    assert found.count("居住证新办") == 1
    group = result.groups[found.index("居住证新办")]
    assert group.item.region == "310000"  # the city's when no district is known
    assert [item.region for item in group.implementations] == [
        "310000",
        "310101",
        "310115",
    ]
    pudong = service_search(text="居住证", filters=ServiceFilters(district="310115"))
    assert pudong.groups[0].item.region == "310115"


def test_a_known_district_shows_its_own_first_without_filtering(seed):
    result = service_search(
        text="居住证", filters=ServiceFilters(), prefer_district="310115"
    )
    found = [group.item.name for group in result.groups]
    group = result.groups[found.index("居住证新办")]
    assert group.item.region == "310115"  # 张伟's district, from his resident ID
    assert [item.region for item in group.implementations] == [
        "310115",
        "310000",
        "310101",
    ]
    everywhere = service_search(text="居住证", filters=ServiceFilters())
    assert result.count == everywhere.count  # it orders, it never filters


def test_popular_services_name_each_service_once(seed):
    from types import SimpleNamespace

    from tongban.catalog.selectors import district_of, popular_services

    popular = popular_services(limit=8)
    assert len(popular) == 8
    basic = [item.basic_code for item in popular]
    assert len(set(basic)) == len(basic)
    card = next(item for item in popular if item.name == "居住证新办")
    assert card.region == "310000"
    zhang = SimpleNamespace(doc_type="resident_id", doc_masked="310115********0317")
    pudong = district_of(SimpleNamespace(kind="self", company=None, person=None), zhang)
    assert pudong == "310115"
    mine = popular_services(limit=8, prefer_district=pudong)
    assert next(i for i in mine if i.name == "居住证新办").region == "310115"
    passport = SimpleNamespace(doc_type="passport", doc_masked="53****006")
    assert district_of(None, passport) == ""
    company = SimpleNamespace(company=SimpleNamespace(region_code="310101"))
    assert district_of(company, zhang) == "310101"
