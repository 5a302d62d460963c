"""Pages: the home page and the time-limit calculator, in Chinese and English."""

import datetime as dt
import re
from pathlib import Path

import pytest

import tongban
from tongban.workdays.models import CalendarYear, DayOverride

pytestmark = pytest.mark.django_db


def test_home_page_says_what_tongban_is_searches_first_and_keeps_the_calculator(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "一网通办" in html
    assert 'role="search"' in html
    assert 'href="/workdays/"' in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_calculator_answers_without_javascript(client):
    response = client.get(
        "/workdays/",
        {
            "q": "add",
            "add-date": "2020-01-23",
            "add-days": "1",
            "add-unit": "working_days",
            "add-region": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="result">2020-02-03' in html


def test_calculator_answers_an_htmx_request_with_just_the_calculator(client):
    response = client.get(
        "/workdays/",
        {"q": "count", "count-start": "2020-02-10", "count-end": "2020-03-02"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="calculator"')
    assert "15 个工作日" in html
    assert "<html" not in html


def test_day_question_explains_a_holiday(client):
    html = client.get(
        "/workdays/", {"q": "day", "day-date": "2026-02-17"}
    ).content.decode()
    assert "休息日" in html
    assert "春节" in html
    assert "法定节假日" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {
                "q": "add",
                "add-date": "2026-03-02",
                "add-days": "1",
                "add-unit": "working_days",
                "add-region": "999999",
            },
            "地区代码 999999 不存在",
        ),
        (
            {
                "q": "add",
                "add-date": "1999-03-01",
                "add-days": "5",
                "add-unit": "working_days",
            },
            "日历中还没有 1999 年",
        ),
        (
            {"q": "add", "add-date": "", "add-days": "5", "add-unit": "working_days"},
            "这个字段是必填项",
        ),
        (
            {
                "q": "add",
                "add-date": "2026-03-02",
                "add-days": "-3",
                "add-unit": "working_days",
            },
            "0",
        ),
    ],
)
def test_errors_are_summarised_at_the_top_and_said_next_to_the_field(
    client, query, message
):
    html = client.get("/workdays/", query).content.decode()
    assert 'class="error-summary' in html
    assert message in html
    summary = html[
        html.index("error-summary") : html.index("</ul>", html.index("error-summary"))
    ]
    assert 'href="#id_add-' in summary


def test_english_pages_live_under_en(client):
    response = client.get(
        "/en/workdays/",
        {
            "q": "add",
            "add-date": "2020-01-23",
            "add-days": "1",
            "add-unit": "working_days",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Time-limit calculator" in html
    assert "2020-02-03" in html
    assert "working days" in html
    chinese_link = 'href="/workdays/?'
    assert chinese_link in html


def test_every_page_is_usable_on_a_phone(client):
    html = client.get("/").content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'class="visually-hidden-focusable skip-link" href="#main"' in html


def test_admin_warns_when_next_years_calendar_is_missing(admin_client, platform_clock):
    platform_clock.set_now(
        dt.datetime(2026, 10, 8, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    html = admin_client.get("/admin/").content.decode()
    assert "2027 年的节假日安排尚未录入" in html


def test_administrator_adds_a_year_in_the_admin_with_history(admin_client):
    response = admin_client.post(
        "/admin/workdays/calendaryear/add/",
        {
            "year": "2027",
            "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
            "published_on": "2026-11-10",
            "days": "2027-01-01 休 元旦\n2027-02-06~2027-02-12 休 春节\n2027-02-14 班 春节",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DayOverride.objects.filter(region="").count() == 9
    year = CalendarYear.objects.get(year=2027)
    history = admin_client.get(f"/admin/workdays/calendaryear/{year.pk}/history/")
    assert history.status_code == 200
    api = admin_client.get("/api/v1/workdays/add", {"date": "2027-02-05", "days": 1})
    assert api.json()["result"] == "2027-02-14"


def test_admin_refuses_an_unreadable_arrangement_and_saves_nothing(admin_client):
    response = admin_client.post(
        "/admin/workdays/calendaryear/add/",
        {"year": "2027", "source": "x", "days": "2027-01-01 元旦"},
    )
    assert response.status_code == 200
    assert "第 1 行无法识别" in response.content.decode()
    assert DayOverride.objects.count() == 0


def test_admin_adds_a_regional_adjustment_and_refuses_unknown_regions(admin_client):
    bad = admin_client.post(
        "/admin/workdays/dayoverride/add/",
        {
            "region": "999999",
            "date": "2026-03-06",
            "is_working_day": "",
            "name": "调休",
        },
    )
    assert bad.status_code == 200
    assert "999999" in bad.content.decode()
    good = admin_client.post(
        "/admin/workdays/dayoverride/add/",
        {
            "region": "310000",
            "date": "2026-03-06",
            "name": "调休",
            "basis": "沪府（测试）",
        },
    )
    assert good.status_code == 302
    api = admin_client.get("/api/v1/workdays/2026-03-06", {"region": "310115"}).json()
    assert api["is_working_day"] is False


def test_the_english_translation_is_complete():
    catalogue = (
        Path(tongban.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    )
    text = catalogue.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first entry is the header
    untranslated = [
        entry
        for entry in entries
        if re.search(r'msgstr(\[\d\])? ""\s*$', entry.strip())
    ]
    assert untranslated == []
    assert "#, fuzzy" not in text
