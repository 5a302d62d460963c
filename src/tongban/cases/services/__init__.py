"""Writes of cases: applying, and every step of handling, each one transaction with its
event. One module per area; everything public is re-exported here.

Refusals are raised before anything changes. Staff steps carry the version of the case
they saw (`expected_version`); if someone else acted first the step is a 409 `conflict`.
"""

from tongban.cases.deadlines import deadlines_compute
from tongban.cases.services.applicant import (
    case_draft_update,
    case_supplement,
    case_withdraw,
)
from tongban.cases.services.apply import (
    Applied,
    application_check,
    case_apply_with_materials,
    case_create,
    case_submit,
    form_check,
    materials_check,
)
from tongban.cases.services.claims import case_claim, case_release
from tongban.cases.services.closing import (
    DELIVERABLE,
    case_close,
    case_deliver,
    case_void,
)
from tongban.cases.services.counter import case_create_at_counter
from tongban.cases.services.decision import case_approve, case_refuse, case_review
from tongban.cases.services.documents import (
    document_store,
    documents_render,
    documents_unrendered_render,
)
from tongban.cases.services.forwarding import case_forward
from tongban.cases.services.intake import (
    accept_by_law_due,
    case_accept,
    case_refuse_intake,
    case_request_correction,
)
from tongban.cases.services.time_limits import (
    case_extend,
    case_special_end,
    case_special_start,
    deadlines_pending_recompute,
)

__all__ = [
    "DELIVERABLE",
    "Applied",
    "application_check",
    "accept_by_law_due",
    "case_accept",
    "case_apply_with_materials",
    "case_approve",
    "case_claim",
    "case_close",
    "case_create",
    "case_create_at_counter",
    "case_deliver",
    "case_draft_update",
    "case_extend",
    "document_store",
    "documents_render",
    "documents_unrendered_render",
    "case_forward",
    "case_refuse",
    "case_refuse_intake",
    "case_release",
    "case_request_correction",
    "case_review",
    "case_special_end",
    "case_special_start",
    "case_submit",
    "case_supplement",
    "case_void",
    "case_withdraw",
    "deadlines_compute",
    "deadlines_pending_recompute",
    "form_check",
    "materials_check",
]
