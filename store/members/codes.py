"""The dynamic member code: TOTP-style, one 30 s step, one step of clock skew, single use, per store.

An 18-digit number (a till's barcode scanner reads it; the QR code carries the same digits)::

    8 | member id, 9 digits | check, 8 digits

The check is HMAC-SHA256 over ``member id:step`` (step = Unix time // 30) under the store's code key of the
week, truncated as HOTP does (RFC 4226 dynamic truncation) to 8 digits. The store's key is derived from
``SMARTSTORE_SECRET_KEY``, the store id and the week number, so a code of another store never checks here,
and a till can be given this week's and next week's keys to check codes while offline (``offline_keys``):
the till caches those two keys, checks a code with :func:`check_offline`, keeps the steps it accepted per
member (its own replay guard) and posts the sale with the member id when it is back online, where the
points are awarded once (the ledger is idempotent per sale). Online, :func:`verify` also enforces single
use across all tills: a member's accepted step only moves forward, so a code (or any older one, as in a
screenshot) is accepted once. The key a till caches can make codes for any member of its store for two
weeks: a stolen till is revoked (its device key) and the keys rotate weekly; redeeming points needs the
online check. The member id in the digits is a row id, no personal data; the secret never leaves the server
except as these weekly store keys to the store's own tills.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from store.clock import utcnow
from store.config import get_settings
from store.members.errors import (
    MemberCodeExpired,
    MemberCodeInvalid,
    MemberCodeOtherStore,
    MemberCodeUsed,
    MemberInactive,
)
from store.members.models import Member

STEP_S = 30
SKEW_STEPS = 1
KEY_PERIOD_S = 7 * 86_400
PREFIX = "8"
LENGTH = 18
MEMBER_DIGITS = 9
CHECK_DIGITS = 8
RECENT_STEPS = 2 * 60 * 2  # a code up to an hour old reads as "expired" rather than "not valid"


def step_at(at: datetime) -> int:
    return int(at.timestamp()) // STEP_S


def key_period(step: int) -> int:
    return step * STEP_S // KEY_PERIOD_S


def store_key(store_id: int, period: int, *, secret: str | None = None) -> bytes:
    """The key of ``store_id``'s codes in key period ``period`` (a week)."""
    return _store_key(secret if secret is not None else get_settings().secret_key, store_id, period)


@functools.lru_cache(maxsize=1024)
def _store_key(secret: str, store_id: int, period: int) -> bytes:
    return hmac.new(secret.encode(), f"smartstore.member-code:{store_id}:{period}".encode(), hashlib.sha256).digest()


def _check(key: bytes, member_id: int, step: int) -> str:
    mac = hmac.new(key, f"{member_id}:{step}".encode(), hashlib.sha256).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 10**CHECK_DIGITS:0{CHECK_DIGITS}d}"


@dataclass(frozen=True)
class MemberCode:
    digits: str
    step: int
    expires_at: datetime  # end of the step (one more step of skew is still accepted)


def make(store_id: int, member_id: int, step: int, *, secret: str | None = None) -> MemberCode:
    if not 0 < member_id < 10**MEMBER_DIGITS:
        raise ValueError("member ids above 9 digits do not fit the 18-digit code")
    key = store_key(store_id, key_period(step), secret=secret)
    digits = f"{PREFIX}{member_id:0{MEMBER_DIGITS}d}{_check(key, member_id, step)}"
    return MemberCode(digits, step, datetime.fromtimestamp((step + 1) * STEP_S, UTC))


def parse(code: str) -> tuple[int, str]:
    """(member id, check digits) of a well-formed code; :class:`MemberCodeInvalid` otherwise."""
    code = code.strip()
    if len(code) != LENGTH or not code.isascii() or not code.isdigit() or not code.startswith(PREFIX):
        raise MemberCodeInvalid(f"a member code is {LENGTH} digits starting with {PREFIX}")
    member_id = int(code[1 : 1 + MEMBER_DIGITS])
    if member_id == 0:
        raise MemberCodeInvalid("this member code is not valid")
    return member_id, code[1 + MEMBER_DIGITS :]


def match_step(keys: dict[int, bytes], member_id: int, check: str, now_step: int) -> int | None:
    """The step within ±skew whose check is ``check``, or -1 when an older step (up to an hour) matches
    (an old code, a screenshot), or None when none does. ``keys``: key period → key."""
    for step in range(now_step + SKEW_STEPS, now_step - RECENT_STEPS - 1, -1):
        key = keys.get(key_period(step))
        if key is not None and hmac.compare_digest(_check(key, member_id, step), check):
            return step if step >= now_step - SKEW_STEPS else -1
    return None


def offline_keys(store_id: int, at: datetime, *, secret: str | None = None) -> dict[int, bytes]:
    """The keys a till caches: this key period's and the next (and the previous, for codes at the turn)."""
    period = key_period(step_at(at))
    return {p: store_key(store_id, p, secret=secret) for p in (period - 1, period, period + 1)}


def check_offline(keys: dict[int, bytes], code: str, at: datetime) -> tuple[int, int]:
    """A till's check without the server: (member id, step), or the same errors as online. The caller keeps
    the (member id, step) pairs it accepted and refuses a step not above the last one per member."""
    member_id, check = parse(code)
    step = match_step(keys, member_id, check, step_at(at))
    if step is None:
        raise MemberCodeInvalid("this member code is not valid for this store")
    if step < 0:
        raise MemberCodeExpired("this member code has expired: ask the member to refresh the card")
    return member_id, step


def current_code(member: Member, at: datetime | None = None) -> MemberCode:
    """The code to show now: the current step's, or the next one's when the current step was used already
    (accepted thanks to the skew), so a member who just paid can show a fresh code at once."""
    step = max(step_at(at or utcnow()), member.code_last_step + 1)
    return make(member.store_id, member.id, step)  # type: ignore[arg-type]


def verify(session: Session, store_id: int, code: str, at: datetime | None = None) -> Member:
    """The member whose code this is, marking the code used; refuses other stores' codes, old and used ones."""
    now = at or utcnow()
    member_id, check = parse(code)
    member = session.get(Member, member_id)
    if member is None:
        raise MemberCodeInvalid("this member code is not valid")
    now_step = step_at(now)
    keys = {p: store_key(member.store_id, p) for p in {key_period(s) for s in (now_step - RECENT_STEPS, now_step + 1)}}
    step = match_step(keys, member_id, check, now_step)
    if step is None:
        raise MemberCodeInvalid("this member code is not valid")
    if member.store_id != store_id:
        raise MemberCodeOtherStore("this member code belongs to another store's membership")
    if step < 0:
        raise MemberCodeExpired("this member code has expired: ask the member to refresh the card")
    if member.status != "active":
        raise MemberInactive("this membership is closed")
    # One statement: of two tills verifying the same code at once, exactly one moves the step.
    moved = session.execute(
        update(Member)
        .where(col(Member.id) == member_id, col(Member.code_last_step) < step)
        .values(code_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise MemberCodeUsed("this member code was used already: ask the member to refresh the card")
    set_committed_value(member, "code_last_step", step)  # what the UPDATE wrote, without reading it back
    return member


def expires_in(code: MemberCode, at: datetime | None = None) -> timedelta:
    return code.expires_at - (at or utcnow())
