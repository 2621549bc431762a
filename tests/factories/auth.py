"""Factories for staff users, their tokens and sessions, and devices."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from itertools import count

from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.models import Device, DeviceKind, Role, StaffUser
from store.premises.models import Shop, Store

PASSWORD = "correct-horse-battery"
_seq = count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # Hash once per run: argon2 is slow on purpose, and most tests only need a user that exists.
    return auth_service.hash_password(PASSWORD)


def create_user(
    session: Session,
    store: Store,
    *,
    role: Role = Role.manager,
    shop: Shop | None = None,
    username: str | None = None,
    is_active: bool = True,
) -> StaffUser:
    user = StaffUser(
        store_id=store.id,
        shop_id=shop.id if shop else None,
        username=username or f"{role.value}{next(_seq)}",
        role=role,
        password_hash=_password_hash(),
        is_active=is_active,
    )
    session.add(user)
    session.flush()
    return user


def token_for(session: Session, user: StaffUser, *, max_age_s: int = 3600) -> str:
    token, _ = auth_service.issue_token(session, user, max_age_s)
    return token


def headers_for(session: Session, user: StaffUser) -> dict[str, str]:
    """``Authorization`` header of a fresh bearer token for ``user``."""
    return {"Authorization": f"Bearer {token_for(session, user)}"}


def staff_headers(
    session: Session, store: Store, role: Role = Role.manager, *, shop: Shop | None = None
) -> dict[str, str]:
    """Headers of a new user with ``role`` (tenant staff need ``shop``)."""
    return headers_for(session, create_user(session, store, role=role, shop=shop))


def create_device(
    session: Session,
    store: Store,
    *,
    kind: DeviceKind = DeviceKind.pos_terminal,
    shop: Shop | None = None,
    name: str = "Till 1",
) -> tuple[str, Device]:
    return auth_service.create_device(
        session,
        store_id=store.id,
        kind=kind,
        name=name,  # type: ignore[arg-type]
        shop_id=shop.id if shop else None,
    )


def expire_session(session: Session, secret: str) -> None:
    """Move a browser session's expiry into the past, as if the user had been away for a day."""
    row = session.get(auth_service.StaffSession, auth_service.digest(secret))
    assert row is not None
    row.expires_at = row.created_at - timedelta(seconds=1)
    session.add(row)
    session.flush()
