"""Notices and decisions as PDF, Chinese text embedded (WenQuanYi Zen Hei, TrueType).

Rendered once from the document's content — every fact it says, frozen at issue — and
stored (`services.documents`); the department's electronic seal is added by the
e-signature issue. Each paragraph is one gettext msgid with named placeholders, Chinese
the source: the Chinese version is rendered in Chinese whatever language is active, the
English version for reference under `translation.override("en")`, headed by the line that
says the Chinese text prevails.

Chinese lines are broken here, not by reportlab (`cjk_lines`): no line starts with a
closing punctuation mark (reportlab's kinsoku list lacks ，；：》” among others, and hangs
one mark at most), no line ends with an opening one, and a run of Latin letters, digits
and hyphens — a case number, a date, a passport number — is never broken.
"""

import datetime as dt
import functools
import io
import re
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from tongban.cases.constants import DocumentKind, SpecialProcedureKind, appeal_rights
from tongban.cases.models import CaseDocument
from tongban.catalog.constants import ResultDelivery

FONT = "TongbanCJK"
CHINESE = "zh-hans"
ENGLISH = "en"

# A line never starts with these (GB/T 15834 closing marks, and their ASCII kin) …
CANNOT_START = "，。、；：？！）》」』】〕〉〗”’…—·%,.;:?!)]}"
# … nor ends with these (opening marks).
CANNOT_END = "（《「『【〔〈〖“‘([{"
# One unbreakable unit: a run of printable ASCII without spaces (310000-20261202-0001-00001).
_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.", re.DOTALL)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SIZE = 12
INDENT = 2 * SIZE  # two characters, as Chinese paragraphs begin
MARGIN_LEFT, MARGIN_RIGHT = 28 * mm, 26 * mm
FRAME_PADDING = 6  # reportlab's Frame pads each side by 6 pt


@functools.cache
def _font() -> str:
    path = getattr(settings, "PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    return FONT


def _styles(english: bool) -> dict[str, ParagraphStyle]:
    font = _font()
    wrap = None if english else "CJK"
    return {
        "title": ParagraphStyle(
            "title",
            fontName=font,
            fontSize=16 if english else 20,
            leading=24 if english else 28,
            alignment=TA_CENTER,
        ),
        "number": ParagraphStyle(
            "number", fontName=font, fontSize=11, leading=16, alignment=TA_CENTER
        ),
        "note": ParagraphStyle(
            "note", fontName=font, fontSize=10, leading=15, borderPadding=4
        ),
        "body": ParagraphStyle(
            "body",
            fontName=font,
            fontSize=SIZE,
            leading=22 if not english else 18,
            firstLineIndent=0 if english else INDENT,
            spaceAfter=0 if not english else 8,
            wordWrap=wrap,
        ),
        "plain": ParagraphStyle(
            "plain", fontName=font, fontSize=SIZE, leading=22, wordWrap=wrap
        ),
        "sign": ParagraphStyle(
            "sign", fontName=font, fontSize=SIZE, leading=22, alignment=TA_RIGHT
        ),
    }


def _groups(text: str) -> list[str]:
    """The text as the pieces a line may break between: one Chinese character, or an
    ASCII run, with closing marks glued to what precedes and opening marks to what
    follows; a space is a piece of its own, dropped where a line breaks."""
    groups: list[str] = []
    opening = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            if opening:
                opening += " "
            elif groups and groups[-1] != " ":
                groups.append(" ")
            continue
        if token[0] in CANNOT_START and not opening and groups:
            if groups[-1] == " " and len(groups) > 1:
                groups.pop()
            groups[-1] += token
        else:
            groups.append(opening + token)
            opening = ""
        if groups and groups[-1][-1] in CANNOT_END:
            opening = groups.pop()
    if opening:
        if groups:
            groups[-1] += opening
        else:
            groups.append(opening)
    return groups


def cjk_lines(
    text: str, *, width: float, first_width: float, font: str, size: float
) -> list[str]:
    """`text` broken into lines no wider than `width` (the first `first_width`), only
    between the pieces `_groups` makes; a piece wider than a whole line alone is cut."""

    def wide(value: str) -> float:
        return float(pdfmetrics.stringWidth(value, font, size))

    lines: list[str] = []
    line = ""
    for group in _groups(text):
        room = first_width if not lines else width
        if wide(line + group) <= room:
            line += group
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = "" if group == " " else group
        while wide(line) > width:  # longer than a line on its own: cut it
            cut = len(line) - 1
            while cut > 1 and wide(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _date(value: Any, *, english: bool, fallback: str = "") -> str:
    """An ISO date (or a date) as the notice says it: 2026年12月2日, 2 December 2026."""
    if not value:
        return fallback
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if english:
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def _facts(document: CaseDocument, english: bool) -> dict[str, str]:
    """The placeholders every paragraph may use, in the version's language."""
    c = document.content

    def named(key: str) -> str:
        if english and c.get(f"{key}_en"):
            return str(c[f"{key}_en"])
        return str(c.get(key, ""))

    company = c.get("applicant_type") == "company"
    pending = _("（待计算）")
    return {
        "you": pgettext("notice", "你单位") if company else pgettext("notice", "你"),
        "service": named("service"),
        "case_number": str(c.get("case_number", "")),
        "reason": str(c.get("reason", "")),
        "basis": str(c.get("basis", "")),
        "received_on": _date(c.get("received_on"), english=english),
        "started_on": _date(c.get("started_on"), english=english),
        "legal_deadline": _date(
            c.get("legal_deadline"), english=english, fallback=pending
        ),
        "promised_deadline": _date(
            c.get("promised_deadline"), english=english, fallback=pending
        ),
    }


def _rights(document: CaseDocument, english: bool) -> str:
    """How to ask for administrative review or go to court, naming the review body."""
    c = document.content
    body = str(c.get("review_body_en" if english else "review_body") or "")
    return appeal_rights(document.kind, body or str(c.get("review_body") or ""))


def _delivery(document: CaseDocument, english: bool) -> list[str]:
    """How the result reaches the applicant (行政许可法 Art. 44), from the item's guide."""
    c = document.content
    ways = [way for way in c.get("delivery", []) if way in ResultDelivery.values]
    if not ways:
        return []
    result = str(c.get("result_name_en" if english else "result_name") or "") or _(
        "行政许可决定的结果"
    )
    labels = [str(ResultDelivery(way).label) for way in ways]
    lines = [
        _(
            "本机关将自作出本决定之日起十个工作日内向%(you)s颁发、送达%(result)s"
            "（《中华人民共和国行政许可法》第四十四条），领取方式：%(ways)s。"
        )
        % {
            "you": _facts(document, english)["you"],
            "result": result,
            "ways": ("; " if english else "、").join(labels),
        }
    ]
    if ResultDelivery.ELECTRONIC in ways:
        lines.append(
            _(
                "电子证照将推送至申请人在“一网通办”的账户，与纸质证照具有同等法律效力"
                "（《国务院关于在线政务服务的若干规定》第十条）。"
            )
        )
    address = str(c.get("pickup_address_en" if english else "pickup_address") or "")
    if ResultDelivery.PICKUP in ways and address:
        lines.append(
            _("窗口领取地点：%(address)s。请携带本决定书和身份证件。")
            % {"address": address}
        )
    if ResultDelivery.EXPRESS in ways:
        lines.append(_("选择快递送达的，本机关将寄送至申请人提供的收件地址。"))
    return lines


def _paragraphs(document: CaseDocument, english: bool) -> list[str]:
    facts = _facts(document, english)
    c = document.content
    kind = document.kind
    if kind == DocumentKind.RECEIPT:
        return [
            _(
                "%(you)s于%(received_on)s提交的“%(service)s”申请材料已收到，"
                "办件编号 %(case_number)s。"
            )
            % facts,
            _(
                "本机关将在五个工作日内决定是否受理；材料不齐全或者不符合法定形式的，"
                "将一次性告知需要补正的全部内容。逾期不告知的，自收到申请材料之日起即为受理"
                "（《中华人民共和国行政许可法》第三十二条）。"
            ),
        ]
    if kind == DocumentKind.ACCEPTANCE:
        return [
            _(
                "%(you)s提出的“%(service)s”申请（办件编号 %(case_number)s），"
                "申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条，"
                "本机关决定予以受理。"
            )
            % facts,
            _(
                "法定办理期限至%(legal_deadline)s；承诺办理期限至%(promised_deadline)s。"
                "听证、检验、检测、检疫、鉴定、专家评审等所需时间不计算在期限内。"
            )
            % facts,
        ]
    if kind == DocumentKind.NON_ACCEPTANCE:
        return [
            _(
                "%(you)s提出的“%(service)s”申请（办件编号 %(case_number)s），"
                "根据《中华人民共和国行政许可法》第三十二条，本机关决定不予受理。"
                "理由：%(reason)s"
            )
            % facts,
            _rights(document, english),
        ]
    if kind == DocumentKind.CORRECTION:
        lines = [
            _(
                "%(you)s提出的“%(service)s”申请（办件编号 %(case_number)s），"
                "申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》"
                "第三十二条，现一次性告知需要补正的全部内容："
            )
            % facts
        ]
        lines += [f"{i}. {item}" for i, item in enumerate(c.get("items", []), 1)]
        lines.append(_("请补正后重新提交；自收到补正材料之日起重新计算受理期限。"))
        return lines
    if kind == DocumentKind.EXTENSION:
        return [
            _(
                "%(you)s提出的“%(service)s”申请（办件编号 %(case_number)s），"
                "因%(reason)s，经本机关负责人批准，根据《中华人民共和国行政许可法》"
                "第四十二条，审查期限延长十个工作日，至%(legal_deadline)s。"
            )
            % facts
        ]
    if kind == DocumentKind.SPECIAL_PROCEDURE:
        procedure = (
            str(SpecialProcedureKind(c["kind"]).label)
            if c.get("kind") in SpecialProcedureKind.values
            else str(c.get("kind", ""))
        )
        return [
            _(
                "%(you)s提出的“%(service)s”申请（办件编号 %(case_number)s），"
                "因%(reason)s，依据%(basis)s，需要进行%(procedure)s，"
                "自%(started_on)s起进行。"
            )
            % {**facts, "procedure": procedure},
            _(
                "根据《中华人民共和国行政许可法》第四十五条，"
                "所需时间不计算在审查期限内。"
            ),
        ]
    if kind == DocumentKind.APPROVAL:
        return [
            _(
                "%(you)s提出的“%(service)s”申请（办件编号 %(case_number)s），经审查，"
                "符合法定条件、标准。根据《中华人民共和国行政许可法》第三十八条第一款，"
                "本机关决定准予行政许可。"
            )
            % facts,
            *_delivery(document, english),
        ]
    if kind == DocumentKind.REFUSAL:
        return [
            _(
                "%(you)s提出的“%(service)s”申请（办件编号 %(case_number)s），经审查，"
                "不符合法定条件、标准。根据《中华人民共和国行政许可法》第三十八条第二款，"
                "本机关决定不予行政许可。理由：%(reason)s"
            )
            % facts,
            _rights(document, english),
        ]
    return []


def document_pdf(document: CaseDocument, *, english: bool = False) -> bytes:
    """The document's PDF: the Chinese text, or (`english`) its English version for
    reference. Reads only `document` (its content, number, kind and issue time)."""
    with translation.override(ENGLISH if english else CHINESE):
        return _render(document, english)


def _render(document: CaseDocument, english: bool) -> bytes:
    styles = _styles(english)
    content = document.content
    department = str(
        (english and content.get("department_en")) or content.get("department", "")
    )
    # documents issued before the addressee was part of the content: the case's
    applicant = str(
        (english and content.get("applicant_en"))
        or content.get("applicant")
        or document.case.applicant_name
    )
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"{document.get_kind_display()} {document.number}",
        author=department,
        lang="en" if english else "zh-CN",
    )
    width = pdf.width - 2 * FRAME_PADDING - 1  # a point to spare for rounding

    def body(text: str, style: str = "body") -> Paragraph:
        # English too: its words break at spaces, the Chinese in it (a reason, a name)
        # by the same rules as the Chinese version
        indent = INDENT if style == "body" and not english else 0
        lines = cjk_lines(
            text, width=width, first_width=width - indent, font=_font(), size=SIZE
        )
        return Paragraph("<br/>".join(escape(line) for line in lines), styles[style])

    story: list[Any] = []
    if english:
        story += [
            Paragraph(
                escape(_("本英文译本仅供参考，以中文文本为准。")),
                styles["note"],
            ),
            Spacer(1, 6 * mm),
        ]
    story += [
        Paragraph(escape(department), styles["title"]),
        Paragraph(escape(document.get_kind_display()), styles["title"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(document.number), styles["number"]),
        Spacer(1, 8 * mm),
    ]
    if applicant:
        story.append(
            body(
                pgettext("notice", "%(applicant)s：") % {"applicant": applicant},
                "plain",
            )
        )
    story += [body(text) for text in _paragraphs(document, english)]
    issued = timezone.localtime(document.issued_at).date()
    story += [
        Spacer(1, 16 * mm),
        Paragraph(escape(department), styles["sign"]),
        Paragraph(escape(_date(issued, english=english)), styles["sign"]),
    ]
    pdf.build(story)
    return buffer.getvalue()
