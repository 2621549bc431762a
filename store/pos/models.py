"""Tables of the pos domain: each till's last report, and the gaps found in its sequence of sales."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class PosTill(SQLModel, table=True):
    """A till's (``pos_terminal`` device's) last heartbeat, and where the gap scan has checked up to."""

    __tablename__ = "pos_till"

    device_id: int = Field(primary_key=True, foreign_key="device.id")
    store_id: int = Field(foreign_key="store.id", index=True)
    last_heartbeat_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    outbox_backlog: int = 0
    oldest_pending_at: datetime | None = Field(default=None, sa_type=AwareDateTime)  # the oldest waiting sale
    dead_letters: int = 0
    last_seq: int = 0  # the highest sequence the till says it gave a sale
    dead_seqs: str = Field(default="", max_length=2000)  # comma-separated, as the till reported them
    price_book_version: int | None = None
    agent_version: str = Field(default="", max_length=40)
    shift_open: bool = True
    contiguous_seq: int = 0  # every sequence 1..contiguous_seq is stored (the scan's watermark)


class PosSequenceGap(SQLModel, table=True):
    """Sequence numbers of a till missing on the server: a missing-sale alarm until they arrive."""

    __tablename__ = "pos_sequence_gap"
    __table_args__ = (
        UniqueConstraint("device_id", "first_seq"),
        Index("ix_pos_sequence_gap_open", "store_id", "resolved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    device_id: int = Field(foreign_key="device.id")
    first_seq: int
    last_seq: int
    detected_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
