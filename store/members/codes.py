"""The dynamic member code: TOTP-style, one 30 s step, one step of clock skew, single use, per store.

An 18-digit number (a till's barcode scanner reads it; the QR code carries the same digits)::

    8 | member id, 9 digits | check, 8 digits

The check is HMAC-SHA256 over ``member id:step`` (step = Unix time // 30) under the store's code key of the
week, truncated as HOTP does (RFC 4226 dynamic truncation) to 8 digits. The store's key is derived from
``SMARTSTORE_SECRET_KEY``, the store id and the week number, so a code of another store never checks here.
That key never leaves the server: whoever holds it can make any member's codes.

The QR code carries the same 18 digits, a dot, and an Ed25519 signature (base64url, 86 characters) by the
store's signing key of the week over ``smartstore.member-code:<store id>:<member id>:<step>``. Tills while
offline (issue 10) check that signature with the week's *public* key from the offline snapshot
(``GET /members/codes/offline-snapshot``): they can check a QR code and cannot make one. The 18 digits alone
(a barcode scanner, typed) cannot be checked offline without a key that could also forge them (8 digits are
26 bits: any offline check of them is a brute-forceable oracle); an offline till accepts them provisionally
and the server checks them at sync (``POST /points/offline-claims``) against the time of the scan, before it
names the member on the sale and awards the points. Either way the points go to the member whose code it is,
and redeeming points needs the online check. Online, :func:`verify` also enforces single use across all
tills: a member's accepted step only moves forward, so a code (or any older one, as in a screenshot) is
accepted once; offline claims are single use per (member, step) in ``member_code_claim``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from store.clock import utcnow
from store.config import get_settings
from store.members.errors import (
    MemberCodeExpired,
    MemberCodeInvalid,
    MemberCodeOtherStore,
    MemberCodeUsed,
    MemberInactive,
)
from store.members.models import Member, MemberCodeClaim

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


@functools.lru_cache(maxsize=256)
def signing_key(store_id: int, period: int, secret: str) -> Ed25519PrivateKey:
    """The store's Ed25519 key of ``period`` for QR signatures (derived, never stored)."""
    seed = hmac.new(secret.encode(), f"smartstore.member-qr-sign:{store_id}:{period}".encode(), hashlib.sha256)
    return Ed25519PrivateKey.from_private_bytes(seed.digest())


def public_key(store_id: int, period: int, *, secret: str | None = None) -> bytes:
    """The raw 32-byte Ed25519 public key a till checks QR signatures of ``period`` with."""
    key = signing_key(store_id, period, secret if secret is not None else get_settings().secret_key)
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def signed_message(store_id: int, member_id: int, step: int) -> bytes:
    return f"smartstore.member-code:{store_id}:{member_id}:{step}".encode()


def qr_payload(store_id: int, code: MemberCode, *, secret: str | None = None) -> str:
    """What the QR code carries: the 18 digits, ``.``, the Ed25519 signature (base64url, no padding)."""
    member_id = int(code.digits[1 : 1 + MEMBER_DIGITS])
    key = signing_key(store_id, key_period(code.step), secret if secret is not None else get_settings().secret_key)
    signature = key.sign(signed_message(store_id, member_id, code.step))
    return f"{code.digits}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode('ascii')}"


def check_signed_offline(public_keys: dict[int, bytes], store_id: int, payload: str, at: datetime) -> tuple[int, int]:
    """A till's offline check of a QR payload (the algorithm a till implements; see docs/contracts.md):
    (member id, step) if its signature checks under the week's public key for a step within the skew of
    ``at``; :class:`MemberCodeInvalid` / :class:`MemberCodeExpired` otherwise. The till keeps the last step
    it accepted per member and refuses a step not above it (its replay guard while offline)."""
    digits, _, signature = payload.strip().partition(".")
    member_id, _check_digits = parse(digits)
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except ValueError as exc:
        raise MemberCodeInvalid("this member QR code is not valid") from exc
    now_step = step_at(at)
    for step in range(now_step + SKEW_STEPS, now_step - RECENT_STEPS - 1, -1):
        key = public_keys.get(key_period(step))
        if key is None:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key).verify(raw, signed_message(store_id, member_id, step))
        except InvalidSignature:
            continue
        if step < now_step - SKEW_STEPS:
            raise MemberCodeExpired("this member code has expired: ask the member to refresh the card")
        return member_id, step
    raise MemberCodeInvalid("this member QR code is not valid for this store")


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
    """(member id, check digits) of a well-formed code (the 18 digits, or a QR payload: the digits and
    their signature, which the server does not need); :class:`MemberCodeInvalid` otherwise."""
    code = code.strip().partition(".")[0]
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


def current_code(member: Member, at: datetime | None = None) -> MemberCode:
    """The code to show now: the current step's, or the next one's when the current step was used already
    (accepted thanks to the skew), so a member who just paid can show a fresh code at once."""
    step = max(step_at(at or utcnow()), member.code_last_step + 1)
    return make(member.store_id, member.id, step)  # type: ignore[arg-type]


_MEMBER = Member.__table__  # type: ignore[attr-defined]
_SHOWN = [_MEMBER.c[name] for name in ("id", "store_id", "member_no", "phone_masked", "tier", "status")] + [
    _MEMBER.c.points_balance,
    _MEMBER.c.code_last_step,
]


def verify(session: Session, store_id: int, code: str, at: datetime | None = None) -> Member:
    """The member whose code this is, marking the code used; refuses other stores' codes, old and used ones.

    The usual case (a current code of an active member of this store, not used yet) is one statement: the
    check digits are computed under this store's key for the steps within the skew, and one conditional
    ``UPDATE … RETURNING`` both moves the member's step (single use: of two tills at once, exactly one
    moves it) and reads what the till shows. The returned member is then a detached row, read-only. Anything
    else takes :func:`_verify_slowly`, which reads the member and names the refusal.
    """
    now = at or utcnow()
    member_id, check = parse(code)
    now_step = step_at(now)
    for step in range(now_step + SKEW_STEPS, now_step - SKEW_STEPS - 1, -1):
        if hmac.compare_digest(_check(store_key(store_id, key_period(step)), member_id, step), check):
            row = session.execute(
                update(_MEMBER)
                .where(
                    _MEMBER.c.id == member_id,
                    _MEMBER.c.store_id == store_id,
                    _MEMBER.c.status == "active",
                    _MEMBER.c.code_last_step < step,
                )
                .values(code_last_step=step)
                .returning(*_SHOWN)
            ).first()
            if row is not None:
                known = session.identity_map.get(identity_key(Member, member_id))
                if isinstance(known, Member):  # already loaded in this session: keep it true to the row
                    set_committed_value(known, "code_last_step", step)
                    return known
                return Member(**row._asdict())
            break
    return _verify_slowly(session, store_id, member_id, check, now)


def commit_without_flush_wait(session: Session) -> None:
    """Let the current transaction's commit answer before PostgreSQL has flushed it to disk
    (``synchronous_commit = off`` for this transaction only; nothing elsewhere).

    For a transaction whose only writes are a member code's step and a device's last-seen time (the verify
    route): waiting for the disk was most of a check's time. What it risks: if the database server crashes
    before its WAL writer flushes (within three ``wal_writer_delay``, 0.6 s by default), the step is lost and
    that code could be accepted once more in the rest of its 90 s; the database stays consistent, and no
    points or money are involved (earning and redemption commit durably in their own transactions). Never
    call it in a transaction that writes anything else.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit = off"))


def _verify_slowly(session: Session, store_id: int, member_id: int, check: str, now: datetime) -> Member:
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


# --- offline tills: the claim at sync ------------------------------------------------------------------------

CLAIM_WINDOW = timedelta(days=7)  # an offline till has this long to sync its sales
CLAIM_SKEW_STEPS = 4  # ± 2 minutes between the till's clock at the scan and the code's step (offline clocks drift)


def claim_offline(
    session: Session,
    store_id: int,
    code: str,
    *,
    scanned_at: datetime,
    order_no: str,
    device_id: int | None = None,
    now: datetime | None = None,
) -> tuple[Member, bool]:
    """Check a code an offline till accepted at ``scanned_at`` (its clock) for the sale ``order_no`` and record
    the claim: (member, True), or (member, False) for a replay of the same claim. The 18 digits are checked
    with the store key (a QR payload's signature is not needed here); a (member, step) is claimed once."""
    now = now or utcnow()
    if scanned_at > now + timedelta(minutes=5) or scanned_at < now - CLAIM_WINDOW:
        raise MemberCodeExpired("the scan time is outside the seven days an offline till has to sync")
    member_id, check = parse(code)
    member = session.get(Member, member_id)
    if member is None:
        raise MemberCodeInvalid("this member code is not valid")
    scan_step = step_at(scanned_at)
    key_periods = {key_period(s) for s in (scan_step - CLAIM_SKEW_STEPS, scan_step + CLAIM_SKEW_STEPS)}
    keys = {p: store_key(member.store_id, p) for p in key_periods}
    step = next(
        (
            s
            for s in range(scan_step + CLAIM_SKEW_STEPS, scan_step - CLAIM_SKEW_STEPS - 1, -1)
            if hmac.compare_digest(_check(keys[key_period(s)], member_id, s), check)
        ),
        None,
    )
    if step is None:
        raise MemberCodeInvalid("this member code was not valid at the time of the scan")
    if member.store_id != store_id:
        raise MemberCodeOtherStore("this member code belongs to another store's membership")
    if member.status != "active":
        raise MemberInactive("this membership is closed")
    earlier = session.exec(
        select(MemberCodeClaim).where(MemberCodeClaim.member_id == member_id, MemberCodeClaim.step == step)
    ).first()
    if earlier is not None:
        if earlier.store_id == store_id and earlier.order_no == order_no:
            return member, False
        raise MemberCodeUsed("this member code was claimed for another sale already")
    other = session.exec(
        select(MemberCodeClaim).where(MemberCodeClaim.store_id == store_id, MemberCodeClaim.order_no == order_no)
    ).first()
    if other is not None:
        raise MemberCodeUsed(f"sale {order_no} was claimed with another member code already")
    try:
        with session.begin_nested():  # two syncs of the same claim at once: one inserts, the other is a replay
            session.add(
                MemberCodeClaim(
                    store_id=store_id,
                    member_id=member_id,
                    step=step,
                    order_no=order_no,
                    device_id=device_id,
                    scanned_at=scanned_at,
                )
            )
    except IntegrityError as exc:
        raise MemberCodeUsed("this member code was claimed for another sale already") from exc
    # An online check of this code (or an older one) is refused from now on.
    session.execute(
        update(Member)
        .where(col(Member.id) == member_id, col(Member.code_last_step) < step)
        .values(code_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return member, True
