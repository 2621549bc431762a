"""Who is calling: dependencies that every route uses to state who may call it."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from store.auth import device_cache, service
from store.auth.errors import AmbiguousCredentials
from store.auth.models import Device, DeviceKind, Role, StaffSession, StaffUser
from store.config import get_settings
from store.db import SAFE_METHODS, SessionDep
from store.errors import Forbidden, Unauthorized

SESSION_COOKIE = "smartstore_session"
CSRF_HEADER = "X-CSRF-Token"

bearer_scheme = HTTPBearer(
    auto_error=False, description="Staff API token (`smartstore user token` or POST /api/v1/auth/token)"
)
_device_key = APIKeyHeader(name="X-Device-Key", auto_error=False, description="Device API key")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a staff user or a device, always bound to one store."""

    store_id: int
    shop_id: int | None
    user: StaffUser | None = None
    device: Device | None = None

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def label(self) -> str:
        """Stable id for idempotency scopes and logs: ``user:3`` or ``device:7``."""
        return f"user:{self.user.id}" if self.user else f"device:{self.device.id}"  # type: ignore[union-attr]

    def can_see_shop(self, shop_id: int) -> bool:
        """Tenant staff and shop-bound devices see only their own shop."""
        return self.shop_id is None or self.shop_id == shop_id


def secure_cookies(request: Request) -> bool:
    """Whether cookies get the ``Secure`` flag: by setting, else when served over https or in production."""
    settings = get_settings()
    if settings.cookie_secure != "auto":
        return settings.cookie_secure == "always"
    # Behind a proxy named in SMARTSTORE_FORWARDED_ALLOW_IPS, uvicorn sets the scheme from X-Forwarded-Proto.
    return request.url.scheme == "https" or settings.env == "production"


def client_address(request: Request) -> str | None:
    """The caller's address; behind a proxy named in SMARTSTORE_FORWARDED_ALLOW_IPS, the forwarded one."""
    return request.client.host if request.client else None


def _one_credential(request: Request, device_key: str | None) -> None:
    """Refuse a request that carries two credentials: which one acts would be a guess (issue 7)."""
    sent = [
        name
        for name, present in (
            ("Authorization", "authorization" in request.headers),
            ("X-Device-Key", device_key is not None),
            ("session cookie", SESSION_COOKIE in request.cookies),
        )
        if present
    ]
    if len(sent) > 1:
        raise AmbiguousCredentials(" and ".join(sent))


def _check_csrf(request: Request, staff_session: StaffSession) -> None:
    """A write signed in by the browser's cookie must carry that session's CSRF token (as the forms do)."""
    given = request.headers.get(CSRF_HEADER)
    # Bytes: compare_digest refuses non-ASCII str, and a header is whatever the caller sent.
    if not given or not secrets.compare_digest(given.encode(), staff_session.csrf_token.encode()):
        raise Forbidden(f"a write with the session cookie needs its CSRF token in the {CSRF_HEADER} header")


async def _principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    device_key: Annotated[str | None, Depends(_device_key)],
) -> Principal | None:
    # async: a till whose key is cached is admitted here, without a trip to the thread pool (the tills'
    # hot path); anything that may query runs there, as a sync dependency would.
    _one_credential(request, device_key)
    if device_key and (device := device_cache.cached(session, device_key)) is not None:
        return Principal(store_id=device.store_id, shop_id=device.shop_id, device=device)
    return await run_in_threadpool(_resolve, request, session, bearer, device_key)


def _resolve(
    request: Request, session: Session, bearer: HTTPAuthorizationCredentials | None, device_key: str | None
) -> Principal | None:
    if device_key:
        return device_principal(session, device_key)
    user = None
    if bearer is not None:
        user = service.resolve_token(session, bearer.credentials)
        if user is None:
            raise Unauthorized("invalid or expired token")
    elif (cookie := request.cookies.get(SESSION_COOKIE)) is not None:
        found = service.resolve_session(session, cookie)
        user = found[0] if found else None
        if found is not None and request.method not in SAFE_METHODS:
            _check_csrf(request, found[1])
    if user is None:
        return None
    shop_id = user.shop_id if user.role == Role.tenant else None
    return Principal(store_id=user.store_id, shop_id=shop_id, user=user)


def device_principal(session: Session, device_key: str) -> Principal:
    """The device with this key as the caller (through the device cache), or 401. May query."""
    device = device_cache.authenticate(session, device_key)
    if device is None:
        raise Unauthorized("unknown or revoked device key")
    return Principal(store_id=device.store_id, shop_id=device.shop_id, device=device)


def admit(principal: Principal | None, roles: tuple[Role, ...], devices: tuple[DeviceKind, ...]) -> Principal:
    """``principal`` if it is staff with one of ``roles`` or a device of one of ``devices``; else 401 or 403."""
    if principal is None:
        raise Unauthorized("sign in or send an API token")
    if principal.device is not None:
        if principal.device.kind not in devices:
            raise Forbidden(f"a {principal.device.kind} device may not call this")
    elif principal.role not in roles:
        raise Forbidden(f"role {principal.role} may not call this")
    return principal


def require(*roles: Role, devices: tuple[DeviceKind, ...] = ()) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting staff with one of ``roles`` and devices of the given kinds."""

    # async: it only compares, so it runs without a trip to the thread pool.
    async def dependency(principal: Annotated[Principal | None, Depends(_principal)]) -> Principal:
        return admit(principal, roles, devices)

    dependency.__name__ = "require_" + "_".join([*(r.value for r in roles), *(d.value for d in devices)])
    return dependency


ALL_STAFF = tuple(Role)
BACK_OFFICE = (Role.admin, Role.manager)
CurrentStaff = Annotated[Principal, Depends(require(*ALL_STAFF))]
Manager = Annotated[Principal, Depends(require(*BACK_OFFICE))]
Admin = Annotated[Principal, Depends(require(Role.admin))]
