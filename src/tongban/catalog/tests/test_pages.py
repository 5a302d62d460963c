"""Catalogue pages: home, results, guide, department, window and bundle; both languages."""

import copy
import re
from pathlib import Path

import pytest
from django.conf import settings

from tongban.catalog.models import CatalogLoad, ServiceItem
from tongban.catalog.services import catalog_load
from tongban.catalog.tests.small_catalog import CITY, PUDONG, SERVICES, write_catalog

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
    assert (
        "民生路1500号" in chinese and "示例数据" not in chinese
    )  # cited, not a stand-in


def test_a_filter_change_gets_the_results_and_back_gets_the_whole_page(
    client, small_catalog
):
    query = {"q": "居住证", "district": "310115", "channel": "web"}
    changed = client.get("/services/", query, headers={"HX-Request": "true"})
    assert "<html" not in changed.content.decode()
    assert 'id="results"' in changed.content.decode()
    # Back or Forward: htmx keeps the search out of its cache and asks for the page again.
    restored = client.get(
        "/services/",
        query,
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ).content.decode()
    assert "<html" in restored and 'hx-history="false"' in restored
    assert 'value="310115" selected' in restored
    assert 'value="web" selected' in restored  # every filter is in the form


def test_a_guide_says_where_when_and_whom_to_ask_and_marks_demo_values(
    client, small_catalog
):
    city = client.get(f"/services/{SERVICES[0]['code']}/").content.decode()
    contact = city[city.index('data-testid="contact"') :]
    assert "办理地点和咨询" in contact
    assert "上海市黄浦区福州路185号" in contact
    assert (
        "周一至周五 9:00–11:30、13:30–17:00<br>周六 9:00–12:00<br>法定节假日休息"
        in (contact)
    )
    assert '<a class="d-inline-block py-2 py-sm-0" href="tel:12345"' in contact
    assert 'href="https://www.example.gov.cn/contact"' in contact  # its source
    assert "示例数据，非真实信息" not in city
    pudong = client.get(f"/services/{SERVICES[1]['code']}/").content.decode()
    assert 'data-testid="contact-demo">示例数据，非真实信息</span>' in pudong
    assert "上海市浦东新区合欢路2号" in pudong and 'href="tel:021-12345678"' in pudong
    # The department's own page says the same.
    department = client.get(f"/departments/{PUDONG}/").content.decode()
    assert (
        "上海市浦东新区合欢路2号" in department and "示例数据，非真实信息" in department
    )


def test_a_guide_opens_with_a_contents_list_of_its_sections(client, small_catalog):
    html = client.get(f"/services/{SERVICES[0]['code']}/").content.decode()
    contents = html[html.index('data-testid="contents"') :]
    contents = contents[: contents.index("</nav>")]
    assert "本页内容" in contents
    anchors = re.findall(r'href="#([a-z]+)"', contents)
    assert anchors == ["about", "who", "materials", "time", "fee", "how", "contact"]
    for anchor in anchors:  # each link leads to a heading of the page
        assert re.search(rf'<h2 id="{anchor}"', html), anchor
    assert html.index('data-testid="contents"') < html.index('<h2 id="about"')


def test_english_pages_name_departments_and_materials_in_english(client, small_catalog):
    guide = client.get(f"/en/services/{SERVICES[1]['code']}/").content.decode()
    assert "Pudong Branch, Shanghai Public Security Bureau" in guide
    assert "浦东新区公安分局" not in guide
    materials = guide[guide.index('id="materials"') : guide.index('id="time"')]
    assert "Resident identity card" in materials and "Proof of residence" in materials
    assert "居民身份证</strong>" not in materials
    assert "2 Hehuan Road, Pudong New Area, Shanghai" in guide
    results = client.get("/en/services/", {"q": "居住证"}).content.decode()
    assert "Shanghai Public Security Bureau" in results
    assert ">上海市公安局<" not in results
    department = client.get(f"/en/departments/{PUDONG}/").content.decode()
    assert "Residence permit applications in Pudong." in department
    assert (
        "浦东新区居住证受理" not in department
        and "浦东新区（310115）" not in department
    )
    assert "2 Hehuan Road, Pudong New Area, Shanghai" in department


def test_english_contact_names_one_department_days_and_demo_values(
    client, small_catalog
):
    guide = client.get(f"/en/services/{SERVICES[0]['code']}/").content.decode()
    contact = guide[guide.index('data-testid="contact"') :]
    assert "Where to go and who to ask" in contact
    assert '<dt class="col-sm-3">Department</dt>' in contact
    assert (
        "Monday to Friday 9:00–11:30, 13:30–17:00<br>Saturday 9:00–12:00<br>"
        "Closed on public holidays" in contact
    )
    assert "185 Fuzhou Road, Huangpu District, Shanghai" in contact
    assert "Contents" in guide
    pudong = client.get(f"/en/services/{SERVICES[1]['code']}/").content.decode()
    assert "Demo data, not real" in pudong


def test_the_case_summary_names_the_department_in_the_readers_language():
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    case = SimpleNamespace(
        number="TB-1",
        get_status_display=lambda: "已收件",
        deadline_pending_year=None,
        item={"name": "居住证新办", "name_en": "Residence permit"},
        department=SimpleNamespace(
            name="浦东新区公安分局", name_en="Pudong Branch, Public Security Bureau"
        ),
    )
    with translation.override("en"):
        html = render_to_string("cases/_summary.html", {"case": case})
    assert '<dt class="col-sm-4">Department</dt>' in html
    assert "Pudong Branch, Public Security Bureau" in html
    with translation.override("zh-hans"):
        html = render_to_string("cases/_summary.html", {"case": case})
    assert '<dt class="col-sm-4">部门</dt><dd class="col-sm-8">浦东新区公安分局' in html
