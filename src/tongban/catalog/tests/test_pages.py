"""Catalogue pages: home, results, guide, department, window and bundle; both languages."""

import copy
from pathlib import Path

import pytest
from django.conf import settings

from tongban.catalog.models import CatalogLoad, ServiceItem
from tongban.catalog.services import catalog_load
from tongban.catalog.tests.small_catalog import CITY, SERVICES, write_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_catalog(tmp_path):
    catalog_load(root=write_catalog(tmp_path), actor="test")


def test_home_shows_search_popular_services_windows_bundles_and_departments(
    client, small_catalog
):
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert html.index("居住证新办") < html.index("居住证签注")  # the more popular first
    assert 'href="/windows/residents/"' in html
    assert 'href="/bundles/arrival/"' in html
    assert f'href="/departments/{CITY}/"' in html


def test_results_page_lists_matches_and_filters_by_district(client, small_catalog):
    html = client.get(
        "/services/", {"q": "居住证", "district": "310115"}
    ).content.decode()
    assert "找到 2 项服务" in html
    assert f'href="/services/{SERVICES[1]["code"]}/"' in html
    assert 'value="310115" selected' in html


def test_one_item_in_several_districts_is_one_result_with_a_district_choice(
    client, small_catalog
):
    html = client.get("/services/", {"q": "居住证"}).content.decode()
    assert "找到 2 项服务" in html
    assert html.count(">居住证新办</a>") == 1
    assert html.count('data-testid="districts"') == 1  # 签注 is the city's alone
    choice = html[html.index('data-testid="districts"') :]
    # The city's first and shown (no district known); then Pudong's.
    assert choice.index(f'/services/{SERVICES[0]["code"]}/" aria-current="true"') < (
        choice.index(f'/services/{SERVICES[1]["code"]}/"')
    )
    assert ">上海市</a>" in choice and ">浦东新区</a>" in choice


def test_filters_live_in_the_url_so_a_result_page_can_be_shared(client, small_catalog):
    html = client.get(
        "/services/", {"q": "居住证", "district": "310115", "page": "1"}
    ).content.decode()
    assert 'method="get"' in html and 'hx-push-url="true"' in html
    assert 'value="310115" selected' in html  # the filter read back from the URL
    # Pudong's own implementation stands for the item when Pudong is chosen.
    assert f'href="/services/{SERVICES[1]["code"]}/" aria-current="true"' in html


def test_no_match_offers_suggestions_and_popular_services_never_an_empty_page(
    client, small_catalog
):
    html = client.get("/services/", {"q": "居主证"}).content.decode()
    assert "没有找到“居主证”" in html
    assert 'data-testid="suggestions"' in html
    assert 'data-testid="popular"' in html
    nonsense = client.get("/services/", {"q": "qwxzv"}).content.decode()
    assert 'data-testid="popular"' in nonsense


def test_a_bad_filter_is_said_on_the_page(client, small_catalog):
    response = client.get("/services/", {"mode": "fast"})
    assert response.status_code == 200
    assert "mode 只能是" in response.content.decode()


def test_guide_reads_top_to_bottom_and_switches_district(client, small_catalog):
    html = client.get(f"/services/{SERVICES[1]['code']}/").content.decode()
    order = ["事项说明", "谁可以申请", "申请材料", "办理时限", "收费", "怎么办"]
    positions = [html.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "免交" in html and "人口库" in html
    assert "可容缺后补" in html
    assert "15 个工作日" in html and "10 个工作日" in html
    assert (
        f'href="/services/{SERVICES[0]["code"]}/"' in html
    )  # the city's implementation
    assert 'aria-current="page"' in html
    assert html.index("选择办理地区") < html.index('data-testid="apply"')


def test_an_old_version_stays_readable(client, tmp_path):
    catalog_load(root=write_catalog(tmp_path / "a"), actor="test")
    changed = copy.deepcopy(SERVICES)
    changed[0]["description"] = "新的说明。"
    catalog_load(root=write_catalog(tmp_path / "b", changed), actor="test")
    old = client.get(f"/services/{SERVICES[0]['code']}/", {"v": 1}).content.decode()
    assert "居住证新办的说明。" in old
    assert "您正在查看第 1 版" in old
    current = client.get(f"/services/{SERVICES[0]['code']}/").content.decode()
    assert "新的说明。" in current


def test_unknown_pages_are_404_with_a_way_on(client, small_catalog):
    for url in [
        "/services/nope/",
        "/departments/nope/",
        "/windows/nope/",
        "/bundles/nope/",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert 'href="/services/"' in response.content.decode()


def test_collections_and_departments_pages(client, small_catalog):
    assert "居住证新办" in client.get("/windows/residents/").content.decode()
    assert "来沪一件事" in client.get("/bundles/arrival/").content.decode()
    assert "居住证签注" in client.get(f"/departments/{CITY}/").content.decode()
    assert "浦东新区公安分局" in client.get("/departments/").content.decode()


def test_english_chrome_and_english_names(client, small_catalog):
    html = client.get("/en/services/", {"q": "居住证"}).content.decode()
    assert '<html lang="en">' in html
    assert "Find a service" in html
    guide = client.get(f"/en/services/{SERVICES[0]['code']}/").content.decode()
    assert (
        "This service&#x27;s guide is published in Chinese." in guide
        or "published in Chinese" in guide
    )
    assert "Materials" in guide


def test_large_text_mode_is_a_cookie_that_works_without_javascript(
    client, small_catalog
):
    response = client.get("/display/large-text/", {"next": "/services/"})
    assert response.status_code == 302
    assert response["Location"] == "/services/"
    assert 'class="large-text"' in client.get("/").content.decode()
    client.get("/display/large-text/", {"next": "/"})
    assert 'class="large-text"' not in client.get("/").content.decode()
    outside = client.get("/display/large-text/", {"next": "https://evil.example/"})
    assert outside["Location"] == "/"


def test_administrators_read_items_versions_and_publications_but_cannot_edit(
    admin_client, small_catalog
):
    item = ServiceItem.objects.get(code=SERVICES[0]["code"])
    for url in [
        "/admin/catalog/serviceitem/",
        f"/admin/catalog/serviceitem/{item.pk}/change/",
        "/admin/catalog/serviceversion/",
        "/admin/catalog/catalogload/",
        "/admin/catalog/department/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/catalog/serviceitem/add/").status_code == 403
    load = CatalogLoad.objects.get()
    assert (
        admin_client.post(f"/admin/catalog/catalogload/{load.pk}/delete/").status_code
        == 403
    )
    assert CatalogLoad.objects.count() == 1


def test_visa_says_on_the_page_that_it_is_handled_by_exit_entry(client):
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    html = client.get("/en/services/", {"q": "visa"}).content.decode()
    assert 'data-testid="referral"' in html
    assert "not on this platform" in html
    assert "Exit-Entry Administration Bureau" in html
    assert "12367" in html
    chinese = client.get("/services/", {"q": "签证"}).content.decode()
    assert "外国人签证的签发、延期和换发由公安机关出入境管理部门办理" in chinese
    assert "示例数据" in chinese  # the office's address is marked as not yet checked
