"""Issued documents as stored files: what a document says is frozen at issue (its content),
its PDF rendered once after the step commits and stored with its SHA-256; from then on
every download serves those bytes, never a new rendering.

Rendering never runs in a step's transaction: the step queues `render_documents` (the
worker), a download renders what the worker has not yet stored, and the job
`cases.documents_unrendered` catches what a dead worker left. All three store through
`document_store`, which is idempotent: the first to store wins, a loser deletes its file.
"""

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import translation

from tongban.cases.constants import DocumentKind, appeal_rights
from tongban.cases.models import Case, CaseDocument
from tongban.core import clock
from tongban.ops.tasks import enqueue_with_transaction

ENGLISH = "en"
CHINESE = "zh-hans"
# The documents whose decision can be contested: they name the review body.
CONTESTABLE = frozenset({DocumentKind.NON_ACCEPTANCE, DocumentKind.REFUSAL})
UNRENDERED_BATCH = 200


def document_facts(case: Case, kind: str) -> dict[str, Any]:
    """What every document of the case says beyond its step's own facts, frozen at issue:
    whom it is addressed to, the department and service in both languages, and — by
    kind — the review body (refusals) or how the result is delivered (approvals)."""
    department = case.department
    facts: dict[str, Any] = {
        "department": department.name,
        "department_en": department.name_en,
        "case_number": case.number,
        "service": case.item.name,
        "service_en": case.item.name_en,
        "applicant": case.applicant_name,
        # a company's English name, for the English version's addressee (a person's
        # name is the same in both)
        "applicant_en": case.applicant_company.name_en
        if case.applicant_company
        else "",
        "applicant_type": "company" if case.applicant_company_id else "person",
    }
    if kind in CONTESTABLE:
        facts["review_body"] = department.review_body
        facts["review_body_en"] = department.review_body_en
        with translation.override(CHINESE):  # the text as issued, whoever issues it
            facts["rights"] = appeal_rights(kind, department.review_body)
    if kind == DocumentKind.APPROVAL:
        guide = case.version.content
        facts["delivery"] = list(guide.get("result_delivery") or [])
        facts["result_name"] = str(guide.get("result_name") or "")
        facts["result_name_en"] = str(
            (guide.get("guide_en") or {}).get("result_name") or ""
        )
        facts["pickup_address"] = department.address
        facts["pickup_address_en"] = department.address_en
    return facts


def prefers_english(case: Case) -> bool:
    """Whether the case's documents get an English version: the applicant (a person) or
    whoever filed it (for a company, the filer) prefers English."""
    people = [case.submitted_by]
    if case.applicant_person is not None:
        people.append(case.applicant_person)
    return any(person.language == ENGLISH for person in people)


def document_render_queue(document: CaseDocument) -> None:
    """Queue the rendering of a document just issued, with the step's transaction
    (`ops.tasks.enqueue_with_transaction`; the job `cases.documents_unrendered` renders
    anything a task did not)."""
    # cycle: cases.tasks runs this module's documents_render
    from tongban.cases.tasks import render_documents

    enqueue_with_transaction(render_documents, [document.pk])


def _name(document: CaseDocument, english: bool, digest: str) -> str:
    language = "-en" if english else ""
    return (
        f"documents/{document.case.number}/"
        f"{document.pk}-{document.kind}{language}-{digest[:16]}.pdf"
    )


def document_store(*, document: CaseDocument, english: bool = False) -> CaseDocument:
    """The document with its PDF (or its English version) stored: rendered and saved if
    it was not yet. Two callers at once may both render; only the first to record its
    file keeps it (a conditional UPDATE … WHERE file = ''), the other deletes its own."""
    field, digest_field, at_field = (
        ("file_en", "sha256_en", "rendered_en_at")
        if english
        else ("file", "sha256", "rendered_at")
    )
    if getattr(document, field):
        return document
    # start-up: reportlab and the font load on the first PDF, not in every worker
    from tongban.cases.pdf import document_pdf

    data = document_pdf(document, english=english)
    digest = hashlib.sha256(data).hexdigest()
    stored = default_storage.save(_name(document, english, digest), ContentFile(data))
    won = CaseDocument.objects.filter(pk=document.pk, **{field: ""}).update(
        **{field: stored, digest_field: digest, at_field: clock.now()}
    )
    if not won:
        default_storage.delete(stored)
    document.refresh_from_db(fields=[field, digest_field, at_field])
    return document


def documents_render(document_ids: list[int]) -> int:
    """Store every version due of these documents; answers how many files were stored."""
    stored = 0
    documents = CaseDocument.objects.filter(pk__in=document_ids).select_related("case")
    for document in documents:
        if not document.file:
            document_store(document=document)
            stored += 1
        if document.has_english and not document.file_en:
            document_store(document=document, english=True)
            stored += 1
    return stored


def documents_unrendered_render(limit: int = UNRENDERED_BATCH) -> int:
    """Render what no worker stored (one died, or the document predates stored files),
    a batch at a time; answers how many files were stored."""
    due = CaseDocument.objects.filter(
        Q(file="") | Q(has_english=True, file_en="")
    ).order_by("pk")
    return documents_render(list(due.values_list("pk", flat=True)[:limit]))
