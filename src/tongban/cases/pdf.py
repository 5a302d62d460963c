"""Notices and decisions as PDF, Chinese text embedded (WenQuanYi Zen Hei, TrueType).

Rendered from the document's stored content, which never changes once issued; the
department's electronic seal is added by the e-signature issue.
"""

import functools
import io
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from tongban.cases.constants import DocumentKind, SpecialProcedureKind
from tongban.cases.models import CaseDocument

FONT = "TongbanCJK"


@functools.cache
def _font() -> str:
    path = getattr(settings, "PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER
        ),
        "number": ParagraphStyle(
            "number", fontName=font, fontSize=11, leading=16, alignment=TA_CENTER
        ),
        "body": ParagraphStyle(
            "body", fontName=font, fontSize=12, leading=22, firstLineIndent=24
        ),
        "plain": ParagraphStyle("plain", fontName=font, fontSize=12, leading=22),
        "sign": ParagraphStyle(
            "sign", fontName=font, fontSize=12, leading=22, alignment=TA_RIGHT
        ),
    }


def _when(value: Any, fallback: str = "（待计算）") -> str:
    return str(value) if value else fallback


def _paragraphs(document: CaseDocument) -> list[str]:
    c = document.content
    service, number = c.get("service", ""), c.get("case_number", "")
    kind = document.kind
    if kind == DocumentKind.RECEIPT:
        return [
            f"你（单位）于 {c.get('received_on')} 提交的“{service}”申请材料已收到，办件编号 {number}。",
            "本机关将在五个工作日内决定是否受理；材料不齐全或者不符合法定形式的，将一次性告知需要补正的全部内容。"
            "逾期不告知的，自收到申请材料之日起即为受理（《中华人民共和国行政许可法》第三十二条）。",
        ]
    if kind == DocumentKind.ACCEPTANCE:
        return [
            f"你（单位）提出的“{service}”申请（办件编号 {number}），申请材料齐全、符合法定形式，"
            f"根据《中华人民共和国行政许可法》第三十二条，本机关决定予以受理。",
            f"法定办理期限至 {_when(c.get('legal_deadline'))}；承诺办理期限至 {_when(c.get('promised_deadline'))}。"
            "听证、检验、检测、检疫、鉴定、专家评审等所需时间不计算在期限内。",
        ]
    if kind == DocumentKind.NON_ACCEPTANCE:
        return [
            f"你（单位）提出的“{service}”申请（办件编号 {number}），根据《中华人民共和国行政许可法》"
            f"第三十二条，本机关决定不予受理。理由：{c.get('reason', '')}",
            str(c.get("rights", "")),
        ]
    if kind == DocumentKind.CORRECTION:
        items = c.get("items", [])
        lines = [
            f"你（单位）提出的“{service}”申请（办件编号 {number}），申请材料不齐全或者不符合法定形式。"
            "根据《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部内容："
        ]
        lines += [f"{i}. {item}" for i, item in enumerate(items, 1)]
        lines.append("请补正后重新提交；自收到补正材料之日起重新计算受理期限。")
        return lines
    if kind == DocumentKind.EXTENSION:
        return [
            f"你（单位）提出的“{service}”申请（办件编号 {number}），因{c.get('reason', '')}，"
            "经本机关负责人批准，根据《中华人民共和国行政许可法》第四十二条，审查期限延长十个工作日，"
            f"至 {_when(c.get('legal_deadline'))}。"
        ]
    if kind == DocumentKind.SPECIAL_PROCEDURE:
        label = (
            SpecialProcedureKind(c["kind"]).label
            if c.get("kind") in SpecialProcedureKind.values
            else c.get("kind")
        )
        return [
            f"你（单位）提出的“{service}”申请（办件编号 {number}），因{c.get('reason', '')}，"
            f"依据{c.get('basis', '')}，需要进行{label}，自 {c.get('started_on')} 起进行。",
            "根据《中华人民共和国行政许可法》第四十五条，所需时间不计算在审查期限内。",
        ]
    if kind == DocumentKind.APPROVAL:
        return [
            f"你（单位）提出的“{service}”申请（办件编号 {number}），经审查，符合法定条件、标准。"
            "根据《中华人民共和国行政许可法》第三十八条第一款，本机关决定准予行政许可。",
        ]
    if kind == DocumentKind.REFUSAL:
        return [
            f"你（单位）提出的“{service}”申请（办件编号 {number}），经审查，不符合法定条件、标准。"
            f"根据《中华人民共和国行政许可法》第三十八条第二款，本机关决定不予行政许可。理由：{c.get('reason', '')}",
            str(c.get("rights", "")),
        ]
    return []


def document_pdf(document: CaseDocument, *, applicant: str) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"{document.get_kind_display()} {document.number}",
        author=str(document.content.get("department", "")),
    )
    story: list[Any] = [
        Paragraph(escape(str(document.content.get("department", ""))), styles["title"]),
        Paragraph(escape(document.get_kind_display()), styles["title"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(document.number), styles["number"]),
        Spacer(1, 8 * mm),
        Paragraph(escape(f"{applicant}："), styles["plain"]),
    ]
    for text in _paragraphs(document):
        story.append(Paragraph(escape(text), styles["body"]))
    story += [
        Spacer(1, 16 * mm),
        Paragraph(escape(str(document.content.get("department", ""))), styles["sign"]),
        Paragraph(
            escape(document.issued_at.astimezone().strftime("%Y 年 %m 月 %d 日")),
            styles["sign"],
        ),
    ]
    pdf.build(story)
    return buffer.getvalue()
