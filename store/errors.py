"""One base error for the domain, rendered as RFC 9457 problem+json by the API."""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://smartstore.dev/problems/"


class StoreError(Exception):
    """A business error with an HTTP status and a stable problem ``type`` slug."""

    status_code: int = 400
    type: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        type: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        if type is not None:
            self.type = type
        self.errors = errors or []

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers sent with the problem response (``Retry-After``); none by default."""
        return {}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        """The problem+json body of this error."""
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.type,
            "title": self.title,
            "status": self.status_code,
            "detail": self.message,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        return body


class InvalidInput(StoreError):
    """The request is well formed but breaks a business rule (numbers don't add up, bad period)."""

    status_code = 400
    type = "invalid-input"
    title = "Invalid input"


class NotFound(StoreError):
    status_code = 404
    type = "not-found"
    title = "Not found"


class Conflict(StoreError):
    status_code = 409
    type = "conflict"
    title = "Conflict"


class Unauthorized(StoreError):
    status_code = 401
    type = "unauthorized"
    title = "Authentication required"


class Forbidden(StoreError):
    status_code = 403
    type = "forbidden"
    title = "Forbidden"


class IdempotencyConflict(Conflict):
    type = "idempotency-key-reused"
    title = "Idempotency-Key reused with a different request"


class IdempotencyInProgress(Conflict):
    """The first request with this key is still running: retry shortly for its result."""

    type = "idempotency-in-progress"
    title = "A request with this Idempotency-Key is in progress"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class DatabaseBusy(StoreError):
    """SQLite's write lock stayed taken past the busy timeout: nothing was written, retry."""

    status_code = 503
    type = "database-busy"
    title = "Busy, retry shortly"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}
