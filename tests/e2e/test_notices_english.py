"""An applicant who prefers English sees, beside the Chinese acceptance notice on their case
page, its English version for reference — which says the Chinese text prevails."""

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, expect

from tests.e2e.test_cases import (
    _page,
    apply_for_the_office,
    open_case,
    person_login,
    staff_login,
)

pytestmark = pytest.mark.browser

HANDLER = "810000199005050026"  # 陈美玲, the office's handler in the demo data


def _language(demo, language: str) -> None:
    demo.tongban(
        "shell",
        "-c",
        "from tongban.accounts.models import Person;"
        f"Person.objects.filter(name='陈美玲').update(language='{language}')",
    )


def _text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def test_an_english_preferring_applicant_sees_the_english_acceptance_notice(
    browser: Browser, demo
) -> None:
    handler = _page(browser, demo)
    person_login(handler, HANDLER)
    number = apply_for_the_office(handler)  # its receipt issued in Chinese only
    _language(demo, "en")
    try:
        clerk = _page(browser, demo)
        staff_login(clerk, demo, "sh-amr-intake")
        open_case(clerk, number)
        clerk.get_by_test_id("do-accept").click()
        expect(clerk.get_by_test_id("case-status")).to_have_text("已受理，审查中")

        handler.goto(f"/cases/{number}/")
        documents = handler.get_by_test_id("documents")
        acceptance = documents.get_by_test_id("document-acceptance")
        expect(acceptance).to_contain_text("受理通知书")
        english = acceptance.get_by_test_id("document-en")
        expect(english).to_be_visible()
        # decided when each was issued: the receipt came before the preference
        expect(
            documents.get_by_test_id("document-receipt").get_by_test_id("document-en")
        ).to_have_count(0)
        english.click()
        expect(handler.get_by_test_id("pdf-viewer")).to_have_attribute(
            "data-rendered", re.compile(r"^[1-9]")
        )
        raw = handler.get_by_test_id("download").get_attribute("href")
        assert raw is not None and raw.endswith("?lang=en")
        answer = handler.request.get(raw)
        assert answer.status == 200
        assert answer.headers["content-type"] == "application/pdf"
        text = " ".join(_text(answer.body()).split())
        with translation.override("en"):
            prevails = gettext("本英文译本仅供参考，以中文文本为准。")
        assert prevails in text
        assert "Shanghai Administration for Market Regulation" in text
        assert number in text
        # the Chinese notice, at its own address, has no such line
        chinese = handler.request.get(raw.removesuffix("?lang=en"))
        assert prevails not in " ".join(_text(chinese.body()).split())
        for page in (handler, clerk):
            page.context.close()
    finally:
        _language(demo, "zh-hans")
