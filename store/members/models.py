"""Tables of the members domain: members, their sign-in codes and tokens, consents, tier rules, the SMS outbox.

The points ledger is the ``points`` domain (above sales); it writes ``Member.points_balance`` and nothing else
here. The full phone number is never stored: a member types it to get a sign-in code, the code is sent to it
and the number is forgotten; what stays is a keyed hash (lookup) and the masked form (display).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class Member(SQLModel, table=True):
    """One member of one store; the phone is kept as a keyed hash (lookup) and masked (display)."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("store_id", "member_no"),
        UniqueConstraint("store_id", "phone_hash"),
        # Activity in a period (S2, S5, M3): sign-ins, member-code checks at the tills and joins.
        Index("ix_member_store_sign_in", "store_id", "last_sign_in_at"),
        Index("ix_member_store_code_step", "store_id", "code_last_step"),
        Index("ix_member_store_joined", "store_id", "joined_at"),
    )

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
    # HMAC-SHA256 of the normalised phone under a key derived from SMARTSTORE_SECRET_KEY (None once erased).
    phone_hash: str | None = Field(default=None, max_length=64)
    display_name: str = Field(default="", max_length=40)
    birthday: date | None = None
    tier_since: date | None = None
    # The last time step of a member code accepted from this member: a code is single use, and no code of an
    # earlier or the same step is accepted afterwards (a screenshot replays nothing).
    code_last_step: int = Field(default=0, sa_type=BigInteger)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class MemberOtp(SQLModel, table=True):
    """A one-time sign-in code sent to a phone: kept hashed, five minutes, five tries, used once."""

    __tablename__ = "member_otp"
    __table_args__ = (Index("ix_member_otp_store_phone", "store_id", "phone_hash", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    phone_hash: str = Field(max_length=64)
    code_hash: str = Field(max_length=64)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime)
    used_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class SmsOutbox(SQLModel, table=True):
    """What the bundled SMS sender 'sent': the masked phone and the text (a real gateway sends instead)."""

    __tablename__ = "sms_outbox"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    phone_hash: str = Field(max_length=64, index=True)
    phone_masked: str = Field(max_length=20)
    template: str = Field(max_length=40)
    body: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class MemberToken(SQLModel, table=True):
    """A member's bearer token (access: minutes; refresh: days), kept hashed; one sign-in is one ``family``."""

    __tablename__ = "member_token"
    __table_args__ = (Index("ix_member_token_created", "created_at"),)  # sign-ins in a period (S2, S5)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    family: str = Field(max_length=32, index=True)
    kind: str = Field(sa_type=String(10))  # access | refresh
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class MemberConsent(SQLModel, table=True):
    """One consent decision (given or withdrawn) for one purpose; the latest row per purpose is in force."""

    __tablename__ = "member_consent"
    __table_args__ = (Index("ix_member_consent_member_purpose", "member_id", "purpose", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    purpose: str = Field(sa_type=String(30))
    granted: bool
    text_version: str = Field(max_length=20)
    channel: str = Field(default="miniprogram", max_length=20)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class TierRule(SQLModel, table=True):
    """A store's threshold for a tier: net spend over the rolling 12 months, in fen."""

    __tablename__ = "member_tier_rule"
    __table_args__ = (UniqueConstraint("store_id", "tier"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    tier: str = Field(sa_type=String(20))
    min_spend_fen: int = Field(sa_type=BigInteger)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class MemberCodeClaim(SQLModel, table=True):
    """A member code an offline till accepted, checked by the server at sync: one sale per (member, step)."""

    __tablename__ = "member_code_claim"
    __table_args__ = (UniqueConstraint("member_id", "step"), UniqueConstraint("store_id", "order_no"))

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id")
    step: int = Field(sa_type=BigInteger)
    order_no: str = Field(max_length=64)
    device_id: int | None = None  # the till that scanned it
    scanned_at: datetime = Field(sa_type=AwareDateTime)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
