"""The points ledger: every write goes through here, one member at a time, under that member's lock.

* A write locks the member row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers are serialised by
  ``BEGIN IMMEDIATE``), expires the member's lots that are due, then writes its entry, the lots it opens or
  the allocations it takes, and the cached ``member.points_balance`` in the same transaction.
* :func:`_debit` is the one function that both checks and allocates a debit: it reads the spendable lots,
  refuses if they fall short, and takes from those very lots, soonest expiry first.
* Every entry has a unique (source type, source id, kind): a replay finds the first entry and returns it.
* Bad input raises before anything is written.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from store.catalog import service as catalog_service
from store.clock import business_day, utcnow
from store.errors import InvalidInput
from store.members.models import Member
from store.points import rules
from store.points.errors import (
    HoldClosed,
    HoldNotFound,
    InsufficientPoints,
    InvalidExpiry,
    InvalidPoints,
    KeyReused,
    MemberNotFound,
    ReasonRequired,
)
from store.points.models import (
    EntryKind,
    HoldStatus,
    PointsAllocation,
    PointsDebt,
    PointsEntry,
    PointsHold,
    PointsLot,
    PointsPolicy,
    PointsRule,
    PointsTierRate,
)
from store.premises.errors import ShopNotFound
from store.premises.models import Shop, Store
from store.sales.models import Order, OrderLine, Payment, Refund, RefundLine
from store.sales.schemas import PaymentMethod
from store.scoping import get_in_store

log = logging.getLogger("store.points")

DEFAULT_POLICY = PointsPolicy(store_id=0)


# --- small helpers ---------------------------------------------------------------------------------------


def check_points(points: Any) -> int:
    """``points`` as a whole number above zero, else :class:`InvalidPoints` (bools and floats refused)."""
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise InvalidPoints(f"points must be a whole number above zero, not {points!r}")
    return points


def policy(session: Session, store_id: int) -> PointsPolicy:
    return session.get(PointsPolicy, store_id) or PointsPolicy(store_id=store_id)


_STORE_TZ = select(Store.timezone).where(col(Store.id) == bindparam("store_id"))


def store_today(session: Session, store_id: int, at: datetime | None = None) -> date:
    """The store's business day now (or at ``at``): lots lapse at 00:00 of this calendar."""
    tz = session.execute(_STORE_TZ, {"store_id": store_id}).scalar_one_or_none()
    return business_day(at or utcnow(), tz or "Asia/Shanghai")


def _lock_member(session: Session, member_id: int, store_id: int | None = None) -> Member:
    """The member row, locked against other ledger writers until this transaction ends."""
    member = session.exec(select(Member).where(Member.id == member_id).with_for_update()).first()
    if member is None or (store_id is not None and member.store_id != store_id):
        raise MemberNotFound(f"member {member_id} does not exist in this store")
    return member


def _find(session: Session, source_type: str, source_id: str, kind: EntryKind) -> PointsEntry | None:
    return session.exec(
        select(PointsEntry).where(
            PointsEntry.source_type == source_type, PointsEntry.source_id == source_id, PointsEntry.kind == kind
        )
    ).first()


def _write_entry(
    session: Session,
    member: Member,
    *,
    kind: EntryKind,
    points: int,
    source_type: str,
    source_id: str,
    day: date,
    reason: str = "",
    actor: str = "",
) -> PointsEntry:
    entry = PointsEntry(
        store_id=member.store_id,
        member_id=member.id,  # type: ignore[arg-type]
        kind=kind,
        points=points,
        source_type=source_type,
        source_id=source_id,
        reason=reason[:200],
        actor=actor[:80],
        business_on=day,
    )
    session.add(entry)
    session.flush()
    session.execute(
        update(Member).where(col(Member.id) == member.id).values(points_balance=Member.points_balance + points)
    )
    return entry


def _open_lot(
    session: Session,
    member: Member,
    entry: PointsEntry,
    points: int,
    *,
    expires_on: date | None,
    day: date,
    funder_shop_id: int | None = None,
) -> PointsLot:
    lot = PointsLot(
        store_id=member.store_id,
        member_id=member.id,  # type: ignore[arg-type]
        entry_id=entry.id,  # type: ignore[arg-type]
        points=points,
        remaining=points,
        expires_on=expires_on,
        funder_shop_id=funder_shop_id,
        earned_on=day,
    )
    session.add(lot)
    session.flush()
    return lot


def _spendable_lots(session: Session, member_id: int, day: date) -> list[PointsLot]:
    """Lots with points left that may be spent on ``day``: soonest expiry first, then oldest first."""
    return list(
        session.exec(
            select(PointsLot)
            .where(
                PointsLot.member_id == member_id,
                col(PointsLot.remaining) > 0,
                (col(PointsLot.expires_on).is_(None)) | (col(PointsLot.expires_on) > day),
            )
            .order_by(col(PointsLot.expires_on).is_(None), col(PointsLot.expires_on), col(PointsLot.id))
        ).all()
    )


def _debit(
    session: Session,
    member: Member,
    points: int,
    *,
    kind: EntryKind,
    source_type: str,
    source_id: str,
    day: date,
    reason: str = "",
    actor: str = "",
    first_lot_id: int | None = None,
    allow_short: bool = False,
) -> tuple[PointsEntry | None, int]:
    """Check and allocate ``points`` from the member's spendable lots in one go; returns (entry, shortfall).

    The lots checked are the lots taken from: soonest expiry first (``first_lot_id`` before all, for a refund
    undoing its own sale's lot). Short of points it raises :class:`InsufficientPoints` and writes nothing,
    unless ``allow_short`` (a refund), where it takes what there is and returns the rest as the shortfall.
    """
    lots = _spendable_lots(session, member.id, day)  # type: ignore[arg-type]
    if first_lot_id is not None:
        lots.sort(key=lambda lot: lot.id != first_lot_id)
    available = sum(lot.remaining for lot in lots)
    if available < points and not allow_short:
        raise InsufficientPoints(f"member has {available} points, {points} asked")
    plan: list[tuple[PointsLot, int]] = []
    left = points
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        plan.append((lot, take))
        left -= take
    taken = points - left
    if taken == 0:
        return None, left
    entry = _write_entry(
        session,
        member,
        kind=kind,
        points=-taken,
        source_type=source_type,
        source_id=source_id,
        day=day,
        reason=reason,
        actor=actor,
    )
    for lot, take in plan:
        session.execute(
            update(PointsLot).where(col(PointsLot.id) == lot.id).values(remaining=PointsLot.remaining - take)
        )
        session.add(PointsAllocation(entry_id=entry.id, lot_id=lot.id, points=take))  # type: ignore[arg-type]
    session.flush()
    return entry, left


def _credit_back(
    session: Session,
    member: Member,
    returns: list[tuple[PointsLot, int]],
    *,
    source_type: str,
    source_id: str,
    day: date,
    reason: str = "",
    actor: str = "",
) -> PointsEntry | None:
    """Give points back to the lots they were taken from (a released hold, a refund); lapsed lots get none."""
    live = [(lot, n) for lot, n in returns if n > 0 and rules.spendable(lot.expires_on, day)]
    total = sum(n for _, n in live)
    if total == 0:
        return None
    entry = _write_entry(
        session,
        member,
        kind=EntryKind.reverse,
        points=total,
        source_type=source_type,
        source_id=source_id,
        day=day,
        reason=reason,
        actor=actor,
    )
    for lot, n in live:
        session.execute(update(PointsLot).where(col(PointsLot.id) == lot.id).values(remaining=PointsLot.remaining + n))
        session.add(PointsAllocation(entry_id=entry.id, lot_id=lot.id, points=-n))  # type: ignore[arg-type]
    session.flush()
    return entry


def _settle_debts(session: Session, member: Member, day: date, cause: PointsEntry) -> None:
    """Pay the member's open debts from the points just credited (oldest debt first)."""
    debts = session.exec(
        select(PointsDebt)
        .where(PointsDebt.member_id == member.id, col(PointsDebt.settled) < col(PointsDebt.points))
        .order_by(col(PointsDebt.id))
    ).all()
    for debt in debts:
        owed = debt.points - debt.settled
        entry, short = _debit(
            session,
            member,
            owed,
            kind=EntryKind.reverse,
            source_type="debt",
            source_id=f"{debt.id}:{cause.id}",
            day=day,
            reason="debt from an earlier refund",
            actor="job",
            allow_short=True,
        )
        if entry is None:
            break
        debt.settled += owed - short
        session.add(debt)
        if short:
            break
    session.flush()


def expire_member(session: Session, member: Member, day: date) -> int:
    """Expire the member's lots due on ``day`` (their remainder only); the member is locked. Points expired."""
    due = session.exec(
        select(PointsLot).where(
            PointsLot.member_id == member.id,
            col(PointsLot.remaining) > 0,
            col(PointsLot.expires_on).is_not(None),
            col(PointsLot.expires_on) <= day,
        )
    ).all()
    total = 0
    for lot in due:
        entry = _write_entry(
            session,
            member,
            kind=EntryKind.expire,
            points=-lot.remaining,
            source_type="lot",
            source_id=str(lot.id),
            day=day,
            actor="job",
        )
        session.add(PointsAllocation(entry_id=entry.id, lot_id=lot.id, points=lot.remaining))  # type: ignore[arg-type]
        total += lot.remaining
        session.execute(update(PointsLot).where(col(PointsLot.id) == lot.id).values(remaining=0))
    session.flush()
    return total


def _begin(session: Session, member_id: int, store_id: int | None, day: date | None) -> tuple[Member, date]:
    member = _lock_member(session, member_id, store_id)
    day = day or store_today(session, member.store_id)
    expire_member(session, member, day)
    return member, day


# --- opening balances, adjustments, redemptions ----------------------------------------------------------


def open_balance(session: Session, *, member_id: int, points: int, expires_on: date | None, source: str) -> None:
    """A member's opening balance from an old system: one ``adjust`` entry (with ``source`` as its reason)
    opening one lot that lapses at 00:00 on ``expires_on`` (the old system's date; ``None``: the store's
    policy from today). Zero points writes nothing; a second call for the same member changes nothing."""
    if points == 0 and not isinstance(points, bool):
        return
    check_points(points)
    member = _lock_member(session, member_id)
    day = store_today(session, member.store_id)
    if expires_on is not None and expires_on <= day:
        raise InvalidExpiry(f"opening points of member {member_id} expired on {expires_on}")
    if _find(session, "opening", str(member_id), EntryKind.adjust) is not None:
        return
    if expires_on is None:
        expires_on = rules.lot_expiry(day, policy(session, member.store_id).expiry_years)
    entry = _write_entry(
        session,
        member,
        kind=EntryKind.adjust,
        points=points,
        source_type="opening",
        source_id=str(member_id),
        day=day,
        reason=source or "opening balance",
        actor="import",
    )
    _open_lot(session, member, entry, points, expires_on=expires_on, day=day)


def adjust(
    session: Session,
    *,
    store_id: int,
    member_id: int,
    points: Any,
    reason: str,
    key: str,
    actor: str,
    day: date | None = None,
) -> PointsEntry:
    """A manager's adjustment (``points`` signed, never zero) with its ``reason``; ``key`` makes it once."""
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise InvalidPoints(f"an adjustment is a whole number of points other than zero, not {points!r}")
    if not isinstance(reason, str) or not reason.strip():
        raise ReasonRequired("an adjustment needs a reason")
    key = f"{store_id}:{key}"
    member, day = _begin(session, member_id, store_id, day)  # the lock first: a concurrent retry waits here
    earlier = _find(session, "adjust", key, EntryKind.adjust)
    if earlier is not None:
        return _same(earlier, member_id, points)
    if points > 0:
        entry = _write_entry(
            session,
            member,
            kind=EntryKind.adjust,
            points=points,
            source_type="adjust",
            source_id=key,
            day=day,
            reason=reason.strip(),
            actor=actor,
        )
        expires_on = rules.lot_expiry(day, policy(session, store_id).expiry_years)
        _open_lot(session, member, entry, points, expires_on=expires_on, day=day)
        _settle_debts(session, member, day, entry)
    else:
        debit, _ = _debit(
            session,
            member,
            -points,
            kind=EntryKind.adjust,
            source_type="adjust",
            source_id=key,
            day=day,
            reason=reason.strip(),
            actor=actor,
        )
        assert debit is not None
        entry = debit
    log.info("points adjusted", extra={"member_id": member_id, "points": points, "reason": reason, "actor": actor})
    return entry


def _same(earlier: PointsEntry, member_id: int, points: int) -> PointsEntry:
    if earlier.member_id != member_id or abs(earlier.points) != abs(points):
        raise KeyReused(f"reference {earlier.source_id} was used for another member or amount")
    return earlier


def redeem(
    session: Session,
    *,
    store_id: int,
    member_id: int,
    points: Any,
    key: str,
    reason: str = "",
    actor: str = "",
    day: date | None = None,
) -> PointsEntry:
    """Spend points on a coupon or a gift; ``key`` (the caller's reference) makes a retry return the first."""
    points = check_points(points)
    key = f"{store_id}:{key}"
    member, day = _begin(session, member_id, store_id, day)  # the lock first: a concurrent retry waits here
    earlier = _find(session, "redeem", key, EntryKind.redeem)
    if earlier is not None:
        return _same(earlier, member_id, points)
    entry, _ = _debit(
        session,
        member,
        points,
        kind=EntryKind.redeem,
        source_type="redeem",
        source_id=key,
        day=day,
        reason=reason,
        actor=actor,
    )
    assert entry is not None
    return entry


# --- holds: points as part-payment at a till -------------------------------------------------------------


def _hold_source(store_id: int, hold_key: str) -> str:
    return f"{store_id}:{hold_key}"


def hold(
    session: Session,
    *,
    store_id: int,
    member_id: int,
    points: Any,
    hold_key: str,
    actor: str = "",
    now: datetime | None = None,
) -> PointsHold:
    """Set ``points`` aside for a till's payment (a ``redeem`` entry at once); confirm or release it later."""
    points = check_points(points)
    now = now or utcnow()
    member, day = _begin(session, member_id, store_id, store_today(session, store_id, now))
    earlier = session.exec(
        select(PointsHold).where(PointsHold.store_id == store_id, PointsHold.hold_key == hold_key)
    ).first()
    if earlier is not None:
        if earlier.member_id != member_id or earlier.points != points:
            raise KeyReused(f"hold {hold_key} was used for another member or amount")
        return earlier
    _debit(
        session,
        member,
        points,
        kind=EntryKind.redeem,
        source_type="hold",
        source_id=_hold_source(store_id, hold_key),
        day=day,
        reason="till part-payment",
        actor=actor,
    )
    minutes = policy(session, store_id).hold_minutes
    row = PointsHold(
        store_id=store_id,
        member_id=member_id,
        hold_key=hold_key,
        points=points,
        expires_at=now + timedelta(minutes=minutes),
    )
    session.add(row)
    session.flush()
    return row


def _get_hold(session: Session, store_id: int, hold_key: str) -> PointsHold:
    row = session.exec(
        select(PointsHold).where(PointsHold.store_id == store_id, PointsHold.hold_key == hold_key).with_for_update()
    ).first()
    if row is None:
        raise HoldNotFound(f"hold {hold_key} does not exist in this store")
    return row


def confirm_hold(
    session: Session, *, store_id: int, hold_key: str, order_no: str, now: datetime | None = None
) -> PointsHold:
    """The sale went through: the held points stay spent and the hold names the order."""
    row = _get_hold(session, store_id, hold_key)
    if row.status == HoldStatus.confirmed and row.order_no == order_no:
        return row
    if row.status != HoldStatus.held:
        raise HoldClosed(f"hold {hold_key} is {row.status}")
    if (now or utcnow()) >= row.expires_at:
        _release(session, row, now)
        raise HoldClosed(f"hold {hold_key} lapsed at {row.expires_at.isoformat()} and was released")
    row.status = HoldStatus.confirmed
    row.order_no = order_no
    session.add(row)
    session.flush()
    return row


def release_hold(session: Session, *, store_id: int, hold_key: str, now: datetime | None = None) -> PointsHold:
    """The sale did not go through: the held points go back to their lots (those not lapsed meanwhile)."""
    row = _get_hold(session, store_id, hold_key)
    if row.status == HoldStatus.released:
        return row
    if row.status != HoldStatus.held:
        raise HoldClosed(f"hold {hold_key} is {row.status}")
    _release(session, row, now)
    return row


def _release(session: Session, row: PointsHold, now: datetime | None) -> None:
    member, day = _begin(session, row.member_id, row.store_id, store_today(session, row.store_id, now))
    source = _hold_source(row.store_id, row.hold_key)
    spent = _find(session, "hold", source, EntryKind.redeem)
    if spent is not None:
        _credit_back(
            session,
            member,
            _taken(session, spent.id),  # type: ignore[arg-type]
            source_type="hold",
            source_id=source,
            day=day,
            reason="hold released",
        )
    row.status = HoldStatus.released
    session.add(row)
    session.flush()


def _taken(session: Session, entry_id: int) -> list[tuple[PointsLot, int]]:
    rows = session.exec(
        select(PointsLot, PointsAllocation.points)
        .join(PointsAllocation, col(PointsAllocation.lot_id) == col(PointsLot.id))
        .where(PointsAllocation.entry_id == entry_id)
        .order_by(col(PointsAllocation.id))
    ).all()
    return [(lot, n) for lot, n in rows]


def release_lapsed_holds(session: Session, now: datetime | None = None) -> int:
    """Release every hold past its time (a till that never confirmed); returns how many."""
    now = now or utcnow()
    keys = session.exec(
        select(PointsHold.store_id, PointsHold.hold_key).where(
            PointsHold.status == HoldStatus.held, col(PointsHold.expires_at) <= now
        )
    ).all()
    for store_id, key in keys:
        release_hold(session, store_id=store_id, hold_key=key, now=now)
    return len(keys)


# --- earning from sales, and refunds ---------------------------------------------------------------------


@dataclass(frozen=True)
class LineEarn:
    """How one order line earns: ``line_no`` 0 stands for an order posted without lines (its total)."""

    line_no: int
    quantity: int
    value_fen: int
    category: str | None
    fen_per_point: int
    multipliers_pct: tuple[int, ...]
    exact: Fraction  # the line's points before the order's one truncation
    funded_by_shop: bool


@dataclass(frozen=True)
class EarnQuote:
    net_fen: int
    points: int
    funder_shop_id: int | None
    lines: tuple[LineEarn, ...]


def _matches(rule: PointsRule, order: Order, category: str | None) -> bool:
    return (
        rule.active
        and (rule.channel is None or rule.channel == order.channel)
        and (rule.shop_id is None or rule.shop_id == order.shop_id)
        and (rule.category is None or rule.category == category)
        and (rule.valid_from is None or rule.valid_from <= order.business_on)
        and (rule.valid_to is None or order.business_on <= rule.valid_to)
    )


def _specificity(rule: PointsRule) -> tuple[int, int]:
    return (
        (rule.shop_id is not None) * 4 + (rule.category is not None) * 2 + (rule.channel is not None),
        rule.id or 0,
    )


def _rate(store_rules: list[PointsRule], order: Order, category: str | None, tier_pct: int | None):  # type: ignore[no-untyped-def]
    """(fen per point, multipliers, funded by the shop) for a line of ``category``: the most specific matching
    ``base`` rule (100 fen a point if none), every matching ``promo`` multiplier, then the tier's."""
    candidates = [r for r in store_rules if _matches(r, order, category)]
    bases = sorted((r for r in candidates if r.kind == "base"), key=_specificity)
    base = bases[-1] if bases else None
    multipliers = [r.multiplier_pct for r in candidates if r.kind == "promo"]
    if base is not None and base.multiplier_pct != 100:
        multipliers.insert(0, base.multiplier_pct)
    if tier_pct is not None:
        multipliers.append(tier_pct)
    return (base.fen_per_point if base else 100), tuple(multipliers), bool(base is not None and base.funded_by_shop)


def _order_lines(session: Session, order: Order) -> list[tuple[int, str | None, int, int]]:
    """(line no, SKU, quantity, paid value) of each line; an order without lines is one line of its total."""
    rows = session.execute(
        select(OrderLine.line_no, OrderLine.sku, OrderLine.quantity, OrderLine.total_fen)  # type: ignore[call-overload]
        .where(OrderLine.order_id == order.id)
        .order_by(col(OrderLine.line_no))
    ).all()
    return [tuple(r) for r in rows] or [(0, None, 1, order.total_fen)]


def quote(session: Session, order: Order, tier: str) -> EarnQuote:
    """What ``order`` earns a member of ``tier``, line by line: the net paid (total less the part paid with
    points) shared over the lines by value, each line at the rules of its category (the SKU's catalogue
    category where the catalogue knows the SKU, else the shop's), truncated once for the order."""
    by_points = session.exec(
        select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
            Payment.order_id == order.id, Payment.method == PaymentMethod.points
        )
    ).one()
    net = order.total_fen - int(by_points)
    lines = _order_lines(session, order)
    shop = session.get(Shop, order.shop_id)
    shop_category = shop.category if shop else None
    by_sku = catalog_service.categories(session, order.store_id, {sku for _, sku, _, _ in lines if sku})
    store_rules = list(session.exec(select(PointsRule).where(PointsRule.store_id == order.store_id)).all())
    tier_rate = session.exec(
        select(PointsTierRate.multiplier_pct).where(
            PointsTierRate.store_id == order.store_id, PointsTierRate.tier == tier
        )
    ).first()
    rates: dict[str | None, tuple[int, tuple[int, ...], bool]] = {}
    categories = [by_sku.get(sku, shop_category) if sku else shop_category for _, sku, _, _ in lines]
    for category in categories:
        if category not in rates:
            rates[category] = _rate(store_rules, order, category, tier_rate)
    exact = rules.line_earnings(
        net, [rules.EarnLine(value, *rates[c][:2]) for (_, _, _, value), c in zip(lines, categories, strict=True)]
    )
    out = tuple(
        LineEarn(no, qty, value, c, rates[c][0], rates[c][1], e, rates[c][2])
        for (no, _, qty, value), c, e in zip(lines, categories, exact, strict=True)
    )
    funded = sum((x.exact for x in out if x.funded_by_shop), Fraction(0))
    funder = order.shop_id if funded * 2 > sum(exact, Fraction(0)) else None  # the lot's funder: the larger part
    return EarnQuote(net, math.floor(sum(exact, Fraction(0))), funder, out)


def earned(session: Session, order_id: int) -> PointsEntry | None:
    """The ``earn`` entry of an order, if it earned already."""
    return _find(session, "order", str(order_id), EntryKind.earn)


def award_order(session: Session, order_id: int, *, today: date | None = None) -> PointsEntry | None:
    """Points for a posted sale with a member: once, however often it is replayed; ``None`` if it earns none."""
    earlier = _find(session, "order", str(order_id), EntryKind.earn)
    if earlier is not None:
        return earlier
    order = session.get(Order, order_id)
    if order is None or order.member_id is None:
        return None
    member = session.get(Member, order.member_id)
    if member is None or member.store_id != order.store_id:
        log.warning("order names an unknown member", extra={"order_id": order_id, "member_id": order.member_id})
        return None
    earn = quote(session, order, member.tier)
    if earn.points <= 0:
        return None
    member, day = _begin(session, member.id, order.store_id, today or store_today(session, order.store_id))  # type: ignore[arg-type]
    earlier = _find(session, "order", str(order_id), EntryKind.earn)  # a concurrent award won while we waited
    if earlier is not None:
        return earlier
    entry = _write_entry(
        session,
        member,
        kind=EntryKind.earn,
        points=earn.points,
        source_type="order",
        source_id=str(order_id),
        day=order.business_on,
        reason=order.order_no,
    )
    expires_on = rules.lot_expiry(order.business_on, policy(session, order.store_id).expiry_years)
    _open_lot(
        session,
        member,
        entry,
        earn.points,
        expires_on=expires_on,
        day=order.business_on,
        funder_shop_id=earn.funder_shop_id,
    )
    if not rules.spendable(expires_on, day):  # a sale posted long after its lot would have lapsed
        expire_member(session, member, day)
    _settle_debts(session, member, day, entry)
    return entry


def reverse_refund(session: Session, refund_id: int, *, today: date | None = None) -> list[PointsEntry]:
    """A refund undoes its share of the sale's points and gives back its share of the points that paid for it.

    Shares are cumulative (``rules.pro_rata_step``), so parts add up to a full refund. Points already spent
    take the balance to zero and the rest becomes a :class:`PointsDebt`, never a negative balance.
    """
    refund = session.get(Refund, refund_id)
    if refund is None:
        return []
    order = session.get(Order, refund.order_id)
    if order is None or order.member_id is None:
        return []
    award_order(session, order.id, today=today)  # type: ignore[arg-type]  # a refund read before its sale's award: the sale earns first
    member, day = _begin(session, order.member_id, order.store_id, today or store_today(session, order.store_id))
    done = [
        e
        for e in (
            _find(session, "refund", str(refund_id), EntryKind.reverse),
            _find(session, "refund_points", str(refund_id), EntryKind.reverse),
        )
        if e is not None
    ]
    if done or session.exec(select(PointsDebt.id).where(PointsDebt.source == f"refund:{refund_id}")).first():
        return done
    earn_before, earn_after, value_before, value_after = _refund_shares(session, order, refund_id, member.tier)
    out: list[PointsEntry] = []
    earned = _find(session, "order", str(order.id), EntryKind.earn)
    if earned is not None:
        undo = rules.share_step(earned.points, earn_before, earn_after)
        if undo > 0:
            own_lot = session.exec(select(PointsLot.id).where(PointsLot.entry_id == earned.id)).first()
            entry, short = _debit(
                session,
                member,
                undo,
                kind=EntryKind.reverse,
                source_type="refund",
                source_id=str(refund_id),
                day=day,
                reason=f"refund of {order.order_no}",
                first_lot_id=own_lot,
                allow_short=True,
            )
            if entry is not None:
                out.append(entry)
            if short:
                session.add(
                    PointsDebt(
                        store_id=member.store_id,
                        member_id=member.id,  # type: ignore[arg-type]
                        source=f"refund:{refund_id}",
                        points=short,
                    )
                )
                log.warning("refund reversal short", extra={"refund_id": refund_id, "debt": short})
    restored = _restore_paid_points(session, member, order, refund_id, value_before, value_after, day)
    if restored is not None:
        out.append(restored)
    session.flush()
    return out


def _refund_shares(
    session: Session, order: Order, refund_id: int, tier: str
) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """The cumulative shares of the order taken back before and after refund ``refund_id``: of what it earned
    (lines weighed by the points they earned) and of its value (for the points that paid for it). A refund
    naming its lines counts those lines; a refund of an amount only counts its part of the order's total."""
    refunds = session.execute(
        select(Refund.id, Refund.amount_fen)  # type: ignore[call-overload]
        .where(Refund.order_id == order.id, col(Refund.id) <= refund_id)
        .order_by(col(Refund.id))
    ).all()
    named = session.execute(
        select(RefundLine.refund_id, RefundLine.line_no, RefundLine.quantity)  # type: ignore[call-overload]
        .join(Refund, col(Refund.id) == col(RefundLine.refund_id))
        .where(Refund.order_id == order.id, col(Refund.id) <= refund_id)
    ).all()
    by_refund: dict[int, list[tuple[int, int]]] = {}
    for rid, line_no, qty in named:
        by_refund.setdefault(rid, []).append((line_no, qty))
    lines: dict[int, LineEarn] = {}
    if by_refund:
        lines = {x.line_no: x for x in quote(session, order, tier).lines}
    total_exact = sum((x.exact for x in lines.values()), Fraction(0))
    total_value = sum(max(0, x.value_fen) for x in lines.values())
    shares = [[Fraction(0), Fraction(0)], [Fraction(0), Fraction(0)]]  # [before, after] × [earn, value]
    for rid, amount in refunds:
        if rid in by_refund:
            earn = sum((lines[n].exact * q / lines[n].quantity for n, q in by_refund[rid] if n in lines), Fraction(0))
            value = sum(
                (Fraction(max(0, lines[n].value_fen) * q, lines[n].quantity) for n, q in by_refund[rid] if n in lines),
                Fraction(0),
            )
            part = (
                earn / total_exact if total_exact else Fraction(0),
                value / total_value if total_value else Fraction(0),
            )
        else:
            share = Fraction(amount, order.total_fen) if order.total_fen > 0 else Fraction(0)
            part = (share, share)
        for when in (1,) if rid == refund_id else (0, 1):
            shares[when][0] += part[0]
            shares[when][1] += part[1]
    return shares[0][0], shares[1][0], shares[0][1], shares[1][1]


def _restore_paid_points(
    session: Session,
    member: Member,
    order: Order,
    refund_id: int,
    before: Fraction,
    after: Fraction,
    day: date,
) -> PointsEntry | None:
    holds = session.exec(
        select(PointsHold).where(
            PointsHold.store_id == order.store_id,
            PointsHold.order_no == order.order_no,
            PointsHold.status == HoldStatus.confirmed,
        )
    ).all()
    returns: list[tuple[PointsLot, int]] = []
    for row in holds:
        spent = _find(session, "hold", _hold_source(row.store_id, row.hold_key), EntryKind.redeem)
        if spent is None:
            continue
        give = rules.share_step(-spent.points, before, after)
        # Give back to the longest-lived lots first, what each gave.
        for lot, n in sorted(
            _taken(session, spent.id),  # type: ignore[arg-type]
            key=lambda p: (p[0].expires_on is None, p[0].expires_on),  # type: ignore[arg-type]
            reverse=True,
        ):
            if give == 0:
                break
            step = min(n, give)
            returns.append((lot, step))
            give -= step
    return _credit_back(
        session,
        member,
        returns,
        source_type="refund_points",
        source_id=str(refund_id),
        day=day,
        reason=f"refund of {order.order_no}",
    )


# --- reads -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    member_id: int
    points: int  # spendable now
    lapsing_today: int  # points whose lots lapsed at 00:00 but the nightly job has not written off yet
    debt: int


_LAPSED = (
    select(func.coalesce(func.sum(PointsLot.remaining), 0))
    .where(
        col(PointsLot.member_id) == bindparam("member_id"),
        col(PointsLot.expires_on) <= bindparam("day"),
        col(PointsLot.remaining) > 0,
    )
    .scalar_subquery()
)
_DEBT = (
    select(func.coalesce(func.sum(PointsDebt.points - PointsDebt.settled), 0))
    .where(col(PointsDebt.member_id) == bindparam("member_id"))
    .scalar_subquery()
)
_BALANCE = select(_LAPSED, _DEBT)


def balance(session: Session, member: Member, day: date | None = None) -> Balance:
    """The member's spendable points on ``day``: the cached balance less lots already past their expiry."""
    day = day or store_today(session, member.store_id)
    # One round trip, one statement built once: the lots past their expiry day not yet written off, the debt.
    lapsed_raw, debt_raw = session.execute(_BALANCE, {"member_id": member.id, "day": day}).one()
    lapsed, debt = int(lapsed_raw), int(debt_raw)
    return Balance(member.id, member.points_balance - lapsed, lapsed, debt)  # type: ignore[arg-type]


def history(session: Session, member_id: int, *, before_id: int | None = None, limit: int = 50) -> list[PointsEntry]:
    """The member's entries, newest first; ``before_id`` pages on."""
    query = select(PointsEntry).where(PointsEntry.member_id == member_id)
    if before_id is not None:
        query = query.where(col(PointsEntry.id) < before_id)
    return list(session.exec(query.order_by(col(PointsEntry.id).desc()).limit(limit)).all())


def expiring(session: Session, member_id: int, day: date, *, within_days: int = 90) -> list[PointsLot]:
    """Lots with points left that lapse within ``within_days`` of ``day``, soonest first."""
    return list(
        session.exec(
            select(PointsLot)
            .where(
                PointsLot.member_id == member_id,
                col(PointsLot.remaining) > 0,
                col(PointsLot.expires_on) > day,
                col(PointsLot.expires_on) <= day + timedelta(days=within_days),
            )
            .order_by(col(PointsLot.expires_on), col(PointsLot.id))
        ).all()
    )


def add_rule(session: Session, store_id: int, fields: dict[str, Any], *, viewer: Any = None) -> PointsRule:
    """A new earn rule of the store; a shop it names must be the store's."""
    if fields.get("shop_id") is not None:
        get_in_store(session, Shop, fields["shop_id"], store_id=store_id, not_found=ShopNotFound, label="shop")
    if fields.get("valid_from") and fields.get("valid_to") and fields["valid_to"] < fields["valid_from"]:
        raise InvalidInput("valid_to is before valid_from")
    if fields.get("kind") == "promo" and not (fields.get("valid_from") and fields.get("valid_to")):
        raise InvalidInput("a promotion needs its period: valid_from and valid_to")
    rule = PointsRule(store_id=store_id, **fields)
    session.add(rule)
    session.flush()
    by = getattr(viewer, "label", None) or f"user:{getattr(viewer, 'user_id', '')}"
    log.info("points rule added", extra={"rule_id": rule.id, "by": by})
    return rule


def get_member(session: Session, member_id: int, store_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.store_id != store_id:
        raise MemberNotFound(f"member {member_id} does not exist in this store")
    return member
