"""A case's notices and decisions as PDF responses, for its pages and its API alike."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tongban.cases.models import Case
from tongban.cases.services import document_store
from tongban.core.errors import NotFound
from tongban.core.headers import as_download


def document_response(
    case: Case, document_number: str, *, english: bool = False
) -> HttpResponse:
    """A notice or decision of the case as a PDF download (pages and the API both answer
    with this; pages show it in the platform's viewer, which reads this): the bytes
    stored when it was issued — stored now if the worker has not yet. `english`: its
    English version for reference, which only English-preferring applicants get."""
    document = case.documents.filter(number=document_number).first()
    if document is None or (english and not document.has_english):
        raise NotFound("not_found", _("未找到该文书。"))
    document = document_store(document=document, english=english)
    stored = document.file_en if english else document.file
    with stored.open("rb") as file:
        data = file.read()
    response = HttpResponse(data, content_type="application/pdf")
    suffix = "-en" if english else ""
    as_download(response, f"{case.number}-{document.kind}{suffix}.pdf")
    return response
