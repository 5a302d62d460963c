"""Periodic jobs of cases (run by the scheduler; idempotent)."""

import datetime as dt

from tongban.cases.materials import orphan_files_sweep
from tongban.cases.services import (
    accept_by_law_due,
    deadlines_pending_recompute,
    documents_unrendered_render,
)
from tongban.ops.jobs import periodic


@periodic(every=dt.timedelta(minutes=10), name="cases.accept_by_law")
def accept_by_law() -> object:
    """Art. 32: accept what nobody answered within 5 working days, from its receipt."""
    return accept_by_law_due()


@periodic(every=dt.timedelta(hours=1), name="cases.pending_deadlines")
def pending_deadlines() -> object:
    return deadlines_pending_recompute()


@periodic(every=dt.timedelta(hours=1), name="cases.orphan_files")
def orphan_files() -> object:
    """Files whose material row never committed (a crash mid-upload) are removed."""
    return orphan_files_sweep()


@periodic(every=dt.timedelta(minutes=10), name="cases.documents_unrendered")
def documents_unrendered() -> object:
    """Issued documents whose PDF no worker stored (it died) are rendered and stored."""
    return documents_unrendered_render()
