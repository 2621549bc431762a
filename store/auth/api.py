"""Auth API: bearer tokens for staff, who am I, and user and device management for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from store.auth import service as auth_service
from store.auth.deps import SESSION_COOKIE, Admin, CurrentStaff, bearer_scheme, client_address
from store.auth.errors import TooManyAttempts
from store.auth.schemas import (
    DeviceCreate,
    DeviceCreated,
    DeviceRead,
    TokenRead,
    TokenRequest,
    UserCreate,
    UserCreated,
    UserRead,
)
from store.config import get_settings
from store.db import SessionDep
from store.errors import StoreError, Unauthorized
from store.ratelimit import RateLimited
from store.wire import RowId

router = APIRouter(prefix="/auth", tags=["auth"])
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


def answered(request: Request, exc: StoreError) -> JSONResponse:
    """A refusal as a response rather than an exception, so the request still commits what it recorded."""
    return JSONResponse(
        exc.problem(request.url.path),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
        media_type="application/problem+json",
    )


@router.post(
    "/token",
    response_model=TokenRead,
    responses={
        401: {"description": "Wrong username or password", **PROBLEM},
        429: {
            "description": "Too many failed sign-ins for this username from this address, or too many sign-ins "
            "from this address; see Retry-After",
            **PROBLEM,
        },
    },
)
def issue_token(data: TokenRequest, request: Request, session: SessionDep) -> TokenRead | JSONResponse:
    """Exchange a username and password for a bearer token (public, throttled after repeated failures)."""
    try:
        token, row = auth_service.token_for_password(
            session, data.username, data.password, get_settings().token_max_age_s, client=client_address(request)
        )
    except (Unauthorized, TooManyAttempts, RateLimited) as exc:
        # Answered, not raised: a raised error rolls the request back, and the failure must stay recorded.
        return answered(request, exc)
    return TokenRead(access_token=token, expires_at=row.expires_at)


@router.get("/me", response_model=UserRead)
def read_me(who: CurrentStaff) -> UserRead:
    """The signed-in staff user."""
    return UserRead.model_validate(who.user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, session: SessionDep, who: CurrentStaff, bearer: Bearer) -> None:
    """Revoke the bearer token of this request (or end the browser session)."""
    if bearer is not None:
        auth_service.revoke_token(session, bearer.credentials)
    elif (cookie := request.cookies.get(SESSION_COOKIE)) is not None:
        auth_service.logout(session, cookie)


@router.get("/users", response_model=list[UserRead])
def list_users(session: SessionDep, who: Admin) -> list[UserRead]:
    """Staff users of the store (admins)."""
    return [UserRead.model_validate(u) for u in auth_service.list_users(session, who.store_id)]


@router.post("/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED, responses={404: {}, 409: {}})
def create_user(data: UserCreate, session: SessionDep, who: Admin) -> UserCreated:
    """Create a staff user (admins); a generated password is returned only in this response."""
    generated = None if data.password else auth_service.generate_password()
    user = auth_service.create_user(
        session,
        store_id=who.store_id,
        username=data.username,
        password=data.password or generated,  # type: ignore[arg-type]
        role=data.role,
        shop_id=data.shop_id,
        display_name=data.display_name,
    )
    return UserCreated.model_validate({**UserRead.model_validate(user).model_dump(), "password": generated})


@router.post("/users/{user_id}/deactivate", response_model=UserRead, responses={409: {}})
def deactivate_user(user_id: RowId, session: SessionDep, who: Admin) -> UserRead:
    """Disable a user and sign them out everywhere (admins)."""
    user = auth_service.deactivate_user(session, who.store_id, user_id, by_user_id=who.user.id if who.user else None)
    return UserRead.model_validate(user)


@router.get("/devices", response_model=list[DeviceRead])
def list_devices(session: SessionDep, who: Admin) -> list[DeviceRead]:
    """Devices of the store with the start of their keys (admins)."""
    return [DeviceRead.model_validate(d) for d in auth_service.list_devices(session, who.store_id)]


@router.post("/devices", response_model=DeviceCreated, status_code=status.HTTP_201_CREATED, responses={404: {}})
def create_device(data: DeviceCreate, session: SessionDep, who: Admin) -> DeviceCreated:
    """Register a till, kiosk, camera node or capture box (admins); its key is returned only here."""
    key, device = auth_service.create_device(
        session, store_id=who.store_id, kind=data.kind, name=data.name, shop_id=data.shop_id
    )
    return DeviceCreated.model_validate({**DeviceRead.model_validate(device).model_dump(), "api_key": key})


@router.post("/devices/{device_id}/revoke", response_model=DeviceRead)
def revoke_device(device_id: RowId, session: SessionDep, who: Admin) -> DeviceRead:
    """Revoke a device's key at once (admins)."""
    return DeviceRead.model_validate(auth_service.revoke_device(session, who.store_id, device_id))
