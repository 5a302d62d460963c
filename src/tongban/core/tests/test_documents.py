"""Identity document numbers: resident IDs, permits, permanent residence, passports."""

import datetime as dt

import pytest

from tongban import regions
from tongban.core.documents import (
    EXIT_ENTRY_TYPES,
    REGISTRY_BY_TYPE,
    DocumentType,
    country_alpha3_from_numeric,
    country_exists,
    country_name,
    document_mask,
    document_validate,
    gb11643_check_character,
)
from tongban.core.errors import InvalidInput

TODAY = dt.date(2026, 11, 29)

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """Independent MOD 11-2, written out from the standard's table."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return {
        0: "1",
        1: "0",
        2: "X",
        3: "9",
        4: "8",
        5: "7",
        6: "6",
        7: "5",
        8: "4",
        9: "3",
        10: "2",
    }[total % 11]


def make_id(region: str, born: str, sequence: str = "011") -> str:
    body = region + born + sequence
    return body + check_char(body)


def rejected(doc_type, number, **kwargs) -> InvalidInput:
    kwargs.setdefault("today", TODAY)
    with pytest.raises(InvalidInput) as caught:
        document_validate(doc_type, number, **kwargs)
    return caught.value


# One real county-level code under every province-level division (current codes).
COUNTIES = {
    "11": "110102",  # 北京 西城区
    "12": "120102",  # 天津 河东区
    "13": "130102",  # 石家庄 长安区
    "14": "140105",  # 太原 小店区
    "15": "150102",  # 呼和浩特 新城区
    "21": "210102",  # 沈阳 和平区
    "22": "220102",  # 长春 南关区
    "23": "230102",  # 哈尔滨 道里区
    "31": "310104",  # 上海 徐汇区
    "32": "320102",  # 南京 玄武区
    "33": "330102",  # 杭州 上城区
    "34": "340102",  # 合肥 瑶海区
    "35": "350102",  # 福州 鼓楼区
    "36": "360102",  # 南昌 东湖区
    "37": "370102",  # 济南 历下区
    "41": "410102",  # 郑州 中原区
    "42": "420102",  # 武汉 江岸区
    "43": "430102",  # 长沙 芙蓉区
    "44": "440103",  # 广州 荔湾区
    "45": "450102",  # 南宁 兴宁区
    "46": "460105",  # 海口 秀英区
    "50": "500102",  # 重庆 涪陵区
    "51": "510104",  # 成都 锦江区
    "52": "520102",  # 贵阳 南明区
    "53": "530102",  # 昆明 五华区
    "54": "540102",  # 拉萨 城关区
    "61": "610102",  # 西安 新城区
    "62": "620102",  # 兰州 城关区
    "63": "630102",  # 西宁 城东区
    "64": "640104",  # 银川 兴庆区
    "65": "650102",  # 乌鲁木齐 天山区
}


def test_the_check_character_matches_an_independent_implementation():
    for body in ("11010519491231002", "44052418800101001", "31011519500101011"):
        assert gb11643_check_character(body) == check_char(body)


@pytest.mark.parametrize("province", sorted(COUNTIES))
def test_a_resident_id_from_every_province_is_valid(province):
    county = COUNTIES[province]
    region = regions.get(county)
    assert region is not None and region.is_current
    number = make_id(county, "19850615", "123")
    facts = document_validate("resident_id", number, today=TODAY)
    assert facts.doc_type == "resident_id"
    assert facts.number == number
    assert facts.birth_date == dt.date(1985, 6, 15)
    assert facts.sex == "male"
    assert facts.region_code == county
    assert facts.nationality == "CHN"


def test_published_vectors_are_valid():
    woman = document_validate("resident_id", "11010519491231002X", today=TODAY)
    assert woman.birth_date == dt.date(1949, 12, 31)
    assert woman.sex == "female"
    assert woman.region_code == "110105"
    oldest = document_validate("resident_id", "440524188001010014", today=TODAY)
    assert oldest.birth_date == dt.date(1880, 1, 1)
    assert oldest.sex == "male"
    # 440524 潮阳县 was abolished long ago: the code still counts.
    region = regions.get("440524")
    assert region is not None
    assert region.last_year is not None


def test_lower_case_x_and_spaces_are_normalised():
    facts = document_validate("resident_id", " 110105 19491231 002x ", today=TODAY)
    assert facts.number == "11010519491231002X"


def test_pudong_number_for_someone_born_before_pudong_existed():
    # 310115 浦东新区 first appears in 1992; the code records where the number was
    # first assigned, not where the person was born.
    pudong = regions.get("310115")
    assert pudong is not None
    assert pudong.first_year > 1950
    number = make_id("310115", "19500101", "011")
    facts = document_validate("resident_id", number, today=TODAY)
    assert facts.birth_date == dt.date(1950, 1, 1)
    assert facts.region_code == "310115"


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("310103", "20050301"),  # 卢湾区, merged into 黄浦区 in 2011
        ("310108", "20080808"),  # 闸北区, merged into 静安区 in 2015
        ("310230", "20100520"),  # 崇明县, became 崇明区 in 2016
        ("310103", "20100101"),
    ],
)
def test_abolished_shanghai_codes_for_people_born_after_they_went(code, born):
    region = regions.get(code)
    assert region is not None and region.last_year is not None
    facts = document_validate("resident_id", make_id(code, born, "022"), today=TODAY)
    assert facts.sex == "female"
    assert facts.region_code == code


def test_leap_days():
    facts = document_validate("resident_id", make_id("310104", "20000229"), today=TODAY)
    assert facts.birth_date == dt.date(2000, 2, 29)
    for born in ("19000229", "20230229", "20240230"):
        error = rejected("resident_id", make_id("310104", born))
        assert error.code == "invalid_id_number"
        assert error.fields == {"number": "birth_date"}


def test_born_today_is_valid_and_born_tomorrow_is_not():
    today = make_id("310104", TODAY.strftime("%Y%m%d"))
    assert document_validate("resident_id", today, today=TODAY).birth_date == TODAY
    tomorrow = make_id("310104", (TODAY + dt.timedelta(days=1)).strftime("%Y%m%d"))
    assert rejected("resident_id", tomorrow).fields == {"number": "birth_date"}


def test_born_before_1880_is_refused():
    error = rejected("resident_id", make_id("440524", "18791231"))
    assert error.fields == {"number": "birth_date"}


def test_today_defaults_to_the_platform_clock():
    facts = document_validate("resident_id", "11010519491231002X")
    assert facts.birth_date == dt.date(1949, 12, 31)


def test_wrong_check_character_is_refused():
    error = rejected("resident_id", "110105194912310021")
    assert error.code == "invalid_id_number"
    assert error.fields == {"number": "check_character"}
    assert "校验码" in str(error.message)
    assert error.status == 422


def test_month_13_is_refused():
    error = rejected("resident_id", make_id("310104", "19901301"))
    assert error.fields == {"number": "birth_date"}
    assert "19901301" in str(error.message)


@pytest.mark.parametrize("code", ["999999", "310199", "110199"])
def test_codes_that_never_existed_are_refused(code):
    assert not regions.exists(code)
    error = rejected("resident_id", make_id(code, "19900101"))
    assert error.code == "invalid_id_number"
    assert error.fields == {"number": "region"}
    assert code in str(error.message)


@pytest.mark.parametrize(
    "number",
    [
        "1101051949123100",  # 16 characters
        "1101051949123100211",  # 19 characters
        "11010519491231002Y",
        "X10105194912310021",
        "",
    ],
)
def test_malformed_resident_ids_are_refused(number):
    error = rejected("resident_id", number)
    assert error.code == "invalid_id_number"
    assert error.fields == {"number": "format"}


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_residence_permit_numbers_are_not_resident_ids(prefix):
    error = rejected("resident_id", make_id(prefix, "19900101"))
    assert error.code == "invalid_id_number"
    assert error.fields == {"number": "residence_permit"}


def test_permanent_residence_numbers_are_not_resident_ids():
    error = rejected("resident_id", "911398199012310021")
    assert error.fields == {"number": "permanent_residence"}


@pytest.mark.parametrize(
    ("prefix", "born", "sex"),
    [
        ("810000", "19781224", "male"),  # Hong Kong
        ("820000", "19991220", "female"),  # Macao
        ("830000", "20000229", "male"),  # Taiwan
    ],
)
def test_hmt_residence_permits(prefix, born, sex):
    sequence = "013" if sex == "male" else "024"
    number = make_id(prefix, born, sequence)
    facts = document_validate("hmt_residence_permit", number.lower(), today=TODAY)
    assert facts.region_code == prefix
    assert facts.nationality == "CHN"
    assert facts.sex == sex
    assert facts.birth_date == dt.date(int(born[:4]), int(born[4:6]), int(born[6:]))


def test_invalid_hmt_residence_permits():
    assert rejected("hmt_residence_permit", make_id("310104", "19900101")).code == (
        "invalid_document"
    )
    good = make_id("810000", "19900101")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert rejected("hmt_residence_permit", wrong).fields == {
        "number": "check_character"
    }
    assert rejected("hmt_residence_permit", make_id("820000", "19900230")).fields == {
        "number": "birth_date"
    }


@pytest.mark.parametrize(
    "number", ["H12345678", "M87654321", "h01234567", "H1234567890"]
)
def test_hk_mo_travel_permits(number):
    facts = document_validate("hk_mo_travel_permit", number, today=TODAY)
    assert facts.number == number.upper()
    assert facts.nationality == "CHN"
    assert facts.birth_date is None


@pytest.mark.parametrize("number", ["C12345678", "H1234567", "H123456789", "12345678"])
def test_invalid_hk_mo_travel_permits(number):
    assert rejected("hk_mo_travel_permit", number).code == "invalid_document"


def test_tw_travel_permits():
    facts = document_validate("tw_travel_permit", "0725 7456", today=TODAY)
    assert facts.number == "07257456"
    assert facts.nationality == "CHN"
    for number in ("1234567", "123456789", "T1234567"):
        assert rejected("tw_travel_permit", number).code == "invalid_document"


def test_new_permanent_residence_number():
    # A vector from public code (9, 11 Beijing, 398 Kazakhstan, 1990-12-31, 002, 1).
    facts = document_validate("permanent_residence", "911398199012310021", today=TODAY)
    assert facts.nationality == "KAZ"
    assert facts.region_code == "110000"
    assert facts.birth_date == dt.date(1990, 12, 31)
    assert facts.sex == "female"


@pytest.mark.parametrize(
    ("numeric", "alpha3"),
    [("840", "USA"), ("826", "GBR"), ("276", "DEU"), ("392", "JPN")],
)
def test_new_permanent_residence_nationalities(numeric, alpha3):
    body = "931" + numeric + "19800704" + "135"  # 31 Shanghai
    facts = document_validate(
        "permanent_residence", body + check_char(body), today=TODAY
    )
    assert facts.nationality == alpha3
    assert facts.region_code == "310000"
    assert facts.sex == "male"


def test_invalid_new_permanent_residence_numbers():
    assert rejected("permanent_residence", "911398199012310022").fields == {
        "number": "check_character"
    }
    for body, reason in [
        ("99939819901231002", "region"),  # 99 is no province
        ("91199919901231002", "nationality"),  # 999 is no country
        ("91115619901231002", "nationality"),  # 156 is China
        ("91139819900231002", "birth_date"),
    ]:
        error = rejected("permanent_residence", body + check_char(body))
        assert error.code == "invalid_document"
        assert error.fields == {"number": reason}


def test_declared_nationality_must_match_the_permanent_residence_number():
    facts = document_validate(
        "permanent_residence", "911398199012310021", nationality="kaz", today=TODAY
    )
    assert facts.nationality == "KAZ"
    error = rejected("permanent_residence", "911398199012310021", nationality="USA")
    assert error.fields == {"nationality": "mismatch"}


def test_old_permanent_residence_number():
    facts = document_validate("permanent_residence", "KAZ110090123105", today=TODAY)
    assert facts.nationality == "KAZ"
    assert facts.region_code == "110000"
    assert facts.birth_date == dt.date(1990, 12, 31)
    young = document_validate("permanent_residence", "usa310005060112", today=TODAY)
    assert young.nationality == "USA"
    assert young.birth_date == dt.date(2005, 6, 1)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("KAA110090123105", "nationality"),
        ("CHN110090123105", "nationality"),
        ("KAZ990090123105", "region"),
        ("KAZ110090023105", "birth_date"),  # February 31st
        ("KAZ11009012310", "format"),
        ("KA1110090123105", "format"),
    ],
)
def test_invalid_old_permanent_residence_numbers(number, reason):
    error = rejected("permanent_residence", number)
    assert error.code == "invalid_document"
    assert error.fields == {"number": reason}


@pytest.mark.parametrize(
    ("nationality", "number"),
    [
        ("USA", "A12345678"),
        ("GBR", "123456789"),
        ("DEU", "C01X00T47"),
        ("JPN", "TK1234567"),
        ("kor", "M12345678"),
    ],
)
def test_foreign_passports(nationality, number):
    facts = document_validate("passport", number, nationality=nationality, today=TODAY)
    assert facts.nationality == nationality.upper()
    assert facts.number == number
    assert facts.birth_date is None


def test_chinese_passports_are_not_foreign_passports():
    error = rejected("passport", "E12345678", nationality="CHN")
    assert error.code == "invalid_document"
    assert error.fields == {"nationality": "chinese"}
    assert "中国护照" in str(error.message)


def test_passport_needs_a_real_nationality_and_a_plausible_number():
    assert rejected("passport", "A12345678").fields == {"nationality": "required"}
    assert rejected("passport", "A12345678", nationality="XYZ").fields == {
        "nationality": "unknown"
    }
    assert rejected("passport", "A12-345678", nationality="USA").fields == {
        "number": "format"
    }
    assert rejected("passport", "A123", nationality="USA").fields == {
        "number": "format"
    }
    assert rejected("passport", "A" * 21, nationality="USA").fields == {
        "number": "format"
    }


def test_unknown_document_type():
    error = rejected("driving_licence", "123456")
    assert error.code == "invalid_document"
    assert error.fields == {"doc_type": "unknown"}


def test_registries_and_labels():
    assert REGISTRY_BY_TYPE["resident_id"] == "population"
    expected = set(DocumentType.values) - {"resident_id"}
    assert expected == EXIT_ENTRY_TYPES
    assert set(REGISTRY_BY_TYPE) == set(DocumentType.values)
    assert str(DocumentType.RESIDENT_ID.label) == "居民身份证"
    assert str(DocumentType.PASSPORT.label) == "外国护照"


@pytest.mark.parametrize(
    ("doc_type", "number", "masked"),
    [
        ("resident_id", "310115195001010112", "310115********0112"),
        ("resident_id", "11010519491231002x", "110105********002X"),
        ("hmt_residence_permit", "810000197812240133", "810000********0133"),
        ("permanent_residence", "911398199012310021", "911398********0021"),
        ("permanent_residence", "KAZ110090123105", "KA***********05"),
        ("hk_mo_travel_permit", "H12345678", "H1*****78"),
        ("tw_travel_permit", "07257456", "07****56"),
        ("passport", "A12345678", "A1*****78"),
    ],
)
def test_masks(doc_type, number, masked):
    assert document_mask(doc_type, number) == masked


def test_masks_of_very_short_values_hide_most_of_them():
    assert document_mask("passport", "AB12") == "**12"
    assert document_mask("passport", "") == ""


def test_countries():
    assert country_exists("USA") and country_exists("deu") and country_exists("CHN")
    assert not country_exists("XYZ") and not country_exists("")
    assert country_name("GBR") == "United Kingdom"
    assert country_name("XYZ") == "XYZ"
    assert country_alpha3_from_numeric("410") == "KOR"
    assert country_alpha3_from_numeric("999") is None
