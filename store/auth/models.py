"""Tables of auth: staff users, their login sessions and API tokens, devices with API keys, failed sign-ins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    cashier = "cashier"
    marketing = "marketing"
    security = "security"
    tenant = "tenant"  # tenant staff: limited to their own shop


class DeviceKind(StrEnum):
    pos_terminal = "pos_terminal"
    kiosk = "kiosk"
    camera_node = "camera_node"
    capture_box = "capture_box"
    gate_controller = "gate_controller"  # a car park barrier's plate camera and controller (store.parking)


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint("role <> 'tenant' OR shop_id IS NOT NULL", name="tenant_has_shop"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=120)
    role: Role = Field(sa_type=String(20))
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class StaffSession(SQLModel, table=True):
    """A browser login (admin pages); the cookie carries the id, signed; state lives here, not in memory."""

    __tablename__ = "staff_session"

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the random cookie secret
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime)


class StaffToken(SQLModel, table=True):
    """A bearer token for the API (mini-programs, scripts); only its hash is kept."""

    __tablename__ = "staff_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class Device(SQLModel, table=True):
    """A till, kiosk, camera node or capture box; its API key is shown once and kept hashed."""

    __tablename__ = "device"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    kind: DeviceKind = Field(sa_type=String(20))
    name: str = Field(max_length=120)
    key_prefix: str = Field(max_length=16, index=True)  # shown in lists so a key can be recognised
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class LoginFailure(SQLModel, table=True):
    """A failed sign-in, kept for the throttle window: in the database, so every server process sees it."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_failed_at", "username", "failed_at"),
        Index("ix_login_failure_client_address_failed_at", "client_address", "failed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The name as typed (lower-cased), whether or not such a user exists: no foreign key on purpose.
    username: str = Field(max_length=64)
    client_address: str | None = Field(default=None, max_length=64)  # None when the caller gave none
    failed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
