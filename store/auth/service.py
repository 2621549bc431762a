"""Auth logic: password hashing, login sessions, bearer tokens and device keys."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from store.auth.models import Device, DeviceKind, Role, StaffSession, StaffToken, StaffUser
from store.clock import utcnow
from store.errors import Conflict, InvalidInput

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


def digest(secret: str) -> str:
    """SHA-256 of a random secret (tokens and keys are high-entropy, so a fast hash suffices)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_user(
    session: Session,
    *,
    store_id: int,
    username: str,
    password: str,
    role: Role,
    shop_id: int | None = None,
    display_name: str = "",
) -> StaffUser:
    """A new staff user; tenant staff must name their shop."""
    if role == Role.tenant and shop_id is None:
        raise InvalidInput("tenant staff must belong to a shop")
    if session.exec(select(StaffUser).where(StaffUser.username == username)).first():
        raise Conflict(f"username {username!r} is taken")
    user = StaffUser(
        store_id=store_id,
        shop_id=shop_id,
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The active user with this username and password, else None."""
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user and user.is_active else None


def start_session(session: Session, user: StaffUser, max_age_s: int) -> tuple[str, StaffSession]:
    """A new browser session; returns the cookie secret (shown once) and the row."""
    secret = secrets.token_urlsafe(32)
    row = StaffSession(
        id=digest(secret),
        user_id=user.id,  # type: ignore[arg-type]
        csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + timedelta(seconds=max_age_s),
    )
    session.add(row)
    session.flush()
    return secret, row


def resolve_session(session: Session, secret: str) -> tuple[StaffUser, StaffSession] | None:
    """The user behind a session cookie, if the session exists, has not expired and the user is active."""
    row = session.get(StaffSession, digest(secret))
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(StaffUser, row.user_id)
    return (user, row) if user and user.is_active else None


def end_session(session: Session, secret: str) -> None:
    row = session.get(StaffSession, digest(secret))
    if row is not None:
        session.delete(row)


def issue_token(session: Session, user: StaffUser, max_age_s: int) -> tuple[str, StaffToken]:
    """A bearer token for the API; the plain token is returned once and only its hash is kept."""
    token = "sst_" + secrets.token_urlsafe(32)
    row = StaffToken(
        user_id=user.id,  # type: ignore[arg-type]
        token_hash=digest(token),
        expires_at=utcnow() + timedelta(seconds=max_age_s),
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_token(session: Session, token: str) -> StaffUser | None:
    row = session.exec(select(StaffToken).where(StaffToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(StaffUser, row.user_id)
    return user if user and user.is_active else None


def create_device(
    session: Session, *, store_id: int, kind: DeviceKind, name: str, shop_id: int | None = None
) -> tuple[str, Device]:
    """A new device; returns its API key (printed once) and the row holding the key's hash."""
    key = "ssd_" + secrets.token_urlsafe(32)
    device = Device(
        store_id=store_id, shop_id=shop_id, kind=kind, name=name, key_prefix=key[:12], key_hash=digest(key)
    )
    session.add(device)
    session.flush()
    return key, device


def resolve_device(session: Session, key: str) -> Device | None:
    device = session.exec(select(Device).where(Device.key_hash == digest(key))).first()
    if device is None or device.revoked_at is not None:
        return None
    return device
