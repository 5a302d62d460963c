"""Background tasks of cases (run by the worker)."""

from django_tasks import task

from tongban.cases.services.documents import documents_render


@task()
def render_documents(document_ids: list[int]) -> int:
    """Render and store the PDFs of documents just issued (after their step committed);
    answers how many files were stored. The job `cases.documents_unrendered` and the
    download itself store whatever this never did."""
    return documents_render(document_ids)
