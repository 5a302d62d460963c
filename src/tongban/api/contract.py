"""The error answers of every operation, written into the OpenAPI document.

Each app's router declares what an operation answers when it succeeds; what it answers
when it refuses follows from how the API is built, so it is documented here, once, from
the same facts the code acts on:

- 401 `not_authenticated` — an operation behind the bearer token (`security`);
- 403 — a person's operation called by staff or the reverse, a lapsed grant, a role
  that may not take a step: every operation behind the token;
- 404 `not_found` — an operation with a path parameter (unknown, or not yours to see),
  one that looks up what its query or body names (`LOOKUPS`), and the person's
  operations that read `X-Acting-For` (not theirs to act for);
- 409 — a state the request does not fit (a stale `expected_version`, a step the case's
  status does not allow, an account that already exists): operations that change things;
- 413 `request_too_large` — a body past Django's bounds: any operation that takes one;
- 422 `invalid_input` — an operation with parameters or a body;
- 429 `too_many_attempts` — the rate-limited ones (`LIMITED`);
- 503 — an outside system the answer depends on is unreachable (`OUTSIDE`).

Every error body is `ErrorOut`. A status an operation declares itself is kept as declared.
"""

import re
from typing import Any

# Operations ("METHOD /path" below /api/v1) that count how often they are used.
LIMITED = re.compile(r"^(POST /auth/.*|GET /progress)$")
# Operations whose answer needs an outside system (SMS gateway, registries).
OUTSIDE = {
    "POST /auth/sms-codes",
    "POST /auth/phone-change",
    "POST /me/email",
    "POST /companies",
    "POST /me/children",
    "POST /me/identity-verification",
}
# Operations that look up what their query or body names (no path parameter).
LOOKUPS = {"GET /progress", "POST /auth/claim", "POST /workbench/counter-cases"}
# Operations that take a token or a password in their body.
SESSIONS = {"POST /auth/refresh", "POST /auth/token", "POST /auth/staff-token"}
# Operations without the token that refuse a kind of caller (staff without an enrolled
# authenticator).
REFUSED_KINDS = {"POST /auth/staff-token"}
# Person operations that read `X-Acting-For` (a 404 when it names no one of theirs).
ACTING = re.compile(r"^(GET|POST|PATCH) /cases($|/)")

ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "code": {"title": "Code", "type": "string"},
        "message": {"title": "Message", "type": "string"},
        "fields": {
            "title": "Fields",
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "for input errors: what is wrong with each field",
        },
        "retry_after": {
            "title": "Retry After",
            "type": "integer",
            "description": "for 429: seconds to wait (also the Retry-After header)",
        },
        "year": {
            "title": "Year",
            "type": "integer",
            "description": "for calendar_missing: the first year whose public holidays "
            "the calendar does not have yet",
        },
        "earliest": {
            "title": "Earliest",
            "type": "string",
            "format": "date",
            "description": "for calendar_missing of a limit: its last day at the "
            "earliest, counted on weekends alone in that year",
        },
    },
    "required": ["code", "message"],
}

DESCRIPTIONS = {
    401: "Not logged in, or the token has expired",
    403: "Not allowed for this caller",
    404: "Not found, or not yours to see",
    409: "The request does not fit the current state",
    413: "The request is too large (its body, its fields or its files)",
    422: "Invalid input",
    429: "Too many attempts: try again later",
    503: "An outside system is unreachable: try again later",
}


def _statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    name = f"{method.upper()} {path}"
    parameters = operation.get("parameters") or []
    statuses = set()
    if operation.get("security"):
        statuses |= {401, 403}
        if ACTING.match(name):
            statuses.add(404)
    if name in LOOKUPS or any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if name in SESSIONS:
        statuses.add(401)
    if name in REFUSED_KINDS:
        statuses.add(403)
    if method != "get":
        statuses.add(413)  # a body past Django's bounds (DATA_UPLOAD_MAX_*)
    if method != "get":
        statuses.add(409)
    if parameters or operation.get("requestBody") or method != "get":
        statuses.add(422)  # a body the operation reads itself (multipart) is input too
    if LIMITED.match(name):
        statuses.add(429)
    if name in OUTSIDE:
        statuses.add(503)
    return statuses


def errors_documented(schema: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    """Add the error answers to every operation of `schema` (changed in place)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = (
        ERROR_SCHEMA
    )
    reference = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in schema.get("paths", {}).items():
        local = path.removeprefix(prefix.rstrip("/"))
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses}
            for status in sorted(_statuses(method, local, operation) - declared):
                responses.setdefault(
                    status,
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            operation["responses"] = dict(
                sorted(responses.items(), key=lambda item: int(item[0]))
            )
    return schema
