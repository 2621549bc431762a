"""Outbox backlogs reported by the tills (ISSUE 17 §8 "outbox backlogs reported by tills").

A till agent (``pos_bridge``) keeps sales it could not post in a local outbox and reports, with each
heartbeat, how many are waiting and since when. The heartbeat belongs to the POS side; facilities only
reads it, through one function named in docs/contracts.md:

    store.pos.service.till_backlogs(session, store_id: int | None) -> Iterable[<row>]

each row with the attributes ``store_id``, ``device_id`` (the till's ``auth`` device), ``name``,
``pending`` (sales in the outbox), ``oldest_pending_at`` (UTC, None when empty) and ``reported_at``
(the heartbeat's time). A build without that function has no figures (``None``), never an error.

From those rows come the ``/metrics`` gauges (totals, no labels by id) and the dashboard's alert: a till
whose oldest waiting sale is older than ``BACKLOG_ALERT_AGE``, or that stopped sending heartbeats while
sales were still waiting (``HEARTBEAT_STALE``), is shown as alerting.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

PROVIDER_MODULE, PROVIDER_FUNCTION = "store.pos.service", "till_backlogs"
BACKLOG_ALERT_AGE = timedelta(minutes=15)  # a sale unsent this long is missing from every report
HEARTBEAT_STALE = timedelta(minutes=5)


@dataclass(frozen=True)
class TillBacklog:
    store_id: int
    device_id: int
    name: str
    pending: int
    oldest_pending_at: datetime | None
    reported_at: datetime

    def age(self, now: datetime) -> timedelta:
        """How long the oldest waiting sale has waited (zero with an empty outbox)."""
        return now - self.oldest_pending_at if self.pending and self.oldest_pending_at else timedelta(0)

    def silent(self, now: datetime) -> bool:
        return now - self.reported_at > HEARTBEAT_STALE

    def alerting(self, now: datetime) -> bool:
        return self.age(now) > BACKLOG_ALERT_AGE or (self.pending > 0 and self.silent(now))


Provider = Callable[[Session, int | None], Iterable[Any]]


def provider() -> Provider | None:
    """The POS side's function, when this build has it."""
    if importlib.util.find_spec("store.pos") is None or importlib.util.find_spec(PROVIDER_MODULE) is None:
        return None
    return getattr(importlib.import_module(PROVIDER_MODULE), PROVIDER_FUNCTION, None)


def backlogs(session: Session, store_id: int | None, *, source: Provider | None = None) -> list[TillBacklog] | None:
    """Every till's last reported backlog (``store_id`` None: every store); None when no till reports them."""
    source = source or provider()
    if source is None:
        return None
    return [
        TillBacklog(
            store_id=row.store_id,
            device_id=row.device_id,
            name=str(getattr(row, "name", "") or ""),
            pending=max(0, int(row.pending)),
            oldest_pending_at=row.oldest_pending_at,
            reported_at=row.reported_at,
        )
        for row in source(session, store_id)
    ]


@dataclass(frozen=True)
class BacklogSummary:
    tills: int
    with_backlog: int
    pending: int
    oldest_age_s: float
    silent: int
    alerting: int


def summarize(rows: Iterable[TillBacklog], now: datetime) -> BacklogSummary:
    rows = list(rows)
    return BacklogSummary(
        tills=len(rows),
        with_backlog=sum(1 for r in rows if r.pending > 0),
        pending=sum(r.pending for r in rows),
        oldest_age_s=max((r.age(now).total_seconds() for r in rows), default=0.0),
        silent=sum(1 for r in rows if r.silent(now)),
        alerting=sum(1 for r in rows if r.alerting(now)),
    )
