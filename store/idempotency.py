"""``Idempotency-Key`` for writes a device may retry: same key and body → first result; other body → 409."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import JSON, Column, Field, Session, SQLModel, select

from store.dbtypes import AwareDateTime
from store.errors import IdempotencyConflict, InvalidInput

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        pattern=r"\S",  # a blank key would make every retry look alike: refused as malformed
        description="Retry-safe key: the same key and body return the first result.",
    ),
]


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=200)  # who and where: "device:12:POST /api/v1/sales/orders"
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), sa_type=AwareDateTime)


def request_fingerprint(payload: Any) -> str:
    """A stable hash of a request body (dicts compared by content, not key order)."""
    if hasattr(payload, "model_dump"):
        payload = payload.model_dump(mode="json")
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def run_once(
    session: Session,
    *,
    scope: str,
    key: str | None,
    payload: Any,
    produce: Callable[[], Any],
    status_code: int = 201,
) -> tuple[int, dict[str, Any]]:
    """Run ``produce`` once per (scope, key); return ``(status, json body)`` of the first run.

    ``produce`` returns a pydantic model or a JSON-ready dict. Without a key the write simply runs.
    """
    fingerprint = request_fingerprint(payload)
    if key is not None:
        if not key.strip():
            raise InvalidInput("Idempotency-Key must not be blank")
        earlier = session.exec(
            select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
        ).first()
        if earlier is not None:
            if earlier.request_hash != fingerprint:
                raise IdempotencyConflict(f"Idempotency-Key {key!r} was already used with a different request body")
            return earlier.status_code, earlier.response
    result = produce()
    body = result.model_dump(mode="json") if hasattr(result, "model_dump") else result
    if key is not None:
        record = IdempotencyRecord(
            scope=scope, key=key, request_hash=fingerprint, status_code=status_code, response=body
        )
        try:
            with session.begin_nested():
                session.add(record)
        except IntegrityError:
            # A concurrent retry with the same key won the race; ours rolls back with the request.
            raise IdempotencyConflict(f"a request with Idempotency-Key {key!r} is already in progress") from None
    return status_code, body


def respond_once(
    session: Session,
    request: Request,
    caller: str,
    *,
    key: str | None,
    payload: Any,
    produce: Callable[[], Any],
    status_code: int = 201,
) -> JSONResponse:
    """:func:`run_once` for a route: the scope is the caller and the request's own method and path.

    The concrete path (``/api/v1/sales/orders/7/refunds``, not its template) keeps one key used for two
    different orders apart.
    """
    status, body = run_once(
        session,
        scope=f"{caller}:{request.method} {request.url.path}",
        key=key,
        payload=payload,
        produce=produce,
        status_code=status_code,
    )
    return JSONResponse(body, status_code=status)
