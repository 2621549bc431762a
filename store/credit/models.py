"""Tables of the credit domain: profiles, permits, inspections, score reasons, QR codes and scans,
complaints with their photos, signing keys, partner credit services and referrals."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class ComplaintStatus(StrEnum):
    open = "open"  # filed, nobody assigned yet
    assigned = "assigned"  # shop contact and store officer named
    responded = "responded"  # the shop or the officer answered
    resolved = "resolved"  # upheld and settled: counts against the shop's score
    rejected = "rejected"  # not upheld, with the reason: no effect on the score


class ScanOutcome(StrEnum):
    valid = "valid"  # genuine, current version, at its shop's unit
    moved = "moved"  # genuine, but found at another unit than its shop's
    superseded = "superseded"  # genuine, an older version than the shop's current code
    invalid = "invalid"  # not signed by us (forged, altered, revoked key)
    missing = "missing"  # patrol found no code at the shop


class ReferralOutcome(StrEnum):
    pending = "pending"
    approved = "approved"
    declined = "declined"


class CreditProfile(SQLModel, table=True):
    """A shop's credit file: licence, contact, rent punctuality, and its latest score."""

    __tablename__ = "credit_profile"
    __table_args__ = (UniqueConstraint("shop_id"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id")
    licence_no: str = Field(default="", max_length=32)  # 统一社会信用代码 (18 characters)
    licence_name: str = Field(default="", max_length=120)
    contact_name: str = Field(default="", max_length=60)
    rent_late_months: int = 0  # months of the last twelve with rent or settlement paid late (entered by the store)
    score: int = 100
    rating: str = Field(default="A", max_length=1)
    computed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class CreditPermit(SQLModel, table=True):
    """A permit a shop holds (food business, other), valid until ``expires_on``."""

    __tablename__ = "credit_permit"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    kind: str = Field(max_length=20)  # "food", "other"
    number: str = Field(max_length=40)
    expires_on: date


class CreditInspection(SQLModel, table=True):
    """One inspection of a shop (store or regulator) and its result."""

    __tablename__ = "credit_inspection"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    inspected_on: date
    passed: bool
    note: str = Field(default="", max_length=255)


class CreditReason(SQLModel, table=True):
    """One line of a shop's current score: points and the record they come from (replaced at each recompute)."""

    __tablename__ = "credit_reason"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    points: int
    rule: str = Field(max_length=40)
    record_kind: str = Field(max_length=20)  # "complaint", "inspection", "permit", "profile", "sales"
    record_id: int | None = None
    text: str = Field(max_length=255)


class CreditKey(SQLModel, table=True):
    """An Ed25519 signing key of the credit QR codes: the public half; the private seed derives from the secret."""

    __tablename__ = "credit_key"
    __table_args__ = (UniqueConstraint("store_id", "kid"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    kid: str = Field(max_length=16)
    public_key: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class CreditQr(SQLModel, table=True):
    """One printed version of a shop's code; a reissue supersedes the previous one."""

    __tablename__ = "credit_qr"
    __table_args__ = (UniqueConstraint("shop_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    version: int
    kid: str = Field(max_length=16)
    unit: str = Field(max_length=32)  # the unit (shop code) the poster was printed for
    code: str = Field(sa_type=Text)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    superseded_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class CreditScan(SQLModel, table=True):
    """A patrol re-scan of the poster at a unit: the evidence of "a valid code at every open shop"."""

    __tablename__ = "credit_scan"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)  # the shop whose unit the patrol stood at
    qr_id: int | None = Field(default=None, foreign_key="credit_qr.id")
    outcome: str = Field(sa_type=String(12))
    scanned_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime, index=True)
    scanned_by: str = Field(default="", max_length=64)


class CreditComplaint(SQLModel, table=True):
    """A shopper's complaint about a shop, from the public form, and its handling."""

    __tablename__ = "credit_complaint"
    __table_args__ = (UniqueConstraint("tracking_no"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    tracking_no: str = Field(max_length=16)
    text: str = Field(sa_type=Text)
    phone: str = Field(default="", max_length=20)  # for the reply only; pages show it masked
    status: str = Field(default=ComplaintStatus.open, sa_type=String(10))
    shop_contact: str = Field(default="", max_length=60)
    officer: str = Field(default="", max_length=64)
    filed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime, index=True)
    due_at: datetime = Field(sa_type=AwareDateTime)
    response: str = Field(default="", sa_type=Text)
    responded_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    close_reason: str = Field(default="", max_length=500)
    satisfaction: int | None = None  # 1–5, given by the complainant once closed


class CreditComplaintPhoto(SQLModel, table=True):
    """A photo attached to a complaint (checked to be an image and under the size limit)."""

    __tablename__ = "credit_complaint_photo"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    complaint_id: int = Field(foreign_key="credit_complaint.id", index=True)
    content_type: str = Field(max_length=20)
    data: bytes = Field(sa_type=LargeBinary)


class AppealStatus(StrEnum):
    open = "open"
    upheld = "upheld"  # the record no longer counts in the score
    rejected = "rejected"


class CreditAppeal(SQLModel, table=True):
    """A shop's appeal against one line of its score (the record it names); the store upholds or rejects it."""

    __tablename__ = "credit_appeal"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    record_kind: str = Field(max_length=20)  # complaint, inspection, permit
    record_id: int
    reason_text: str = Field(max_length=255)  # the score line as the shop saw it
    text: str = Field(max_length=1000)
    status: AppealStatus = Field(default=AppealStatus.open, sa_type=String(10))
    filed_by: str = Field(max_length=64)
    filed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    decision: str = Field(default="", max_length=500)


class CreditShopfront(SQLModel, table=True):
    """The shop's shopfront photo, shown on its public page so a code moved to another unit is caught."""

    __tablename__ = "credit_shopfront"

    shop_id: int = Field(foreign_key="shop.id", primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    content_type: str = Field(max_length=20)
    data: bytes = Field(sa_type=LargeBinary)
    sha256: str = Field(max_length=64)  # the photo's version in its URL: a new photo is a new URL
    uploaded_by: str = Field(max_length=64)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class CreditService(SQLModel, table=True):
    """A partner's credit-based financial service (consulting, guarantee, loan, insurance, trade finance)."""

    __tablename__ = "credit_service"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    kind: str = Field(max_length=20)
    partner: str = Field(max_length=120)
    name: str = Field(max_length=120)
    min_rating: str = Field(default="C", max_length=1)


class CreditReferral(SQLModel, table=True):
    """A shop referred to a credit service, and what came of it."""

    __tablename__ = "credit_referral"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    service_id: int = Field(foreign_key="credit_service.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    referred_on: date
    outcome: str = Field(default=ReferralOutcome.pending, sa_type=String(10))
    amount_fen: int = Field(default=0, sa_type=BigInteger)
