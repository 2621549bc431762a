"""Wire shapes of the members API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from store.wire import Day, RowId

PhoneText = Annotated[str, StringConstraints(min_length=11, max_length=20)]
CodeText = Annotated[str, StringConstraints(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")]


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store_id: RowId
    phone: PhoneText


class CodeSent(BaseModel):
    expires_at: datetime
    detail: str = "if this number can receive SMS, a six-digit code is on its way"


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store_id: RowId
    phone: PhoneText
    code: CodeText


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Tokens(BaseModel):
    token_type: str = "bearer"
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    member_no: str
    new_member: bool = False


class Profile(BaseModel):
    member_no: str
    phone_masked: str
    display_name: str
    birthday: date | None
    tier: str
    tier_name: str
    tier_since: date | None
    status: str
    points_balance: int
    joined_at: datetime


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: Annotated[str, StringConstraints(max_length=40)] | None = None
    birthday: Day | None = None


class Card(BaseModel):
    """The e-member card: who, tier, points, and the dynamic code (digits for barcodes; PNG/SVG QR links)."""

    member_no: str
    phone_masked: str
    tier: str
    tier_name: str
    points_balance: int
    code: str
    code_expires_at: datetime
    refresh_after_s: int
    qr_payload: str  # what the QR carries: the digits, ".", the store's Ed25519 signature (offline tills check it)
    qr_png: str
    qr_svg: str


class CodeCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, StringConstraints(min_length=1, max_length=120)]  # the 18 digits, or a QR payload


class VerifiedMember(BaseModel):
    """What a till or kiosk learns from a member code: never the phone, never a secret."""

    member_id: int
    member_no: str
    phone_masked: str
    tier: str
    tier_name: str
    points_balance: int


class SigningKey(BaseModel):
    period: int  # Unix time // 604800: the week whose QR signatures this key checks
    valid_from: datetime
    valid_until: datetime
    public_key: str  # raw Ed25519 public key, 32 bytes, hex


class SnapshotMember(BaseModel):
    """What a till shows for a member while offline: no phone, no secret."""

    member_id: int
    member_no: str
    phone_masked: str
    tier: str
    tier_name: str
    points_balance: int  # as of generated_at: the till shows it, never spends it offline


class OfflineSnapshot(BaseModel):
    """What a till caches to recognise member codes while offline (see store.members.codes and
    docs/contracts.md): public keys that check QR signatures (and cannot make them) and a page of members."""

    store_id: int
    generated_at: datetime
    valid_until: datetime  # fetch a new snapshot before this: the keys cover until then
    step_s: int
    skew_steps: int
    signed_prefix: str  # the signed message is f"{signed_prefix}{store_id}:{member_id}:{step}"
    keys: list[SigningKey]
    members: list[SnapshotMember]
    next_after_id: int | None  # pass as after_id for the next page; None: this was the last


class ConsentState(BaseModel):
    purpose: str
    name_zh: str
    name_en: str
    granted: bool
    text_version: str | None
    recorded_at: datetime | None


class ConsentChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    granted: bool
    text_version: Annotated[str, StringConstraints(min_length=1, max_length=20)]


class CouponPage(BaseModel):
    items: list[dict[str, str]] = Field(default_factory=list)
    total: int = 0
    note: str = "coupons arrive with the marketing module; none yet"
