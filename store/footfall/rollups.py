"""The footfall side of the KPI rollups: recompute a range of days from the raw counts.

Imports, the demo and the nightly job call ``rebuild`` after writing counts without the incremental
``kpi_service.apply_footfall``; the query goes to ``kpi_service.replace_footfall_days``, so the kpi
domain never reads footfall tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from store.footfall.models import FootfallCount
from store.kpi import service as kpi_service


def rebuild(session: Session, store_id: int, start: date | None = None, end: date | None = None) -> None:
    """Recompute the footfall rollups of ``start``..``end`` (default: every day) from the raw counts."""
    day = col(FootfallCount.business_on)
    conditions = [col(FootfallCount.store_id) == store_id]
    if start is not None:
        conditions.append(day >= start)
    if end is not None:
        conditions.append(day <= end)
    rows: Any = (
        select(day.label("business_on"), func.sum(FootfallCount.count_in).label("footfall_in"))
        .where(*conditions)
        .group_by(day)
    )
    kpi_service.replace_footfall_days(session, store_id, start, end, rows)
