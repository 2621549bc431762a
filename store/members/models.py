"""Tables of the members domain: the member (the points ledger is the ``points`` domain, above sales)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class Member(SQLModel, table=True):
    """One member of one store; the phone is kept masked here (the full number lives where consent allows)."""

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("store_id", "member_no"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    member_no: str = Field(max_length=32)
    phone_masked: str = Field(default="", max_length=20)
    tier: str = Field(default="basic", sa_type=String(20))
    status: str = Field(default="active", sa_type=String(10))
    # Written only by the points ledger (store.points), in the same transaction as its entries; the nightly
    # reconciliation checks it against the sum of the ledger.
    points_balance: int = Field(default=0, sa_type=BigInteger)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
