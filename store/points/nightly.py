"""Set-based upkeep of the ledger: the expiry run over every member, the award-by-cursor of posted sales, and
the reconciliation that reports (never clamps) a member whose ledger, cached balance and lots disagree."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import bindparam, cast, func, insert, literal, select, text, update
from sqlmodel import Session, col

from store.members.models import Member
from store.points import service
from store.points.models import (
    EntryKind,
    PointsAllocation,
    PointsCursor,
    PointsEntry,
    PointsLot,
    PointsMismatch,
)
from store.premises.models import Store
from store.sales.models import Order, Refund

log = logging.getLogger("store.points")

EXPIRY_BATCH = 5_000
AWARD_BATCH = 500
SWEEP_DAYS = 3

_ENTRY = PointsEntry.__table__  # type: ignore[attr-defined]
_ALLOC = PointsAllocation.__table__  # type: ignore[attr-defined]
_LOT = PointsLot.__table__  # type: ignore[attr-defined]
_MEMBER = Member.__table__  # type: ignore[attr-defined]


def expire_due(session: Session, store_id: int, day: date, *, batch: int = EXPIRY_BATCH) -> int:
    """Write off the remainder of every lot of the store that lapsed by 00:00 of ``day``; commits per batch.

    Per batch: lock the members (the order every ledger writer locks in), read the lots' remainders, write
    one ``expire`` entry and allocation per lot, zero the lots and lower the cached balances. Running it twice
    writes nothing the second time (no remainder left; the entry key (lot, id, expire) is unique).
    """
    total = 0
    while True:
        candidates = session.execute(
            select(_LOT.c.member_id)
            .where(_LOT.c.store_id == store_id, _LOT.c.remaining > 0, _LOT.c.expires_on <= day)
            .group_by(_LOT.c.member_id)
            .order_by(_LOT.c.member_id)
            .limit(max(1, batch // 4))
        ).all()
        if not candidates:
            break
        member_ids = [m for (m,) in candidates]
        session.execute(
            select(_MEMBER.c.id).where(_MEMBER.c.id.in_(member_ids)).order_by(_MEMBER.c.id).with_for_update()
        ).all()
        lots = session.execute(
            select(_LOT.c.id, _LOT.c.member_id, _LOT.c.remaining)
            .where(_LOT.c.member_id.in_(member_ids), _LOT.c.remaining > 0, _LOT.c.expires_on <= day)
            .order_by(_LOT.c.id)
        ).all()
        if not lots:
            session.commit()
            continue
        entry_ids = session.execute(
            insert(_ENTRY).returning(_ENTRY.c.id, _ENTRY.c.source_id, sort_by_parameter_order=True),
            [
                {
                    "store_id": store_id,
                    "member_id": member_id,
                    "kind": EntryKind.expire.value,
                    "points": -remaining,
                    "source_type": "lot",
                    "source_id": str(lot_id),
                    "reason": "",
                    "actor": "job",
                    "business_on": day,
                    "created_at": service.utcnow(),
                }
                for lot_id, member_id, remaining in lots
            ],
        ).all()
        session.execute(
            insert(_ALLOC),
            [
                {"entry_id": entry_id, "lot_id": lot_id, "points": remaining}
                for (entry_id, _), (lot_id, _, remaining) in zip(entry_ids, lots, strict=True)
            ],
        )
        session.execute(update(_LOT).where(_LOT.c.id.in_([lot_id for lot_id, _, _ in lots])).values(remaining=0))
        per_member: dict[int, int] = {}
        for _, member_id, remaining in lots:
            per_member[member_id] = per_member.get(member_id, 0) + remaining
        session.connection().execute(
            update(_MEMBER)
            .where(_MEMBER.c.id == bindparam("mid"))
            .values(points_balance=_MEMBER.c.points_balance - bindparam("n")),
            [{"mid": m, "n": n} for m, n in per_member.items()],
        )
        session.commit()
        total += sum(per_member.values())
    return total


def expire_all(session: Session) -> int:
    """:func:`expire_due` for every store, each on its own calendar day."""
    total = 0
    for store_id in session.execute(select(Store.__table__.c.id)).scalars().all():  # type: ignore[attr-defined]
        total += expire_due(session, store_id, service.store_today(session, store_id))
    return total


def _cursor(session: Session, name: str) -> PointsCursor:
    row = session.get(PointsCursor, name)
    if row is None:
        row = PointsCursor(name=name, last_id=0)
        session.add(row)
        session.flush()
    return row


def award_new(session: Session, *, batch: int = AWARD_BATCH) -> tuple[int, int]:
    """Points for member orders and refunds posted since the cursor; returns (orders, refunds) looked at.

    The award is idempotent (one ``earn`` per order, one reversal per refund), so a replayed sale, a rerun of
    the job or the nightly sweep never award twice; the cursor only saves re-reading.
    """
    orders = _cursor(session, "orders")
    ids = (
        session.execute(
            select(Order.id)  # type: ignore[call-overload]
            .where(col(Order.id) > orders.last_id, col(Order.member_id).is_not(None))
            .order_by(col(Order.id))
            .limit(batch)
        )
        .scalars()
        .all()
    )
    for order_id in ids:
        service.award_order(session, order_id)
    if ids:
        orders.last_id = ids[-1]
        session.add(orders)
    refunds = _cursor(session, "refunds")
    refund_ids = (
        session.execute(
            select(Refund.id)  # type: ignore[call-overload]
            .join(Order, col(Order.id) == col(Refund.order_id))
            .where(col(Refund.id) > refunds.last_id, col(Order.member_id).is_not(None))
            .order_by(col(Refund.id))
            .limit(batch)
        )
        .scalars()
        .all()
    )
    for refund_id in refund_ids:
        service.reverse_refund(session, refund_id)
    if refund_ids:
        refunds.last_id = refund_ids[-1]
        session.add(refunds)
    session.flush()
    return len(ids), len(refund_ids)


def sweep_recent(session: Session, *, days: int = SWEEP_DAYS) -> int:
    """Award member orders of the last ``days`` business days that have no ``earn`` entry (a sale whose
    transaction committed after the cursor passed its id); zero-point orders are simply quoted again."""
    since = service.utcnow().date() - timedelta(days=days + 1)
    earned = select(_ENTRY.c.source_id).where(_ENTRY.c.source_type == "order", _ENTRY.c.kind == EntryKind.earn.value)
    ids = (
        session.execute(
            select(Order.id)  # type: ignore[call-overload]
            .where(
                col(Order.member_id).is_not(None),
                col(Order.business_on) >= since,
                cast(col(Order.id), _ENTRY.c.source_id.type).not_in(earned),
            )
            .order_by(col(Order.id))
        )
        .scalars()
        .all()
    )
    awarded = 0
    for order_id in ids:
        if service.award_order(session, order_id) is not None:
            awarded += 1
    return awarded


def reconcile(session: Session, store_id: int) -> list[PointsMismatch]:
    """Compare, per member of the store, the ledger's sum, ``member.points_balance`` and the lots' remainders;
    every disagreement is recorded and logged, nothing is corrected."""
    ledger = (
        select(_ENTRY.c.member_id, func.sum(_ENTRY.c.points).label("s"))
        .where(_ENTRY.c.store_id == store_id)
        .group_by(_ENTRY.c.member_id)
        .subquery()
    )
    lots = (
        select(_LOT.c.member_id, func.sum(_LOT.c.remaining).label("s"))
        .where(_LOT.c.store_id == store_id)
        .group_by(_LOT.c.member_id)
        .subquery()
    )
    ledger_s = func.coalesce(ledger.c.s, literal(0))
    lots_s = func.coalesce(lots.c.s, literal(0))
    rows = session.execute(
        select(_MEMBER.c.id, _MEMBER.c.points_balance, ledger_s, lots_s)
        .select_from(_MEMBER)
        .outerjoin(ledger, ledger.c.member_id == _MEMBER.c.id)
        .outerjoin(lots, lots.c.member_id == _MEMBER.c.id)
        .where(
            _MEMBER.c.store_id == store_id,
            (_MEMBER.c.points_balance != ledger_s) | (_MEMBER.c.points_balance != lots_s),
        )
        .order_by(_MEMBER.c.id)
    ).all()
    found = []
    for member_id, cached, ledger_points, lot_points in rows:
        row = PointsMismatch(
            store_id=store_id,
            member_id=member_id,
            ledger_points=int(ledger_points),
            cached_points=int(cached),
            lot_points=int(lot_points),
        )
        session.add(row)
        found.append(row)
        log.warning(
            "points do not reconcile",
            extra={"member_id": member_id, "ledger": ledger_points, "cached": cached, "lots": lot_points},
        )
    session.flush()
    return found


def analyze(session: Session) -> None:
    """Refresh PostgreSQL's statistics after a bulk load (no-op elsewhere)."""
    if session.get_bind().dialect.name == "postgresql":
        for table in ("points_entry", "points_lot", "points_allocation", "member"):
            session.execute(text(f"ANALYZE {table}"))
