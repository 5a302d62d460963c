"""Issued documents are stored once and never change; notices read like notices (the
addressee by name, no line starting with a closing mark, the case number whole, how the
result arrives, where to ask for review); an English version for reference beside the
Chinese for applicants who prefer English."""

import hashlib
import re
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tongban.accounts.middleware import SESSION_ACTING
from tongban.accounts.models import Person
from tongban.cases import pdf
from tongban.cases.models import Case, CaseDocument
from tongban.cases.pdf import CANNOT_END, CANNOT_START, cjk_lines
from tongban.cases.services import documents_render, documents_unrendered_render
from tongban.cases.services.documents import document_store
from tongban.cases.tests.conftest import CHAN, World

OFFICE_NAME = "英国示范贸易有限公司上海代表处"
# What the notices must never start a line with (the issue's list and GB/T 15834's).
CLOSING = "，。、；：）》」”？！"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _url(number: str, document: str, english: bool = False) -> str:
    lang = "?lang=en" if english else ""
    return f"/api/v1/cases/{number}/documents/{urllib.parse.quote(document)}.pdf{lang}"


def _get(world: World, number: str, document: str, english: bool = False) -> Any:
    return world.handler.client.get(
        _url(number, document, english), headers=world.handler._headers()
    )


def _text(data: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    path = tmp_path / f"{hashlib.sha256(data).hexdigest()[:12]}.pdf"
    path.write_bytes(data)
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _compact(text: str) -> str:
    return "".join(text.split())


def _documents(world: World, number: str) -> list[dict[str, Any]]:
    return world.handler.get(f"/cases/{number}").json()["documents"]


def _prefers_english() -> None:
    Person.objects.filter(name=CHAN[0]).update(language="en")


# --- stored once, never changed ----------------------------------------------------------


def test_an_issued_document_keeps_its_bytes_when_the_wording_changes(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = world.apply().json()["number"]
    receipt = _documents(world, number)[0]
    first = _get(world, number, receipt["number"])
    assert first.status_code == 200
    stored = CaseDocument.objects.get(number=receipt["number"])
    assert stored.file.name.startswith(f"documents/{number}/")
    assert stored.sha256 == hashlib.sha256(first.content).hexdigest()
    assert stored.rendered_at is not None
    with default_storage.open(stored.file.name, "rb") as file:
        assert file.read() == first.content

    original = pdf._paragraphs

    def reworded(document: CaseDocument, english: bool) -> list[str]:
        return ["本段为修改后的新措辞。", *original(document, english)]

    monkeypatch.setattr(pdf, "_paragraphs", reworded)
    again = _get(world, number, receipt["number"])
    assert again.content == first.content
    assert "新措辞" not in _compact(_text(again.content, tmp_path))

    # a document issued after the change says the new wording, and keeps it
    world.act(world.clerk, number, "accept")
    acceptance = _documents(world, number)[-1]
    assert acceptance["kind"] == "acceptance"
    new = _get(world, number, acceptance["number"]).content
    assert "本段为修改后的新措辞。" in _compact(_text(new, tmp_path))
    monkeypatch.setattr(pdf, "_paragraphs", original)
    assert _get(world, number, acceptance["number"]).content == new


def test_the_worker_stores_documents_and_a_late_second_renderer_keeps_the_first_file(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    receipt = CaseDocument.objects.get(case__number=number)
    assert receipt.file.name == ""  # the step only queued it
    stale = CaseDocument.objects.get(pk=receipt.pk)  # another renderer, loaded now
    assert documents_render([receipt.pk]) == 1
    receipt.refresh_from_db()
    assert receipt.file.name and receipt.sha256
    assert documents_render([receipt.pk]) == 0  # stored once
    _folders, before = default_storage.listdir(f"documents/{number}")
    assert receipt.file.name.rsplit("/", 1)[1] in before
    # the other renderer finishes later: it loses, deletes its file, keeps the first
    late = document_store(document=stale)
    assert (late.file.name, late.sha256) == (receipt.file.name, receipt.sha256)
    _folders, after = default_storage.listdir(f"documents/{number}")
    assert sorted(after) == sorted(before)


def test_the_job_renders_what_no_worker_stored(world: World) -> None:
    _prefers_english()
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    unstored = CaseDocument.objects.filter(case__number=number)
    assert [d.file.name for d in unstored] == ["", ""]
    # two documents, each in Chinese and in English
    assert documents_unrendered_render() == 4
    assert documents_unrendered_render() == 0
    for document in CaseDocument.objects.filter(case__number=number):
        assert document.file.name and document.file_en.name
        assert document.sha256 != document.sha256_en


# --- notices read like notices ----------------------------------------------------------


def test_a_notice_is_addressed_to_the_applicant_by_name(
    world: World, tmp_path: Path
) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    for document in _documents(world, number):
        text = _compact(
            _text(_get(world, number, document["number"]).content, tmp_path)
        )
        assert f"{OFFICE_NAME}：" in text
        assert "你（单位）" not in text
        assert "你单位" in text  # a company is addressed as one


def _refused(world: World, reason: str = "任免文件未经公证认证。") -> tuple[str, str]:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    world.act(
        world.reviewer, number, "review", recommend="refuse", opinion="材料不符合要求"
    )
    refused = world.act(world.approver, number, "refuse", reason=reason)
    assert refused.status_code == 200, refused.json()
    return number, refused.json()["documents"][-1]["number"]


def test_a_refusal_says_where_to_ask_for_review_and_when(
    world: World, tmp_path: Path
) -> None:
    number, refusal = _refused(world)
    text = _compact(_text(_get(world, number, refusal).content, tmp_path))
    # 市市场监管局 is a city department: reviewed by the city government (Art. 24)
    assert "六十日内向上海市人民政府申请行政复议" in text
    assert "六个月内依法向有管辖权的人民法院提起行政诉讼" in text
    assert "《中华人民共和国行政复议法》第二十条" in text
    content = CaseDocument.objects.get(number=refusal).content
    assert content["review_body"] == "上海市人民政府"
    assert content["review_body_en"] == "Shanghai Municipal People's Government"
    # the content says what the PDF says, in Chinese, whatever the clerk's page language
    assert "六十日内向上海市人民政府申请行政复议" in content["rights"]


def test_a_non_acceptance_names_the_review_body_too(
    world: World, tmp_path: Path
) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "refuse_intake", reason="不属于本机关职权范围。")
    notice = _documents(world, number)[-1]
    assert notice["kind"] == "non_acceptance"
    text = _compact(_text(_get(world, number, notice["number"]).content, tmp_path))
    assert "自收到本通知书之日起六十日内向上海市人民政府申请行政复议" in text
    assert "六个月内" in text


def test_an_approval_says_how_the_result_reaches_the_applicant(
    world: World, tmp_path: Path
) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    world.act(world.reviewer, number, "review", recommend="approve", opinion="符合")
    approved = world.act(world.approver, number, "approve")
    assert approved.status_code == 200, approved.json()
    approval = approved.json()["documents"][-1]
    content = CaseDocument.objects.get(number=approval["number"]).content
    assert content["delivery"]  # the item's result delivery, frozen at issue
    text = _compact(_text(_get(world, number, approval["number"]).content, tmp_path))
    assert "十个工作日内" in text and "领取方式：" in text
    labels = {
        "electronic": "电子证照推送",
        "pickup": "窗口领取",
        "express": "快递送达",
    }
    assert "、".join(labels[way] for way in content["delivery"]) in text
    if "pickup" in content["delivery"]:
        assert _compact(content["pickup_address"]) in text


PUNCTUATED = (
    "经核查，申请材料中的任免文件（复印件）未经公证认证；"
    "新任首席代表的护照《中华人民共和国签证》页缺失、"
    "委派书「原件」与“复印件”内容不一致：其中日期、签名、印章均有出入，"
    "详见办件 {number}。"
)


def test_no_line_of_a_long_notice_starts_with_a_closing_mark_and_the_number_stays_whole(
    world: World, tmp_path: Path
) -> None:
    """A refusal long enough to wrap many times, its marks and case number at every
    offset along the line: pdftotext -layout keeps the lines as printed."""
    number = world.apply().json()["number"]
    reason = "".join(
        "甲" * shift + PUNCTUATED.format(number=number) for shift in range(1, 24)
    )
    world.act(world.clerk, number, "accept")
    world.act(world.reviewer, number, "review", recommend="refuse", opinion="不符合")
    refused = world.act(world.approver, number, "refuse", reason=reason)
    assert refused.status_code == 200, refused.json()
    document = refused.json()["documents"][-1]["number"]
    text = _text(_get(world, number, document).content, tmp_path, layout=True)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert len(lines) > 40
    starts = [line for line in lines if line[0] in CLOSING]
    assert starts == []
    # the number appears whole every time it is written: once in the first paragraph,
    # 23 times in the reason
    assert sum(_compact(line).count(number) for line in lines) == 24


@pytest.mark.parametrize("shift", range(0, 40))
def test_cjk_lines_break_only_where_a_line_may_break(shift: int) -> None:
    number = "310000-20261202-0033N-00001"
    text = "申" * shift + PUNCTUATED.format(number=number) * 3 + "（见附件）"
    font = pdf._font()
    lines = cjk_lines(text, width=200, first_width=176, font=font, size=12)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines[1:]:
        assert line[0] not in CANNOT_START, lines
    for line in lines[:-1]:
        assert line[-1] not in CANNOT_END, lines
    assert sum(line.count(number) for line in lines) == 3


# --- an English version for English-preferring applicants --------------------------------


def test_an_english_preferring_applicant_gets_an_english_version(
    world: World, tmp_path: Path
) -> None:
    _prefers_english()
    number, refusal = _refused(world, reason="任免文件未经公证认证。")
    documents = _documents(world, number)
    assert [d["has_english"] for d in documents] == [True] * len(documents)
    with translation.override("en"):
        prevails = gettext("本英文译本仅供参考，以中文文本为准。")
        body = "Shanghai Municipal People's Government"
    chinese = _get(world, number, refusal)
    english = _get(world, number, refusal, english=True)
    assert english.status_code == 200
    assert english["Content-Type"] == "application/pdf"
    assert "-en.pdf" in english["Content-Disposition"]
    assert english.content != chinese.content
    stored = CaseDocument.objects.get(number=refusal)
    assert stored.sha256_en == hashlib.sha256(english.content).hexdigest()
    text = " ".join(_text(english.content, tmp_path).split())
    assert prevails in text
    assert body in text
    assert "Shanghai Administration for Market Regulation" in text or (
        stored.content["department_en"] in text
    )
    assert prevails not in " ".join(_text(chinese.content, tmp_path).split())
    # addressed by the company's English name where it has one
    company = Case.objects.get(number=number).applicant_company
    assert company is not None
    assert (company.name_en or company.name) in text
    # once stored, the English version is served as stored too
    assert _get(world, number, refusal, english=True).content == english.content
    # Nothing Chinese but what is Chinese by nature: the names, the document number and
    # the reason the clerk wrote (the lead's translations fill the rest).
    rest = text
    for chinese_part in (OFFICE_NAME, refusal, "任免文件未经公证认证。"):
        rest = rest.replace(chinese_part, "")
    assert CJK.findall(rest) == []


def test_no_english_version_for_an_applicant_who_prefers_chinese(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    receipt = _documents(world, number)[0]
    assert receipt["has_english"] is False
    missing = _get(world, number, receipt["number"], english=True)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert CaseDocument.objects.get(number=receipt["number"]).file_en.name == ""
    # the existing address still serves the Chinese document
    assert _get(world, number, receipt["number"]).status_code == 200


# --- the case page -----------------------------------------------------------------------


def _page(world: World, number: str, prefix: str = "") -> str:
    user = Person.objects.get(name=CHAN[0]).user
    assert user is not None
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_ACTING] = f"company:{world.company_id}"
    session.save()
    response = client.get(f"{prefix}/cases/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_of_a_refused_case_says_how_to_ask_for_review(
    world: World,
) -> None:
    number, _refusal = _refused(world)
    page = _page(world, number)
    section = page[page.index('data-testid="review-rights"') :]
    assert "如何申请行政复议或提起诉讼" in section
    assert "上海市人民政府" in section
    assert "六十日内" in section and "六个月内" in section
    assert 'href="#review-rights"' in page
    english = _page(world, number, "/en")
    assert "Shanghai Municipal People&#x27;s Government" in english or (
        "Shanghai Municipal People's Government" in english
    )


def test_the_case_page_offers_the_english_version_only_to_those_who_prefer_english(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    assert 'data-testid="document-en"' not in _page(world, number)
    _prefers_english()
    other = world.apply().json()["number"]
    page = _page(world, other)
    assert 'data-testid="document-en"' in page
    assert "?lang=en" in page
