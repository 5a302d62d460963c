"""Domain errors as values: a stable English code and a translatable message.

The API maps each class to an HTTP status in one place (`tongban.api.errors`); pages show
the message. Services raise these and nothing else for refusals a user can cause.
"""

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A refusal a user can cause; `status` is what the API answers with."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {key: str(value) for key, value in self.fields.items()}
        body.update(self.extra)
        return body


class InvalidInput(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class NotAuthenticated(DomainError):
    status = 401


class TooManyAttempts(DomainError):
    status = 429


class Unavailable(DomainError):
    """An outside system the action needs did not answer; nothing was changed."""

    status = 503
