"""Till figures for ``/metrics`` at scrape time: outbox backlog and missing sales over all tills, tills by state."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import Session, col, select

from store import metrics
from store.db import get_engine
from store.pos.models import PosSequenceGap, PosTill


class TillFigures(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        backlog = GaugeMetricFamily("store_pos_outbox_backlog", "Sales waiting in the tills' outboxes, as reported")
        dead = GaugeMetricFamily("store_pos_dead_letters", "Sales the server refused, waiting on the tills")
        missing = GaugeMetricFamily("store_pos_missing_sales", "Till sequence numbers missing on the server")
        try:
            with Session(get_engine()) as session:
                queued, refused = session.exec(
                    select(
                        func.coalesce(func.sum(PosTill.outbox_backlog), 0),
                        func.coalesce(func.sum(PosTill.dead_letters), 0),
                    )
                ).one()
                gaps = session.exec(
                    select(func.coalesce(func.sum(PosSequenceGap.last_seq - PosSequenceGap.first_seq + 1), 0)).where(
                        col(PosSequenceGap.resolved_at).is_(None)
                    )
                ).one()
        except Exception:  # a scrape never fails because the database is busy
            return
        backlog.add_metric([], int(queued))
        dead.add_metric([], int(refused))
        missing.add_metric([], int(gaps))
        yield backlog
        yield dead
        yield missing


metrics.COLLECTORS.append(TillFigures())
