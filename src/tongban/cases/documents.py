"""A case's notices and decisions as PDF responses, for its pages and its API alike."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tongban.cases.models import Case
from tongban.core.errors import NotFound
from tongban.core.headers import as_download


def document_response(case: Case, document_number: str) -> HttpResponse:
    """A notice or decision of the case as a PDF download (pages and the API both answer
    with this; pages show it in the platform's viewer, which reads this)."""
    # start-up: reportlab and the font load on the first PDF, not in every worker
    from tongban.cases.pdf import document_pdf

    document = case.documents.filter(number=document_number).first()
    if document is None:
        raise NotFound("not_found", _("未找到该文书。"))
    response = HttpResponse(
        document_pdf(document, applicant=case.applicant_name),
        content_type="application/pdf",
    )
    as_download(response, f"{case.number}-{document.kind}.pdf")
    return response
