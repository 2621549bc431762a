"""Snapshots of an evaluator's costly figures, kept true by the version of the data they were read from.

A snapshot answers for a span ``[start, end)`` while three things hold: the data's version (a fingerprint
the owning domain computes cheaply in SQL) is the one it was computed at; the span asked ends at or after
the end it was computed for (a span running to *now* grows with every request); and no moment where the
data's outcome may change lies in between (``valid_until``: the next price or promotion start, for S6).
Otherwise the figures are computed again and stored, so a report never shows anything the live data does
not say; the worker refreshes the default period's snapshots in the background so that a manager's first
request finds them (``jobs.refresh_snapshots``), and the demo precomputes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from store.assessment.models import AssessmentSnapshot
from store.clock import utcnow
from store.db import write_lock
from store.errors import DatabaseBusy

log = logging.getLogger("store.assessment")


def span_key(start: datetime, end: datetime, now: datetime) -> str:
    """'<start>|<end>' for a span that ended, '<start>|now' for one that runs to the moment asked."""
    return f"{start.isoformat()}|{'now' if end >= now else end.isoformat()}"


def cached(
    session: Session,
    store_id: int,
    indicator: str,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    version: str,
    compute: Callable[[], dict[str, Any]],
    valid_until: Callable[[datetime], datetime | None],
) -> dict[str, Any]:
    """The figures of ``indicator`` over ``[start, end)``: the stored snapshot where it still holds, else
    ``compute()`` stored with its version and ``valid_until(end)``."""
    key = span_key(start, end, now)
    row = session.exec(
        select(AssessmentSnapshot).where(
            AssessmentSnapshot.store_id == store_id,
            AssessmentSnapshot.indicator == indicator,
            AssessmentSnapshot.span == key,
        )
    ).first()
    if (
        row is not None
        and row.data_version == version
        and row.end_at <= end
        and (row.valid_until is None or end < row.valid_until)
    ):
        return row.payload
    payload = compute()
    until = valid_until(end)
    try:
        # A request's own short write transaction (a job's or a test's unit of work: a savepoint); a
        # concurrent request storing the same snapshot first, or a busy database, leaves it to the next one.
        with write_lock(session):
            if row is None:
                row = AssessmentSnapshot(
                    store_id=store_id, indicator=indicator, span=key, data_version=version, end_at=end, payload=payload
                )
            row.data_version, row.end_at, row.valid_until = version, end, until
            row.payload, row.computed_at = payload, utcnow()
            session.add(row)
            session.flush()
    except (IntegrityError, DatabaseBusy, OperationalError):
        log.info("assessment snapshot not stored", extra={"indicator": indicator, "span": key})
    return payload
