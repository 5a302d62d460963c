"""The published contract says how each operation refuses, as the code refuses."""

from typing import Any

from django.test import Client

from tongban.api.urls import api


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_refusal_an_operation_can_give_is_documented_as_an_error() -> None:
    for method, path, operation in _operations():
        documented = {int(status) for status in operation["responses"]}
        where = f"{method.upper()} {path}"
        if operation.get("security"):
            assert {401, 403} <= documented, where
        if "{" in path:
            assert 404 in documented, where
        if method != "get":
            assert {409, 422} <= documented, where
        for status in documented - {200, 201, 202, 204}:
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_lists_answer_count_and_items() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path in (
        "/api/v1/cases",
        "/api/v1/workbench/queue",
        "/api/v1/me/notifications",
        "/api/v1/workbench/notifications",
    ):
        ok = schema["paths"][path]["get"]["responses"][200]["content"]
        ref = ok["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schema["components"]["schemas"][ref]["required"]) >= {
            "count",
            "items",
        }


def test_the_error_schema_is_what_an_error_answer_is() -> None:
    answer = Client().get("/api/v1/cases")
    assert answer.status_code == 401
    assert set(answer.json()) <= {"code", "message", "fields"}
    assert {"code", "message"} <= set(answer.json())
