"""Liveness and readiness probes (public)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from store import migrate
from store.db import DatabaseUnavailable, check_database, get_engine

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz() -> JSONResponse:
    """The database is reachable and migrated to head."""
    engine = get_engine()
    try:
        check_database(engine)
        current = migrate.current_revision(engine)
    except DatabaseUnavailable as exc:
        return JSONResponse({"status": "unavailable", "database": str(exc)}, status_code=503)
    head = migrate.head_revision()
    ready = current == head
    body = {"status": "ok" if ready else "migrations pending", "revision": current, "head": head}
    return JSONResponse(body, status_code=200 if ready else 503)
