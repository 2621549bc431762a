"""``Idempotency-Key`` for writes a device may retry: same key and body → first result; other body → 409.

A retry that arrives while the first request is still running is told so (409 ``idempotency-in-progress``
with ``Retry-After``) instead of being run a second time: on PostgreSQL a request holds a transaction-scoped
advisory lock on its key while it writes (:func:`claim`); on SQLite the write lock already serialises the
writers, so a retry waits for the first to commit and then gets its result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, Table, UniqueConstraint, bindparam, insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import JSON, Column, Field, Session, SQLModel, select

from store import driver_sql
from store.dbtypes import AwareDateTime
from store.errors import IdempotencyConflict, IdempotencyInProgress, InvalidInput

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


RECORD_TABLE: Table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
# Built once (the tills' hot path runs them for every sale): building costs more than running.
_FOUND = select(RECORD_TABLE.c.key, RECORD_TABLE.c.request_hash, RECORD_TABLE.c.status_code, RECORD_TABLE.c.response)
_FIND_ONE = _FOUND.where(RECORD_TABLE.c.scope == bindparam("scope"), RECORD_TABLE.c.key == bindparam("key"))
_FIND_MANY = _FOUND.where(
    RECORD_TABLE.c.scope == bindparam("scope"), RECORD_TABLE.c.key.in_(bindparam("keys", expanding=True))
)
_INSERT = insert(RECORD_TABLE)


def request_fingerprint(payload: Any) -> str:
    """A stable hash of a request body (dicts compared by content, not key order)."""
    if hasattr(payload, "model_dump"):
        payload = payload.model_dump(mode="json")
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def conflict(key: str) -> IdempotencyConflict:
    return IdempotencyConflict(f"Idempotency-Key {key!r} was already used with a different request body")


def in_progress(key: str) -> IdempotencyInProgress:
    return IdempotencyInProgress(f"a request with Idempotency-Key {key!r} is still in progress; retry shortly")


def find(
    session: Session, scope: str, keys: list[str], *, conn: Connection | None = None
) -> dict[str, tuple[str, int, dict[str, Any]]]:
    """The recorded ``(request hash, status, response)`` of each of ``keys`` that has a record.

    ``conn``: the session's connection, when the caller holds it already (asking the session costs more
    than the query on the tills' hot path)."""
    if not keys:
        return {}
    conn = conn or session.connection()
    if len(keys) == 1:  # a till's single post: straight to the driver (store.driver_sql)
        found: Any = driver_sql.fetch(conn, _FIND_ONE, {"scope": scope, "key": keys[0]})
    else:
        found = conn.execute(_FIND_MANY, {"scope": scope, "keys": keys})
    return {key: (digest, status, body) for key, digest, status, body in found}


def _lock_id(scope: str, key: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory locks, from the scope and key."""
    return int.from_bytes(hashlib.sha256(f"{scope}\x00{key}".encode()).digest()[:8], "big", signed=True)


_TRY_LOCKS = text("SELECT k FROM unnest(CAST(:ids AS bigint[])) AS k WHERE NOT pg_try_advisory_xact_lock(k)")


def claim(session: Session, scope: str, keys: list[str], *, conn: Connection | None = None) -> set[str]:
    """Mark ``keys`` as being written by this transaction; returns those another transaction holds.

    PostgreSQL: transaction-scoped advisory locks, released at commit or rollback (or when a crashed
    server's connection closes), so a key is never left claimed. SQLite: nothing to do, the caller holds
    the database's write lock, so no other writer is running.
    """
    if not keys or (conn.dialect if conn is not None else session.get_bind().dialect).name != "postgresql":
        return set()
    ids = {_lock_id(scope, key): key for key in keys}
    held = (conn or session.connection()).execute(_TRY_LOCKS, {"ids": list(ids)}).scalars()
    return {ids[lock] for lock in held}


def record(
    session: Session, scope: str, rows: list[tuple[str, str, int, dict[str, Any]]], *, conn: Connection | None = None
) -> None:
    """Store ``(key, request hash, status, response)`` of first runs (one statement for all of them)."""
    if rows:
        now = datetime.now(UTC)
        driver_sql.execute_many(
            conn or session.connection(),
            _INSERT,
            [
                {"scope": scope, "key": k, "request_hash": h, "status_code": st, "response": body, "created_at": now}
                for k, h, st, body in rows
            ],
        )


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
        earlier = _earlier(session, scope, key, fingerprint)
        if earlier is None and session.get_bind().dialect.name == "postgresql":
            if claim(session, scope, [key]):
                raise in_progress(key)
            earlier = _earlier(session, scope, key, fingerprint)  # the first may have finished meanwhile
        if earlier is not None:
            return earlier
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
            raise in_progress(key) from None
    return status_code, body


def _earlier(session: Session, scope: str, key: str, fingerprint: str) -> tuple[int, dict[str, Any]] | None:
    found = find(session, scope, [key]).get(key)
    if found is None:
        return None
    digest, status, body = found
    if digest != fingerprint:
        raise conflict(key)
    return status, body


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
