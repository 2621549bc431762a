"""Auth logic: password hashing, login sessions, bearer tokens and device keys."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from store import ratelimit
from store.auth import throttle
from store.auth.models import Device, DeviceKind, Role, StaffSession, StaffToken, StaffUser
from store.clock import utcnow
from store.config import get_settings
from store.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from store.premises import service as premises_service
from store.scoping import get_in_store

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{2,63}")
# A till posting ten sales a second must not write its device row every time: once a minute is enough.
LAST_SEEN_EVERY = timedelta(minutes=1)


def digest(secret: str) -> str:
    """SHA-256 of a random secret (tokens and keys are high-entropy, so a fast hash suffices)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a miss costs as long as a hit (made on first use,
    not at import: every command would pay for it)."""
    return _hasher.hash("not-a-real-password")


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
    if shop_id is not None:
        premises_service.get_shop(session, store_id, shop_id)  # a shop of this store, or 404
    if not USERNAME.fullmatch(username):
        raise InvalidInput(f"username {username!r} must be 3–64 letters, digits, dots, dashes or underscores")
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
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
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
    premises_service.get_store(session, store_id)
    if shop_id is not None:
        premises_service.get_shop(session, store_id, shop_id)
    if not name.strip():
        raise InvalidInput("a device needs a name, e.g. 'Till 1'")
    key = "ssd_" + secrets.token_urlsafe(32)
    device = Device(store_id=store_id, shop_id=shop_id, kind=kind, name=name, key_prefix=key[:12], key_hash=digest(key))
    session.add(device)
    session.flush()
    return key, device


def resolve_device(session: Session, key: str) -> Device | None:
    device = session.exec(select(Device).where(Device.key_hash == digest(key))).first()
    if device is None or device.revoked_at is not None:
        return None
    return device


def authenticate_device(session: Session, key: str, *, now: datetime | None = None) -> Device | None:
    """The active device with this key, its ``last_seen_at`` brought up to date (at most once a minute)."""
    device = resolve_device(session, key)
    if device is not None:
        touch_device(session, device, now=now)
    return device


def touch_device(session: Session, device: Device, *, now: datetime | None = None) -> bool:
    """Record that the device was seen, unless that was already done in the last minute; True if written."""
    now = now or utcnow()
    cutoff = now - LAST_SEEN_EVERY
    if device.last_seen_at is not None and device.last_seen_at > cutoff:
        return False
    # Conditional, so of several processes serving the same device in one minute only the first writes.
    stale = or_(col(Device.last_seen_at).is_(None), col(Device.last_seen_at) <= cutoff)
    statement = update(Device).where(col(Device.id) == device.id, stale).values(last_seen_at=now)
    try:
        with session.begin_nested():
            written = session.exec(statement.execution_options(synchronize_session=False)).rowcount
    except OperationalError:
        # SQLite refuses to turn a reading request's transaction into a writing one when another
        # connection wrote meanwhile; last_seen_at is a hint, never worth failing the request for.
        return False
    if written:
        set_committed_value(device, "last_seen_at", now)
    return bool(written)


# --- browser login (admin pages) ---------------------------------------------------------------

WRONG_LOGIN = "wrong username or password"


def login(
    session: Session,
    username: str,
    password: str,
    max_age_s: int,
    *,
    client: str | None = None,
    now: datetime | None = None,
) -> tuple[str, StaffSession]:
    """Check the password and open a browser session; returns the cookie secret (set it once) and the row.

    Raises TooManyAttempts while throttled and Unauthorized for a wrong login: the caller must commit
    after either, so the failure is remembered (see :func:`checked_user`).
    """
    return start_session(session, checked_user(session, username, password, client=client, now=now), max_age_s)


def checked_user(
    session: Session, username: str, password: str, *, client: str | None = None, now: datetime | None = None
) -> StaffUser:
    """The user behind a sign-in, through the throttle: failures are recorded, a success clears them.

    Every sign-in, right or wrong, also counts against its address's rate limit (a public endpoint).
    """
    if client:
        limit = get_settings().signin_rate_per_minute
        ratelimit.check(session, f"signin:{client}", limit=limit, window_s=60, now=now)
    throttle.check(session, username, client, now=now)
    user = authenticate(session, username, password)
    if user is None:
        throttle.record_failure(session, username, client, now=now)
        raise Unauthorized(WRONG_LOGIN)
    throttle.clear(session, username, client)
    return user


def logout(session: Session, cookie_secret: str) -> None:
    """End the browser session behind the cookie (nothing happens for an unknown cookie)."""
    end_session(session, cookie_secret)
    session.flush()


def check_csrf(staff_session: StaffSession, token: str | None) -> None:
    """Refuse a form post whose CSRF token is not the one of this session."""
    if not token or not secrets.compare_digest(staff_session.csrf_token, token):
        raise Forbidden("the form expired or did not come from this site: reload the page and try again")


# --- API tokens --------------------------------------------------------------------------------


def token_for_password(
    session: Session,
    username: str,
    password: str,
    max_age_s: int,
    *,
    client: str | None = None,
    now: datetime | None = None,
) -> tuple[str, StaffToken]:
    """A bearer token in exchange for a username and password (throttled as :func:`login` is)."""
    return issue_token(session, checked_user(session, username, password, client=client, now=now), max_age_s)


def revoke_token(session: Session, token: str) -> None:
    """Revoke a bearer token; it stops working at once."""
    row = session.exec(select(StaffToken).where(StaffToken.token_hash == digest(token))).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()


# --- user and device management (admins) -------------------------------------------------------


def generate_password() -> str:
    """A random password that is easy to type once (16 characters, no look-alikes)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def list_users(session: Session, store_id: int) -> list[StaffUser]:
    query = select(StaffUser).where(StaffUser.store_id == store_id).order_by(col(StaffUser.username))
    return list(session.exec(query))


def get_user(session: Session, store_id: int, user_id: int) -> StaffUser:
    return get_in_store(session, StaffUser, user_id, store_id=store_id, not_found=NotFound, label="user")


def get_user_by_username(session: Session, username: str) -> StaffUser:
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def deactivate_user(session: Session, store_id: int, user_id: int, *, by_user_id: int | None = None) -> StaffUser:
    """Disable a user and sign them out everywhere (sessions ended, tokens revoked)."""
    user = get_user(session, store_id, user_id)
    if user.id == by_user_id:
        raise Conflict("you cannot deactivate your own account")
    user.is_active = False
    session.add(user)
    now = utcnow()
    for token in session.exec(select(StaffToken).where(StaffToken.user_id == user.id)):
        token.revoked_at = token.revoked_at or now
        session.add(token)
    for row in session.exec(select(StaffSession).where(StaffSession.user_id == user.id)):
        session.delete(row)
    session.flush()
    return user


def list_devices(session: Session, store_id: int) -> list[Device]:
    query = select(Device).where(Device.store_id == store_id).order_by(col(Device.id))
    return list(session.exec(query))


def revoke_device(session: Session, store_id: int, device_id: int) -> Device:
    """Revoke a device's API key; the device must be created again to get a new one."""
    device = get_in_store(session, Device, device_id, store_id=store_id, not_found=NotFound, label="device")
    device.revoked_at = device.revoked_at or utcnow()
    session.add(device)
    session.flush()
    from store.auth import device_cache  # imports this module: a cycle at import time

    device_cache.clear()
    return device


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired sessions, dead tokens, stale failed sign-ins and rate-limit counters; returns how many."""
    now = now or utcnow()
    dead = [
        *session.exec(select(StaffSession).where(col(StaffSession.expires_at) <= now)),
        *session.exec(
            select(StaffToken).where((col(StaffToken.expires_at) <= now) | col(StaffToken.revoked_at).is_not(None))
        ),
    ]
    for row in dead:
        session.delete(row)
    session.flush()
    return len(dead) + throttle.purge(session, now=now) + ratelimit.purge(session, now=now)
