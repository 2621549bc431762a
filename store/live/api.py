"""Live streaming API for the back office: schedule sessions with their products and coupons, read the
programme and each session's attributed sales, and record the audience."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from store.auth.deps import Principal, require
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import InvalidInput
from store.live import service as live_service
from store.live.models import LiveSession
from store.live.schemas import LiveProductRead, LiveSessionCreate, LiveSessionRead, ViewersIn
from store.premises import service as premises_service
from store.wire import Day, RowId

router = APIRouter(prefix="/live", tags=["live"])

Programmer = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.marketing))]


def session_read(session: Any, store_id: int, row: LiveSession) -> LiveSessionRead:
    read = LiveSessionRead.model_validate(row)
    sid: int = row.id  # type: ignore[assignment]
    read.products = [LiveProductRead.model_validate(p) for p in live_service.products(session, sid)]
    read.coupons = [c.code for c in live_service.coupons(session, sid)]
    read.orders, read.revenue_fen = live_service.attributed_totals(session, store_id, [sid]).get(sid, (0, 0))
    return read


@router.post("/sessions", status_code=201, response_model=LiveSessionRead, responses={400: {}, 404: {}, 409: {}})
def create_session(data: LiveSessionCreate, session: SessionDep, caller: Programmer) -> LiveSessionRead:
    """Schedule a session (store or shop, platform, type, host, products, session-bound coupons); its `code` is
    the link/QR parameter. Products without a price show the one resolver's live price at the start."""
    return session_read(session, caller.store_id, live_service.schedule(session, caller.store_id, data))


@router.get("/sessions", response_model=list[LiveSessionRead], responses={400: {}})
def list_sessions(
    session: SessionDep, caller: Programmer, start: Day | None = None, end: Day | None = None
) -> list[LiveSessionRead]:
    """Sessions starting on the business days `start`..`end` (default: this month so far and the month ahead)."""
    tz = premises_service.get_store(session, caller.store_id).timezone
    today = business_day(utcnow(), tz)
    first, last = start or today.replace(day=1), end or today + timedelta(days=31)
    if last < first or (last - first).days > 366 or not 2000 <= first.year <= last.year <= 2100:
        raise InvalidInput(f"a period of 1 to 366 days between 2000 and 2100, not {first}..{last}")
    rows = live_service.list_between(session, caller.store_id, first, last, tz)
    return [session_read(session, caller.store_id, row) for row in rows]


@router.get("/sessions/{session_id}", response_model=LiveSessionRead, responses={404: {}})
def get_session(session_id: RowId, session: SessionDep, caller: Programmer) -> LiveSessionRead:
    """One session with its products, coupons and attributed sales."""
    return session_read(session, caller.store_id, live_service.get(session, caller.store_id, session_id))


@router.put("/sessions/{session_id}/viewers", response_model=LiveSessionRead, responses={404: {}})
def set_viewers(session_id: RowId, data: ViewersIn, session: SessionDep, caller: Programmer) -> LiveSessionRead:
    """Record the audience a platform reported for the session."""
    row = live_service.set_viewers(session, caller.store_id, session_id, data.viewers)
    return session_read(session, caller.store_id, row)
