"""Members: sign-in by phone and one-time code, member tokens, profile, consent, tiers, data export/erasure.

The dynamic member code is :mod:`store.members.codes`; the pure tier rule is :mod:`store.members.rules`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, func, literal, text, union, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from store import ratelimit
from store.clock import day_bounds_utc, utcnow
from store.errors import InvalidInput
from store.members import phones, rules, sms
from store.members.errors import (
    InvalidTierRules,
    MemberInactive,
    MemberNotFound,
    MemberTokenInvalid,
    SignInCodeInvalid,
    TooManyCodes,
    UnknownConsentPurpose,
)
from store.members.models import Member, MemberConsent, MemberOtp, MemberToken, TierRule
from store.premises import service as premises_service
from store.sales.models import ONLINE_MEMBER_ORDERS, Order
from store.scoping import get_in_store

CODE_TTL = timedelta(minutes=5)
CODE_TRIES = 5
CODES_PER_HOUR = 5
# Per caller address: one address asking codes for many phones (SMS pumping) is refused past this per hour.
CODES_PER_ADDRESS_PER_HOUR = 20
CODE_GAP = timedelta(seconds=60)
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
ACCESS_PREFIX = "mat_"
REFRESH_PREFIX = "mrt_"

# Purposes a member consents to (PIPL art. 13–14, 23); membership itself rests on the contract, not consent.
PURPOSES: dict[str, tuple[str, str]] = {
    "marketing_push": ("营销推送", "Marketing messages"),
    "profiling": ("个性化推荐与画像", "Personalisation and profiling"),
    "brand_sharing": ("向入驻品牌提供会员信息", "Sharing my data with tenant brands"),
}
CONSENT_TEXT_VERSION = "2026-01"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _code_hash(phone_hash: str, code: str) -> str:
    return hmac.new(phone_hash.encode(), code.encode(), hashlib.sha256).hexdigest()


# --- sign-in -------------------------------------------------------------------------------------------


def request_sign_in_code(session: Session, store_id: int, raw_phone: str, *, client: str | None = None) -> datetime:
    """Send a six-digit code to the phone (member or not yet: the answer is the same); returns its expiry.

    Limits: one a minute and five an hour per phone, and :data:`CODES_PER_ADDRESS_PER_HOUR` per caller
    address (``client``), whatever the phones. The address's hit is written before any check refuses: the
    API answers a refusal (it does not raise), so the count stays.
    """
    premises_service.get_store(session, store_id)
    if client:
        ratelimit.check(session, f"member-otp:{client}", limit=CODES_PER_ADDRESS_PER_HOUR, window_s=3600)
    phone = phones.normalise(raw_phone)
    key = phones.phone_hash(phone)
    now = utcnow()
    recent = session.exec(
        select(MemberOtp.created_at)
        .where(
            MemberOtp.store_id == store_id, MemberOtp.phone_hash == key, MemberOtp.created_at > now - timedelta(hours=1)
        )
        .order_by(col(MemberOtp.created_at).desc())
    ).all()
    if len(recent) >= CODES_PER_HOUR or (recent and recent[0] > now - CODE_GAP):
        raise TooManyCodes("a code was sent to this phone a moment ago: wait a minute before asking again")
    code = f"{secrets.randbelow(10**6):06d}"
    row = MemberOtp(store_id=store_id, phone_hash=key, code_hash=_code_hash(key, code), expires_at=now + CODE_TTL)
    session.add(row)
    sms.sender().send(
        session,
        store_id=store_id,
        phone=phone,
        template="sign-in-code",
        body=f"您的登录验证码是 {code}，5分钟内有效。Your sign-in code is {code}, valid for 5 minutes.",
    )
    session.flush()
    return row.expires_at


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime
    member: Member
    created: bool = False


def _check_code(session: Session, store_id: int, key: str, code: str) -> None:
    now = utcnow()
    otp = session.exec(
        select(MemberOtp)
        .where(MemberOtp.store_id == store_id, MemberOtp.phone_hash == key)
        .order_by(col(MemberOtp.id).desc())
        .limit(1)
    ).first()
    if otp is None or otp.used_at is not None or otp.expires_at <= now or otp.attempts >= CODE_TRIES:
        raise SignInCodeInvalid("no valid sign-in code for this phone: ask for a new one")
    if not hmac.compare_digest(otp.code_hash, _code_hash(key, code)):
        # Counted in its own statement: the request rolls back on the raise, so the API commits it first.
        otp.attempts += 1
        raise SignInCodeInvalid("the sign-in code is wrong")
    otp.used_at = now


def new_member_no(session: Session, store_id: int) -> str:
    for _ in range(20):
        no = f"8{secrets.randbelow(10**11):011d}"
        if session.exec(select(Member.id).where(Member.store_id == store_id, Member.member_no == no)).first() is None:
            return no
    raise RuntimeError("could not draw a free member number")  # pragma: no cover - 10^11 numbers


def sign_in(session: Session, store_id: int, raw_phone: str, code: str) -> TokenPair:
    """Check the code; the member (created at first sign-in) gets a new token pair."""
    premises_service.get_store(session, store_id)
    phone = phones.normalise(raw_phone)
    key = phones.phone_hash(phone)
    _check_code(session, store_id, key, code)
    member = session.exec(select(Member).where(Member.store_id == store_id, Member.phone_hash == key)).first()
    created = member is None
    if member is None:
        member = Member(
            store_id=store_id,
            member_no=new_member_no(session, store_id),
            phone_masked=phones.mask(phone),
            phone_hash=key,
            tier=rules.BASIC,
            tier_since=utcnow().date(),
        )
        session.add(member)
        session.flush()
    if member.status != "active":
        raise MemberInactive("this membership is closed")
    member.last_sign_in_at = utcnow()
    pair = issue_tokens(session, member, secrets.token_hex(16))
    return TokenPair(**{**pair.__dict__, "created": created})


def issue_tokens(session: Session, member: Member, family: str) -> TokenPair:
    now = utcnow()
    access = ACCESS_PREFIX + secrets.token_urlsafe(32)
    refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
    member_id: int = member.id  # type: ignore[assignment]
    rows = [
        MemberToken(member_id=member_id, family=family, kind=kind, token_hash=_digest(token), expires_at=now + ttl)
        for kind, token, ttl in (("access", access, ACCESS_TTL), ("refresh", refresh, REFRESH_TTL))
    ]
    session.add_all(rows)
    session.flush()
    return TokenPair(access, refresh, rows[0].expires_at, rows[1].expires_at, member)


def _token_row(session: Session, token: str, kind: str) -> MemberToken:
    prefix = ACCESS_PREFIX if kind == "access" else REFRESH_PREFIX
    if not token.startswith(prefix):
        raise MemberTokenInvalid(f"not a member {kind} token")
    row = session.exec(select(MemberToken).where(MemberToken.token_hash == _digest(token))).first()
    if row is None or row.kind != kind or row.revoked_at is not None or row.expires_at <= utcnow():
        raise MemberTokenInvalid(f"member {kind} token unknown, expired or revoked (signed out?)")
    return row


def resolve_access(session: Session, token: str) -> tuple[Member, MemberToken]:
    """The active member behind an access token, or :class:`MemberTokenInvalid`."""
    row = _token_row(session, token, "access")
    member = session.get(Member, row.member_id)
    if member is None or member.status != "active":
        raise MemberTokenInvalid("member token of a closed membership")
    return member, row


def refresh(session: Session, token: str) -> TokenPair:
    """A new pair for a refresh token; the old pair is revoked (rotation). A refresh token used twice revokes
    its whole sign-in: one of the two holders stole it."""
    prefix_ok = token.startswith(REFRESH_PREFIX)
    row = (
        session.exec(select(MemberToken).where(MemberToken.token_hash == _digest(token))).first() if prefix_ok else None
    )
    if row is not None and row.kind == "refresh" and row.revoked_at is not None:
        revoke_family(session, row.family)
    row = _token_row(session, token, "refresh")
    member = session.get(Member, row.member_id)
    if member is None or member.status != "active":
        raise MemberTokenInvalid("member token of a closed membership")
    revoke_family(session, row.family)
    return issue_tokens(session, member, row.family)


def revoke_family(session: Session, family: str) -> None:
    session.execute(
        update(MemberToken)
        .where(col(MemberToken.family) == family, col(MemberToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def logout(session: Session, token_row: MemberToken) -> None:
    """Revoke the access and refresh tokens of this sign-in."""
    revoke_family(session, token_row.family)


# --- reads and profile ------------------------------------------------------------------------------------


def get_member(session: Session, store_id: int, member_id: int) -> Member:
    return get_in_store(session, Member, member_id, store_id=store_id, not_found=MemberNotFound, label="member")


def update_profile(session: Session, member: Member, *, display_name: str | None, birthday: date | None) -> Member:
    if display_name is not None:
        member.display_name = display_name.strip()[:40]
    if birthday is not None:
        if birthday > utcnow().date():
            raise InvalidInput("birthday cannot be in the future")
        member.birthday = birthday
    session.add(member)
    session.flush()
    return member


# --- consent ---------------------------------------------------------------------------------------------


def consents(session: Session, member_id: int) -> dict[str, MemberConsent | None]:
    """The decision in force per purpose (None: never asked, which reads as not given)."""
    rows = session.exec(
        select(MemberConsent).where(MemberConsent.member_id == member_id).order_by(col(MemberConsent.id))
    ).all()
    current: dict[str, MemberConsent | None] = dict.fromkeys(PURPOSES)
    for row in rows:
        current[row.purpose] = row
    return current


def record_consent(
    session: Session, member: Member, purpose: str, granted: bool, *, text_version: str, channel: str = "miniprogram"
) -> MemberConsent:
    """Give or withdraw consent for one purpose: a new row (the history is the audit trail)."""
    if purpose not in PURPOSES:
        raise UnknownConsentPurpose(f"purpose {purpose!r} is not one of {', '.join(PURPOSES)}")
    if not text_version.strip():
        raise InvalidInput("name the version of the consent text the member saw")
    row = MemberConsent(
        member_id=member.id,  # type: ignore[arg-type]
        purpose=purpose,
        granted=granted,
        text_version=text_version.strip()[:20],
        channel=channel,
    )
    session.add(row)
    session.flush()
    return row


def may_contact(session: Session, member: Member, purpose: str = "marketing_push") -> bool:
    """Whether ``member`` may be reached for ``purpose`` now: an active member whose latest decision for it is
    a grant (the rule of :func:`consents_now`). Marketing asks this right before each send, so a withdrawal
    blocks the very next message."""
    return member.id in consenting_ids(session, member.store_id, purpose, [member.id])  # type: ignore[list-item]


def consents_now(purpose: str) -> ColumnElement[bool]:
    """The consent rule as a SQL condition on the ``member`` table (correlated, so a query over many members
    embeds it and stays one statement): an active, not erased member whose latest decision for ``purpose`` is a
    grant (never asked reads as no). :func:`may_contact` decides the same for one member, :func:`consenting_ids`
    in bulk; marketing embeds this in its segment previews and the week's ``INSERT … SELECT``."""
    if purpose not in PURPOSES:
        raise UnknownConsentPurpose(f"purpose {purpose!r} is not one of {', '.join(PURPOSES)}")
    m, c = Member.__table__, MemberConsent.__table__  # type: ignore[attr-defined]
    latest = (
        sa_select(func.max(c.c.id))
        .where(c.c.member_id == m.c.id, c.c.purpose == purpose)
        .correlate(m)
        .scalar_subquery()
    )
    return and_(
        m.c.status == "active",
        m.c.erased_at.is_(None),
        exists(sa_select(literal(1)).where(c.c.id == latest, c.c.granted.is_(True))),
    )


def consenting_query(store_id: int, purpose: str) -> Select[Any]:
    """``SELECT member.id`` of the store's members who consent to ``purpose`` now (a subquery to embed)."""
    m = Member.__table__  # type: ignore[attr-defined]
    return sa_select(m.c.id).where(m.c.store_id == store_id, consents_now(purpose))


def consenting_ids(session: Session, store_id: int, purpose: str, member_ids: Iterable[int] | None = None) -> set[int]:
    """The ids of the store's members who consent to ``purpose`` now (of ``member_ids`` when given, else of
    all its members): :func:`may_contact` in bulk, by the same rule (:func:`consents_now`), in queries of at
    most 5,000 ids."""
    query = consenting_query(store_id, purpose)
    if member_ids is None:
        return set(session.execute(query).scalars())
    m = Member.__table__  # type: ignore[attr-defined]
    wanted = sorted(set(member_ids))
    found: set[int] = set()
    for i in range(0, len(wanted), 5_000):
        found.update(session.execute(query.where(m.c.id.in_(wanted[i : i + 5_000]))).scalars())
    return found


def snapshot_members(session: Session, store_id: int, *, after_id: int, limit: int) -> list[Member]:
    """Active members of the store with ids above ``after_id``, by id (the tills' offline snapshot pages)."""
    return list(
        session.exec(
            select(Member)
            .where(Member.store_id == store_id, Member.status == "active", col(Member.id) > after_id)
            .order_by(col(Member.id))
            .limit(limit)
        ).all()
    )


def count_members(session: Session, store_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(Member).where(Member.store_id == store_id)).one())


def profile_dict(member: Member) -> dict[str, Any]:
    return {
        "member_no": member.member_no,
        "phone_masked": member.phone_masked,
        "display_name": member.display_name,
        "birthday": member.birthday.isoformat() if member.birthday else None,
        "tier": member.tier,
        "tier_since": member.tier_since.isoformat() if member.tier_since else None,
        "status": member.status,
        "points_balance": member.points_balance,
        "joined_at": member.joined_at.isoformat(),
    }


# --- the member's own data: export and erasure (PIPL art. 45, 47) ------------------------------------------------


def export(session: Session, member: Member, orders: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything held about ``member`` (``orders`` from the sales domain), as JSON-ready data."""
    history = session.exec(
        select(MemberConsent).where(MemberConsent.member_id == member.id).order_by(col(MemberConsent.id))
    ).all()
    sign_ins = session.exec(
        select(MemberToken.created_at)
        .where(MemberToken.member_id == member.id, MemberToken.kind == "access")
        .order_by(col(MemberToken.id))
    ).all()
    return {
        "exported_at": utcnow().isoformat(),
        "profile": profile_dict(member),
        "phone_note": "the full phone number is not stored: only a keyed hash to find you and the masked form",
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "text_version": c.text_version,
                "channel": c.channel,
                "recorded_at": c.recorded_at.isoformat(),
            }
            for c in history
        ],
        "sign_ins": [t.isoformat() for t in sign_ins],
        "orders": orders,
    }


def erase(session: Session, member: Member) -> None:
    """Close the membership and erase the personal data; orders keep pointing at the anonymous row, so the
    store's books (and every KPI) stay as they were, without identity."""
    now = utcnow()
    key = member.phone_hash
    revoke_family_of_member(session, member.id)  # type: ignore[arg-type]
    if key is not None:
        for model in (MemberOtp,):
            for row in session.exec(select(model).where(model.phone_hash == key, model.store_id == member.store_id)):
                session.delete(row)
        from store.members.models import SmsOutbox

        for out in session.exec(
            select(SmsOutbox).where(SmsOutbox.phone_hash == key, SmsOutbox.store_id == member.store_id)
        ):
            session.delete(out)
    member.phone_hash = None
    member.phone_masked = ""
    member.display_name = ""
    member.birthday = None
    member.member_no = f"X{member.id}"
    member.status = "erased"
    member.erased_at = now
    session.add(member)
    session.flush()


def revoke_family_of_member(session: Session, member_id: int) -> None:
    session.execute(
        update(MemberToken)
        .where(col(MemberToken.member_id) == member_id, col(MemberToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


# --- tiers ---------------------------------------------------------------------------------------------------


def thresholds(session: Session, store_id: int) -> dict[str, int]:
    """The store's tier thresholds (fen over 12 months), the defaults where it set none."""
    rows = session.exec(select(TierRule).where(TierRule.store_id == store_id)).all()
    found = {**rules.DEFAULT_THRESHOLDS, **{r.tier: r.min_spend_fen for r in rows if r.tier in rules.TIERS}}
    return found


def set_thresholds(session: Session, store_id: int, wanted: dict[str, int]) -> dict[str, int]:
    """Replace the store's thresholds; refused whole when any is wrong (basic 0, strictly rising)."""
    problems = rules.check_thresholds(wanted)
    if any(v < 0 for v in wanted.values()):
        problems.append("thresholds cannot be negative")
    if problems:
        raise InvalidTierRules("; ".join(problems))
    stored = {r.tier: r for r in session.exec(select(TierRule).where(TierRule.store_id == store_id))}
    for tier, value in wanted.items():
        row = stored.get(tier) or TierRule(store_id=store_id, tier=tier, min_spend_fen=value)
        row.min_spend_fen, row.updated_at = value, utcnow()
        session.add(row)
    session.flush()
    return thresholds(session, store_id)


def rolling_spend(session: Session, store_id: int, review_on: date) -> dict[int, int]:
    """Net spend (paid minus refunded, fen) per member over the 12 months before ``review_on``."""
    query = (
        sa_select(col(Order.member_id), func.sum(col(Order.total_fen) - col(Order.refunded_fen)))
        .where(
            col(Order.store_id) == store_id,
            col(Order.member_id).is_not(None),
            col(Order.business_on) >= rules.window_start(review_on),
            col(Order.business_on) < review_on,
        )
        .group_by(col(Order.member_id))
    )
    return {int(m): int(s or 0) for m, s in session.execute(query)}


@dataclass(frozen=True)
class TierReview:
    members: int
    up: int
    down: int


def review_tiers(session: Session, store_id: int, review_on: date) -> TierReview:
    """Apply the tier rule to every active member of the store as of ``review_on``; writes only changes."""
    limits = thresholds(session, store_id)
    spend = rolling_spend(session, store_id, review_on)
    rows = session.execute(
        sa_select(col(Member.id), col(Member.tier), col(Member.tier_since)).where(
            col(Member.store_id) == store_id, col(Member.status) == "active"
        )
    ).all()
    changes = []
    up = down = 0
    for member_id, tier, since in rows:
        result = rules.review(tier, since, spend.get(member_id, 0), review_on, limits)
        if result.changed or since is None:
            changes.append({"b_id": member_id, "tier": result.tier, "tier_since": result.since})
            up += result.changed == "up"
            down += result.changed == "down"
    if changes:
        table = Member.__table__  # type: ignore[attr-defined]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(tier=bindparam("tier"), tier_since=bindparam("tier_since")),
            changes,
        )
    return TierReview(len(rows), up, down)


# --- activity (S2, S5) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthActivity:
    month: date  # first day
    active_members: int  # members active online in the month
    active_online_orders: int  # online orders placed by those members in the month


def _months(start: date, end: date) -> list[tuple[date, date, date]]:
    """(month, first day in range, last day in range) for every month the range touches."""
    out = []
    month = start.replace(day=1)
    while month <= end:
        nxt = rules.add_months(month, 1)
        out.append((month, max(start, month), min(end, nxt - timedelta(days=1))))
        month = nxt
    return out


def _signed_in(store_id: int, lo: datetime, hi: datetime) -> Select[Any]:
    """Member ids of the store's sign-ins in ``[lo, hi)``: the tokens found by their time, each checked
    against its member (an EXISTS, never a join that a planner may start from every member of the store)."""
    of_store = (
        sa_select(literal(1))
        .where(col(Member.id) == col(MemberToken.member_id), col(Member.store_id) == store_id)
        .exists()
    )
    return sa_select(col(MemberToken.member_id)).where(
        col(MemberToken.created_at) >= lo, col(MemberToken.created_at) < hi, of_store
    )


# A caller's extra online activity (the points ledger): ``(first day, last day) -> SELECT member ids``.
ActivityQuery = Callable[[date, date], Select[Any]]


def monthly_active_online(
    session: Session, store_id: int, start: date, end: date, *, other_activity: ActivityQuery | None = None
) -> list[MonthActivity]:
    """Per month of ``start``..``end``: members active online (an online or live-stream order, a sign-in to
    the mini-program, or activity the caller adds in ``other_activity`` — the points ledger) and the online
    orders those members placed that month. Months run in the store's timezone.

    Counted in SQL: every member with an online order that month is active by this very rule, so the orders
    of active members are all the month's online orders placed by a member (one grouped count over the
    partial index of those orders), and the active members are the rows of a UNION (which drops the
    duplicates) of the four sources' member ids, one small UNION a month."""
    tz = premises_service.get_store(session, store_id).timezone
    months = _months(start, end)
    if not months:
        return []
    by_member = (col(Order.store_id) == store_id, _online_member_orders())
    month_of = case(
        *((col(Order.business_on) <= last, index) for index, (_, _, last) in enumerate(months)), else_=-1
    ).label("month")
    placed = dict(
        session.execute(
            sa_select(month_of, func.count())
            .where(*by_member, col(Order.business_on) >= start, col(Order.business_on) <= end)
            .group_by(month_of)
        ).all()
    )
    result = []
    for index, (month, first, last) in enumerate(months):
        lo, hi = day_bounds_utc(first, tz)[0], day_bounds_utc(last, tz)[1]
        sources = [
            sa_select(col(Order.member_id)).where(
                *by_member, col(Order.business_on) >= first, col(Order.business_on) <= last
            ),
            _signed_in(store_id, lo, hi),
            sa_select(col(Member.id)).where(
                col(Member.store_id) == store_id, col(Member.last_sign_in_at) >= lo, col(Member.last_sign_in_at) < hi
            ),
        ]
        if other_activity is not None:
            sources.append(other_activity(first, last))
        active = session.execute(sa_select(func.count()).select_from(union(*sources).subquery())).scalar_one()
        result.append(MonthActivity(month, int(active), int(placed.get(index, 0))))
    return result


def _online_member_orders() -> Any:
    """Online and live-stream orders with a member, the channels written as literals so that SQLite and
    PostgreSQL prove the rows lie in the partial index ``ix_sales_order_online_members``."""
    return text(f"sales_order.{ONLINE_MEMBER_ORDERS.replace(' AND member_id', ' AND sales_order.member_id')}")


def card_users(session: Session, store_id: int, start: date, end: date) -> int:
    """Members who used the e-member card in the range: signed in to it, or showed its code at a till
    (counted in SQL: the rows of a UNION of the sources' member ids, each read by a range of its index)."""
    tz = premises_service.get_store(session, store_id).timezone
    lo, hi = day_bounds_utc(start, tz)[0], day_bounds_utc(end, tz)[1]
    step_lo, step_hi = int(lo.timestamp()) // 30, int(hi.timestamp()) // 30
    signed = _signed_in(store_id, lo, hi)
    last_sign_in = sa_select(col(Member.id)).where(
        col(Member.store_id) == store_id, col(Member.last_sign_in_at) >= lo, col(Member.last_sign_in_at) < hi
    )
    code_shown = sa_select(col(Member.id)).where(
        col(Member.store_id) == store_id, col(Member.code_last_step) >= step_lo, col(Member.code_last_step) < step_hi
    )
    query = sa_select(func.count()).select_from(union(signed, last_sign_in, code_shown).subquery())
    return int(session.execute(query).scalar_one())


# --- back office: search and KPIs ------------------------------------------------------------------------------


def search(session: Session, store_id: int, query: str, *, limit: int = 50) -> list[Member]:
    """Members by member number, by full phone (found through its keyed hash, never stored), by the masked
    form (``138****5678``) or by the last four digits."""
    q = query.strip()
    base = select(Member).where(Member.store_id == store_id)
    if not q:
        return list(session.exec(base.order_by(col(Member.id).desc()).limit(limit)))
    try:
        phone = phones.normalise(q)
    except InvalidInput:
        phone = None
    if phone is not None:
        where = col(Member.phone_hash) == phones.phone_hash(phone)
    elif len(q) == 4 and q.isdigit():
        where = col(Member.phone_masked).endswith(q)
    elif "*" in q:
        where = col(Member.phone_masked) == q
    else:
        where = col(Member.member_no) == q
    return list(session.exec(base.where(where).order_by(col(Member.id)).limit(limit)))


def member_by_phone(session: Session, store_id: int, raw_phone: str) -> Member:
    """The active member of the store with this phone (a phone on a captured receipt, told at a till);
    :class:`InvalidPhone` for no mainland mobile number, :class:`MemberNotFound` for no such member."""
    key = phones.phone_hash(phones.normalise(raw_phone))
    member = session.exec(
        select(Member).where(Member.store_id == store_id, Member.phone_hash == key, Member.status == "active")
    ).first()
    if member is None:
        raise MemberNotFound("no member of this store has this phone number")
    return member


def search_by_phone_hash(session: Session, store_id: int, key: str) -> list[Member]:
    return list(session.exec(select(Member).where(Member.store_id == store_id, Member.phone_hash == key)))


@dataclass(frozen=True)
class Kpis:
    members: int
    active_members: int  # an order or a sign-in in the window
    member_revenue_fen: int
    revenue_fen: int
    tiers: dict[str, int]

    @property
    def member_share(self) -> float | None:
        return self.member_revenue_fen / self.revenue_fen if self.revenue_fen > 0 else None


def kpis(session: Session, store_id: int, start: date, end: date) -> Kpis:
    """Membership figures over ``start``..``end`` (business days): members, active members, member revenue."""
    from store.kpi.models import KpiSalesDaily

    tz = premises_service.get_store(session, store_id).timezone
    lo, hi = day_bounds_utc(start, tz)[0], day_bounds_utc(end, tz)[1]
    tiers = dict.fromkeys(rules.TIERS, 0)
    for tier, n in session.execute(
        sa_select(col(Member.tier), func.count())
        .where(col(Member.store_id) == store_id, col(Member.status) == "active")
        .group_by(col(Member.tier))
    ):
        tiers[tier] = int(n)
    buyers = {
        m
        for (m,) in session.execute(
            sa_select(col(Order.member_id))
            .where(
                col(Order.store_id) == store_id,
                col(Order.member_id).is_not(None),
                col(Order.business_on) >= start,
                col(Order.business_on) <= end,
            )
            .distinct()
        )
    }
    signed = {
        m
        for (m,) in session.execute(
            sa_select(col(Member.id)).where(
                col(Member.store_id) == store_id, col(Member.last_sign_in_at) >= lo, col(Member.last_sign_in_at) < hi
            )
        )
    }
    member_revenue, revenue = session.execute(
        sa_select(
            func.coalesce(func.sum(col(KpiSalesDaily.member_revenue_fen)), 0),
            func.coalesce(func.sum(col(KpiSalesDaily.revenue_fen)), 0),
        ).where(
            col(KpiSalesDaily.store_id) == store_id,
            col(KpiSalesDaily.business_on) >= start,
            col(KpiSalesDaily.business_on) <= end,
        )
    ).one()
    return Kpis(
        members=sum(tiers.values()),
        active_members=len(buyers | signed),
        member_revenue_fen=int(member_revenue),
        revenue_fen=int(revenue),
        tiers=tiers,
    )


def member_orders(session: Session, member: Member, *, limit: int = 20) -> tuple[list[Order], int]:
    """The member's latest orders and how many there are."""
    total = session.exec(select(func.count()).select_from(Order).where(Order.member_id == member.id)).one()
    rows = session.exec(
        select(Order)
        .where(Order.member_id == member.id)
        .order_by(col(Order.ordered_at).desc(), col(Order.id).desc())
        .limit(limit)
    ).all()
    return list(rows), int(total)
