"""Tables of the points domain: ledger entries, the lots they open, the spend→lot links, holds, debts, rules.

The ledger (``points_entry``) is append-only: a row is never updated nor deleted. Its sum per member is the
balance; ``member.points_balance`` caches it and ``points_lot.remaining`` says which lots the balance sits in.
Every row has a unique (source type, source id, kind), so a replayed sale, refund or redemption applies once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class EntryKind(StrEnum):
    earn = "earn"  # points for a sale (opens a lot)
    redeem = "redeem"  # points spent: a coupon, a gift, part-payment at a till (a hold)
    expire = "expire"  # what was left of a lot at its expiry
    adjust = "adjust"  # a manager's adjustment with its reason, or an opening balance from an old system
    reverse = "reverse"  # a refund or a released hold undoing an earn or a redeem


class HoldStatus(StrEnum):
    held = "held"
    confirmed = "confirmed"
    released = "released"


class PointsEntry(SQLModel, table=True):
    __tablename__ = "points_entry"
    __table_args__ = (
        UniqueConstraint("source_type", "source_id", "kind"),
        CheckConstraint("points <> 0", name="points_not_zero"),
        Index("ix_points_entry_member_id_id", "member_id", "id"),
        # Members with points activity in a period (S5): found in the index alone.
        Index("ix_points_entry_store_day", "store_id", "business_on", "kind", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id")
    kind: EntryKind = Field(sa_type=String(10))
    points: int = Field(sa_type=BigInteger)  # signed: what this entry adds to the balance
    source_type: str = Field(max_length=20)  # "order", "refund", "hold", "adjust", "lot", "opening", ...
    source_id: str = Field(max_length=64)
    reason: str = Field(default="", max_length=200)
    actor: str = Field(default="", max_length=80)  # who: "user:3", "device:7", "job", "import"
    business_on: date  # the store's day the entry belongs to
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PointsLot(SQLModel, table=True):
    """Points earned together, spendable until 00:00 (store time) of ``expires_on``; ``None`` never expires."""

    __tablename__ = "points_lot"
    __table_args__ = (
        CheckConstraint("points > 0 AND remaining >= 0 AND remaining <= points", name="remaining_within_points"),
        Index("ix_points_lot_member_id_expires_on", "member_id", "expires_on"),
        Index("ix_points_lot_expires_on", "expires_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id")
    entry_id: int = Field(foreign_key="points_entry.id", index=True)  # the entry that opened it
    points: int = Field(sa_type=BigInteger)
    remaining: int = Field(sa_type=BigInteger)
    expires_on: date | None = None
    # Who funds these points: None is the store, a shop id is that tenant brand (settled on redemption).
    funder_shop_id: int | None = Field(default=None, foreign_key="shop.id")
    earned_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PointsAllocation(SQLModel, table=True):
    """How many points an entry took from (positive) or gave back to (negative) one lot."""

    __tablename__ = "points_allocation"
    __table_args__ = (CheckConstraint("points <> 0", name="points_not_zero"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="points_entry.id", index=True)
    lot_id: int = Field(foreign_key="points_lot.id", index=True)
    points: int = Field(sa_type=BigInteger)


class PointsHold(SQLModel, table=True):
    """Points set aside for a part-payment at a till: confirmed with the sale, or released."""

    __tablename__ = "points_hold"
    __table_args__ = (
        UniqueConstraint("store_id", "hold_key"),
        CheckConstraint("points > 0", name="points_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    hold_key: str = Field(max_length=64)  # the till's own reference for this payment
    points: int = Field(sa_type=BigInteger)
    status: HoldStatus = Field(default=HoldStatus.held, sa_type=String(10))
    order_no: str = Field(default="", max_length=64)  # the sale it paid for, once confirmed
    expires_at: datetime = Field(sa_type=AwareDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PointsDebt(SQLModel, table=True):
    """Points a refund should have taken back but the member had already spent; paid from later earnings."""

    __tablename__ = "points_debt"
    __table_args__ = (CheckConstraint("points > 0 AND settled >= 0 AND settled <= points", name="settled_within"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    source: str = Field(max_length=64, unique=True)  # "refund:<id>": the refund whose reversal fell short
    points: int = Field(sa_type=BigInteger)
    settled: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PointsRule(SQLModel, table=True):
    """An earn rule: ``base`` sets fen per point, ``promo`` multiplies for a period; empty fields match all."""

    __tablename__ = "points_rule"
    __table_args__ = (
        CheckConstraint("fen_per_point > 0 AND multiplier_pct >= 0", name="rates_positive"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="period_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    kind: str = Field(default="base", sa_type=String(10))  # "base" or "promo"
    name: str = Field(default="", max_length=80)
    channel: str | None = Field(default=None, max_length=20)
    shop_id: int | None = Field(default=None, foreign_key="shop.id")
    category: str | None = Field(default=None, max_length=40)
    fen_per_point: int = 100
    multiplier_pct: int = 100
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive
    # Who funds the points this rule earns: the store, or the tenant brand of the order's shop.
    funded_by_shop: bool = False
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class PointsTierRate(SQLModel, table=True):
    __tablename__ = "points_tier_rate"
    __table_args__ = (UniqueConstraint("store_id", "tier"), CheckConstraint("multiplier_pct >= 0", name="pct_ok"))

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    tier: str = Field(max_length=20)
    multiplier_pct: int = 100


class PointsPolicy(SQLModel, table=True):
    """A store's points policy: how long lots live, what a point is worth, how long a till's hold lasts."""

    __tablename__ = "points_policy"

    store_id: int = Field(foreign_key="store.id", primary_key=True)
    # Points earned in year N lapse at 00:00 on 1 January of year N + 1 + expiry_years (1: "end of next year").
    expiry_years: int = 1
    fen_per_100_points: int = 100  # 100 points = ¥1 by default: the value used for the liability
    hold_minutes: int = 15


class PointsCursor(SQLModel, table=True):
    """How far the award job has read the sales tables (the last order id and refund id seen)."""

    __tablename__ = "points_cursor"

    name: str = Field(primary_key=True, max_length=40)
    last_id: int = Field(default=0, sa_type=BigInteger)


class PointsMismatch(SQLModel, table=True):
    """A member whose ledger sum, cached balance and open lots disagreed at a nightly reconciliation."""

    __tablename__ = "points_mismatch"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    ledger_points: int = Field(sa_type=BigInteger)
    cached_points: int = Field(sa_type=BigInteger)
    lot_points: int = Field(sa_type=BigInteger)
    found_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
