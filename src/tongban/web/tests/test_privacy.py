"""The privacy policy: one page per language, naming the officer the deployment set, of
the version registration records, linked from the footer and the registration form."""

import re

import pytest
from django.test import override_settings

from tongban.accounts.constants import CONSENT_VERSION

pytestmark = pytest.mark.django_db

OFFICER = {
    "name": "赵丽华",
    "email": "privacy@zwfw.example.gov.cn",
    "phone": "021-12345678",
}
OPERATOR = "某市大数据中心"


@override_settings(PERSONAL_INFORMATION_OFFICER=OFFICER, PLATFORM_OPERATOR=OPERATOR)
def test_the_chinese_policy_names_the_officer_the_operator_and_the_version(client):
    response = client.get("/privacy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "<title>隐私政策 · 一网通办</title>" in html
    assert '<h1 class="h2">通办隐私政策</h1>' in html
    assert f"版本 {CONSENT_VERSION}。" in html
    officer = re.search(r'data-testid="pi-officer">(.*?)</dl>', html, re.S)
    assert officer is not None
    assert "赵丽华" in officer.group(1)
    assert 'href="mailto:privacy@zwfw.example.gov.cn"' in officer.group(1)
    assert 'href="tel:021-12345678"' in officer.group(1)
    assert f'<strong data-testid="operator">{OPERATOR}</strong>' in html
    # the rights section leads to the pages where they are used, in the same language
    assert 'href="/accounts/me/data/"' in html
    assert 'href="/accounts/me/proxies/"' in html
    assert "pi-officer-missing" not in html


@override_settings(PERSONAL_INFORMATION_OFFICER=OFFICER, PLATFORM_OPERATOR=OPERATOR)
def test_the_english_policy_is_its_own_text_with_the_same_officer_and_version(client):
    response = client.get("/en/privacy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert '<h1 class="h2">Tongban privacy policy</h1>' in html
    assert f"Version {CONSENT_VERSION}." in html
    assert "通办隐私政策" not in html
    officer = re.search(r'data-testid="pi-officer">(.*?)</dl>', html, re.S)
    assert officer is not None
    assert "赵丽华" in officer.group(1)
    assert 'href="/en/accounts/me/data/"' in html


@override_settings(
    PERSONAL_INFORMATION_OFFICER={"name": "", "email": "", "phone": ""},
    PLATFORM_OPERATOR="",
)
def test_a_deployment_that_names_no_officer_says_so_and_where_to_turn(client):
    html = client.get("/privacy/").content.decode()
    assert 'data-testid="pi-officer"' not in html
    assert 'data-testid="operator"' not in html
    assert "尚未在此公布个人信息保护负责人" in html
    assert "12345" in html
    english = client.get("/en/privacy/").content.decode()
    assert "has not yet named its personal-information protection officer" in english


@pytest.mark.parametrize(
    ("prefix", "policy"), [("", "/privacy/"), ("/en", "/en/privacy/")]
)
def test_every_page_footer_links_the_policy_in_its_language(client, prefix, policy):
    html = client.get(f"{prefix}/").content.decode()
    assert f'<a href="{policy}" data-testid="privacy-link">' in html


@pytest.mark.parametrize(
    ("prefix", "policy"), [("", "/privacy/"), ("/en", "/en/privacy/")]
)
def test_the_registration_agreement_links_the_policy_in_a_new_tab(
    client, prefix, policy
):
    html = client.get(f"{prefix}/accounts/register/").content.decode()
    label = re.search(
        r'<label class="form-check-label" for="id_agree">(.*?)</label>', html
    )
    assert label is not None
    assert f'<a href="{policy}" target="_blank" rel="noopener">' in label.group(1)
    terms = policy.replace("/privacy/", "/terms/")  # the user agreement beside it
    assert f'<a href="{terms}" target="_blank" rel="noopener">' in label.group(1)
    assert label.group(1).count("<a ") == 2
