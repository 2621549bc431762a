"""Many counts at once (imports): checked rows are staged in a temporary table outside any write
transaction, then written by set-based statements, so SQLite's write lock is held only briefly.

A staged interval replaces a stored one of the same entrance and start (as ``record_counts`` does), and
the rollups move by the difference.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    func,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from store import staging
from store.clock import utcnow
from store.dbtypes import AwareDateTime
from store.footfall.models import FootfallCount
from store.kpi import service as kpi_service

COUNT_STAGE = Table(
    "footfall_stage_count",
    MetaData(),
    Column("zone_code", String(32), nullable=False),
    Column("zone_id", Integer),  # None until the write phase creates a new entrance
    Column("interval_start", AwareDateTime, nullable=False),
    Column("interval_minutes", Integer, nullable=False),
    Column("business_on", Date, nullable=False),
    Column("count_in", BigInteger, nullable=False),
    Column("count_out", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)


def open_stage(session: Session) -> None:
    conn = session.connection()
    COUNT_STAGE.drop(conn, checkfirst=True)
    COUNT_STAGE.create(conn)


def close_stage(session: Session) -> None:
    COUNT_STAGE.drop(session.connection(), checkfirst=True)


def stage_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add checked intervals to the stage (the connection's temporary database: no write lock)."""
    staging.add_rows(session.connection(), COUNT_STAGE, rows)


def set_staged_zone(session: Session, code: str, zone_id: int) -> None:
    """Point the staged intervals of entrance ``code`` at its zone (one created in the write phase)."""
    session.connection().execute(update(COUNT_STAGE).where(COUNT_STAGE.c.zone_code == code).values(zone_id=zone_id))


def upsert_staged_counts(session: Session, store_id: int) -> None:
    """Write every staged interval, replacing a stored one of the same entrance and start."""
    stage, counts = COUNT_STAGE, FootfallCount.__table__  # type: ignore[attr-defined]
    same = and_(
        counts.c.store_id == store_id,
        counts.c.zone_id == stage.c.zone_id,
        counts.c.interval_start == stage.c.interval_start,
    )
    kpi_service.add_footfall_days(
        session,
        store_id,
        select(
            stage.c.business_on, (stage.c.count_in - func.coalesce(counts.c.count_in, 0)).label("footfall_in")
        ).select_from(stage.outerjoin(counts, same)),
    )
    columns = ["zone_id", "interval_start", "interval_minutes", "business_on", "count_in", "count_out"]
    rows = select(literal(store_id), *(stage.c[c] for c in columns), literal(utcnow(), AwareDateTime)).where(
        true()
    )  # SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(counts).from_select(["store_id", *columns, "received_at"], rows)
    replaced = ["interval_minutes", "count_in", "count_out", "received_at"]
    stmt = stmt.on_conflict_do_update(
        index_elements=["store_id", "zone_id", "interval_start"],
        set_={**{name: stmt.excluded[name] for name in replaced}, "device_id": None},
    )
    session.connection().execute(stmt)
