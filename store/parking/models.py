"""Tables of the parking domain: zones and gates of the car park, the fee rule, each car's stay (session),
the gate events as they arrived, and the plates members bound to their account."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class Direction(StrEnum):
    entry = "in"
    exit = "out"


class GateOutcome(StrEnum):
    entered = "entered"  # a new session
    duplicate_entry = "duplicate_entry"  # the plate is already in the car park: the same session
    exited = "exited"  # the session closed, the barrier opened
    owes = "owes"  # the car owes a fee: the barrier stays down
    no_entry_record = "no_entry_record"  # no session with exactly this plate: staff decide, never a guess
    invalid_plate = "invalid_plate"


class ParkingZone(SQLModel, table=True):
    """An area of the car park (B2-A) and where the shopper walks to reach it (a place on the store map)."""

    __tablename__ = "parking_zone"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    code: str = Field(max_length=16)
    name: str = Field(max_length=60)
    name_en: str = Field(default="", max_length=60)
    level: str = Field(max_length=8)  # as on the signs: B2
    spaces: int = 0
    # The map place a shopper is routed to (``entrance:<zone code>``, ``anchor:<id>`` or ``shop:<code>``).
    map_place: str = Field(default="", max_length=80)
    lobby_hint: str = Field(default="", max_length=120)  # from the lift lobby: 出电梯右转
    lobby_hint_en: str = Field(default="", max_length=120)


class ParkingGate(SQLModel, table=True):
    """A barrier with its plate camera; the controller reports over the API (device key) or MQTT."""

    __tablename__ = "parking_gate"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    code: str = Field(max_length=32)
    name: str = Field(max_length=60)
    direction: Direction = Field(sa_type=String(4))
    zone_id: int | None = Field(default=None, foreign_key="parking_zone.id")
    device_id: int | None = Field(default=None, foreign_key="device.id")
    last_event_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class ParkingFeeRule(SQLModel, table=True):
    """The store's fee rule (``store.parking.fees``); one row per store."""

    __tablename__ = "parking_fee_rule"

    store_id: int = Field(primary_key=True, foreign_key="store.id")
    free_minutes: int = 30
    hourly_fen: int = Field(default=1_000, sa_type=BigInteger)
    daily_cap_fen: int = Field(default=6_000, sa_type=BigInteger)
    member_free_minutes: int = 60
    spend_threshold_fen: int = Field(default=20_000, sa_type=BigInteger)
    spend_free_minutes: int = 120
    max_discount_minutes: int = 180
    exit_grace_minutes: int = 15
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class ParkingSession(SQLModel, table=True):
    """One car's stay, from the entry gate's plate read to the exit's; at most one open per plate."""

    __tablename__ = "parking_session"
    __table_args__ = (
        Index(
            "uq_parking_session_open_plate",
            "store_id",
            "plate",
            unique=True,
            sqlite_where=text("exited_at IS NULL"),
            postgresql_where=text("exited_at IS NULL"),
        ),
        Index("ix_parking_session_store_id_entered_at", "store_id", "entered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    plate: str = Field(max_length=10)
    entered_at: datetime = Field(sa_type=AwareDateTime)
    entry_gate_id: int | None = Field(default=None, foreign_key="parking_gate.id")
    zone_id: int | None = Field(default=None, foreign_key="parking_zone.id")
    space: str = Field(default="", max_length=16)  # from a space sensor; empty: only the gate's zone is known
    exited_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    exit_gate_id: int | None = Field(default=None, foreign_key="parking_gate.id")
    paid_fen: int = Field(default=0, sa_type=BigInteger)
    paid_at: datetime | None = Field(default=None, sa_type=AwareDateTime)  # the last payment
    member_id: int | None = Field(default=None, foreign_key="member.id")  # bound plate, at the last quote


class ParkingGateEvent(SQLModel, table=True):
    """A plate read at a gate as it arrived; ``event_key`` dedupes a controller's (or the broker's) retries."""

    __tablename__ = "parking_gate_event"
    __table_args__ = (UniqueConstraint("gate_id", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    gate_id: int = Field(foreign_key="parking_gate.id")
    event_key: str = Field(max_length=64)
    plate: str = Field(max_length=16)
    direction: Direction = Field(sa_type=String(4))
    at: datetime = Field(sa_type=AwareDateTime)
    outcome: GateOutcome = Field(sa_type=String(20))
    session_id: int | None = Field(default=None, foreign_key="parking_session.id")
    owed_fen: int = Field(default=0, sa_type=BigInteger)


class ParkingPlate(SQLModel, table=True):
    """A plate a member bound to their account: the car's stays get member and spend minutes off."""

    __tablename__ = "parking_plate"
    __table_args__ = (UniqueConstraint("store_id", "plate"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    plate: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class ParkingLookup(SQLModel, table=True):
    """A find-my-car lookup (no plate kept: when, where from, whether the car was found): C5's evidence."""

    __tablename__ = "parking_lookup"
    __table_args__ = (Index("ix_parking_lookup_store_id_at", "store_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    channel: str = Field(max_length=10)  # kiosk, phone
    found: bool
