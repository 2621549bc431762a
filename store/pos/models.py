"""Tables of the pos domain: each till's last report, the gaps found in its sequence of sales, and the sales a
supervisor discarded at the till."""

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
    # How it closed: "arrived" (the sales came), "discarded" (discarded at the till, see pos_discarded_sale),
    # "mixed" (some of each); "" while open.
    closed_as: str = Field(default="", max_length=20)


class PosDiscardedSale(SQLModel, table=True):
    """A sale the till's supervisor discarded from its dead-letter list, as the till reported it: its number is
    accounted for (no missing-sale alarm), never counted as a sale. A sale stored under the same number (before
    or after the report) stays a sale: the discard then only reads as "the sale arrived after all"."""

    __tablename__ = "pos_discarded_sale"
    __table_args__ = (UniqueConstraint("device_id", "till_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    device_id: int = Field(foreign_key="device.id")
    till_seq: int
    order_no: str = Field(max_length=64)
    reason: str = Field(max_length=200)
    discarded_at: datetime = Field(sa_type=AwareDateTime)  # the till's clock
    reported_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
