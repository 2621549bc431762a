"""Wire contract of auth: tokens, the signed-in user, staff users and devices."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from store.auth.models import DeviceKind, Role
from store.wire import RowId


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenRead(BaseModel):
    access_token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only once")
    token_type: str = "bearer"
    expires_at: datetime


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    store_id: int
    shop_id: int | None
    is_active: bool


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    role: Role
    display_name: str = Field(default="", max_length=120)
    shop_id: RowId | None = Field(default=None, description="Required for tenant staff: their own shop")
    password: str | None = Field(
        default=None, min_length=10, max_length=256, description="Leave empty to have one generated"
    )


class UserCreated(UserRead):
    password: str | None = Field(description="The generated password, shown only this once (else null)")


class DeviceCreate(BaseModel):
    kind: DeviceKind
    name: str = Field(min_length=1, max_length=120)
    shop_id: RowId | None = None


class DeviceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: DeviceKind
    name: str
    store_id: int
    shop_id: int | None
    key_prefix: str = Field(description="The start of the key, to recognise it")
    created_at: datetime
    revoked_at: datetime | None
    last_seen_at: datetime | None


class DeviceCreated(DeviceRead):
    api_key: str = Field(description="Send as `X-Device-Key`; shown only this once")
