"""The whole published API, fuzzed by schemathesis as an anonymous caller, a person and
staff: no answer is a server error, and every answer is what the OpenAPI document says
(its status, content type, headers and body).

Requests go to the Django application in-process (WSGI), inside the test's transaction,
with real ids in the world of `cases/tests/conftest.py`. Generated inputs are mostly
wrong, so most answers are refusals — which must be documented ones. A fixed seed makes
a failure repeat; about ten examples per operation (positive and negative) keep the run
near a minute. On PostgreSQL only: the SQLite pass is the fast one, and nothing here
depends on the database.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tongban.cases.tests.conftest import World, api, world  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 10
# Ending the caller's own session would leave the rest of its run answering 401.
ENDS_SESSION = {"POST /api/v1/auth/logout"}
SEED = 20261202


@pytest.fixture
def limits_raised(settings: Any) -> None:
    """The abuse limits would answer most of the run with 429: raised for it only (each
    by its name, so a renamed limit breaks this fixture rather than the run)."""
    many = 1_000_000
    settings.PROGRESS_CHECKS_PER_MINUTE = many
    settings.SMS_CODES_PER_ADDRESS = [(many, 600)]
    settings.SMS_CODES_PER_PHONE_PER_DAY = many
    settings.SMS_CODE_RESEND_SECONDS = 0
    settings.SMS_CODES_CEILING = (many, 60)
    settings.LOGIN_FAILURES_PER_ADDRESS = (many, 600)
    settings.LOGIN_DELAY_AFTER_FAILURES = many
    settings.STAFF_LOCK_AFTER_FAILURES = many


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """A request must not close the test's connection (and its transaction), as Django's
    test client arranges for its own requests."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _fuzz(headers: dict[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    """Every operation, `EXAMPLES` times: the failures by operation (empty when none),
    and how many requests each operation was sent."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    failures: dict[str, str] = {}
    sent: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # the schema is ours: valid
        if headers and operation.label in ENDS_SESSION:
            continue
        sent[operation.label] = 0
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
        run = _runner(strategy, headers, sent, operation.label)
        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 — reported below
            failures[operation.label] = str(failure)[:2000]
    return failures, sent


def _runner(
    strategy: Any, headers: dict[str, str], sent: dict[str, int], label: str
) -> Callable[[], None]:
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        generated = {
            name: value
            for name, value in (case.headers or {}).items()
            if name.lower() not in {h.lower() for h in headers}
        }
        request_headers = {**generated, **headers}
        case.headers = request_headers
        response = case.call()
        sent[label] += 1
        sent[f"status {response.status_code} {label}"] = (
            sent.get(f"status {response.status_code} {label}", 0) + 1
        )
        sent[f"status {response.status_code}"] = (
            sent.get(f"status {response.status_code}", 0) + 1
        )
        case.validate_response(response, checks=CHECKS, headers=request_headers)

    return run


@pytest.mark.parametrize("caller", ["anonymous", "person", "staff"])
def test_the_api_answers_as_its_contract_says(
    caller: str,
    world: World,  # noqa: F811
    limits_raised: None,
    connection_kept: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("fuzzed in the PostgreSQL pass only")
    token = {"anonymous": "", "person": world.handler.token, "staff": world.clerk.token}
    headers = {"Authorization": f"Bearer {token[caller]}"} if token[caller] else {}
    failures, counts = _fuzz(headers)
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    # the run was real: every published operation was asked, most of them fully, and a
    # caller with a token was answered as itself (not refused as a stranger)
    sent = {k: v for k, v in counts.items() if not k.startswith("status ")}
    assert len(sent) >= 70
    assert all(count >= 1 for count in sent.values()), sent
    assert sum(sent.values()) >= len(sent) * EXAMPLES * 0.8, sent
    if headers:
        refused = {k: v for k, v in counts.items() if k.startswith("status 401 ")}
        assert counts.get("status 401", 0) < sum(sent.values()) * 0.2, refused
