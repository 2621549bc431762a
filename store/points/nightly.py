"""Set-based upkeep of the ledger: the expiry run over every member, the award-by-cursor of posted sales, and
the reconciliation that reports (never clamps) a member whose ledger, cached balance and lots disagree."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Date, Engine, and_, cast, func, insert, literal, select, text, update
from sqlmodel import Session, col

from store.dbtypes import AwareDateTime
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

EXPIRY_MEMBERS = 10_000  # member ids per batch of the expiry run (one transaction each)
EXPIRY_WORKERS = 2  # batches written off side by side on PostgreSQL (each on its own connection)
AWARD_BATCH = 500
SWEEP_DAYS = 3

_ENTRY = PointsEntry.__table__  # type: ignore[attr-defined]
_ALLOC = PointsAllocation.__table__  # type: ignore[attr-defined]
_LOT = PointsLot.__table__  # type: ignore[attr-defined]
_MEMBER = Member.__table__  # type: ignore[attr-defined]


def expire_due(
    session: Session, store_id: int, day: date, *, batch: int = EXPIRY_MEMBERS, workers: int = EXPIRY_WORKERS
) -> int:
    """Write off the remainder of every lot of the store that lapsed by 00:00 of ``day``; commits per batch.

    Per range of ``batch`` member ids: lock the members with lapsed lots (the order every ledger writer locks
    in), then :func:`write_off` those members' lapsed lots in the database, set-based. No ledger row travels to
    this process. Running it twice writes nothing the second time (no remainder left; the entry key is unique).

    On PostgreSQL, when the session is bound to an engine, ``workers`` ranges are written off side by side,
    each on its own connection and transaction (the session's own transaction is committed first): the ranges
    share no member, so they share no lock, and the cost of a range is the database's CPU. Elsewhere (SQLite
    has one writer; a session bound to a connection, as in the tests) one range after the other.
    """
    low, high = session.execute(
        select(func.min(_MEMBER.c.id), func.max(_MEMBER.c.id)).where(_MEMBER.c.store_id == store_id)
    ).one()
    if low is None:
        return 0
    now = service.utcnow()
    ranges = [(start, min(start + batch - 1, high)) for start in range(low, high + 1, batch)]
    bind = session.get_bind()
    if workers > 1 and len(ranges) > 1 and isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        session.commit()
        return _expire_side_by_side(bind, store_id, day, ranges, now, workers)
    return sum(_expire_range(session, store_id, day, members, now) for members in ranges)


def _expire_range(session: Session, store_id: int, day: date, members: tuple[int, int], at: datetime) -> int:
    """One range of :func:`expire_due`, in its own transaction: lock its members with lapsed lots, write off."""
    lapsed = select(_LOT.c.member_id).where(_lapsed(store_id, day, members)).distinct()
    locked = session.execute(
        select(_MEMBER.c.id).where(_MEMBER.c.id.in_(lapsed)).order_by(_MEMBER.c.id).with_for_update()
    ).all()
    written = write_off(session, store_id, day, members=members, at=at, actor="job") if locked else 0
    session.commit()
    return written


def _expire_side_by_side(
    engine: Engine, store_id: int, day: date, ranges: list[tuple[int, int]], at: datetime, workers: int
) -> int:
    """The ranges of :func:`expire_due` on ``workers`` connections; the first failure stops the others after
    their current range (each range is its own transaction: what was committed stays, a rerun finishes)."""
    todo = iter(ranges)
    taking = threading.Lock()
    failed = threading.Event()

    def work() -> int:
        written = 0
        with Session(engine) as own:
            while not failed.is_set():
                with taking:
                    members = next(todo, None)
                if members is None:
                    break
                try:
                    written += _expire_range(own, store_id, day, members, at)
                except BaseException:
                    failed.set()
                    raise
        return written

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="points-expiry") as pool:
        futures = [pool.submit(work) for _ in range(min(workers, len(ranges)))]
        return sum(future.result() for future in futures)


def _lapsed(store_id: int, day: date, members: tuple[int, int] | None) -> Any:
    due = and_(_LOT.c.store_id == store_id, _LOT.c.remaining > 0, _LOT.c.expires_on <= day)
    return due if members is None else and_(_LOT.c.member_id.between(*members), due)


_WRITE_OFF_PG = """
WITH due AS (
    SELECT id, member_id, remaining, nextval(pg_get_serial_sequence('points_entry', 'id')) AS entry_id
    FROM points_lot
    WHERE store_id = :store_id AND remaining > 0 AND expires_on <= :day {members}
), entry AS (
    INSERT INTO points_entry
        (id, store_id, member_id, kind, points, source_type, source_id, reason, actor, business_on, created_at)
    SELECT entry_id, :store_id, member_id, 'expire', -remaining, 'lot', CAST(id AS VARCHAR), '', :actor,
        :business_on, :at
    FROM due
), allocation AS (
    INSERT INTO points_allocation (entry_id, lot_id, points) SELECT entry_id, id, remaining FROM due
), emptied AS (
    UPDATE points_lot SET remaining = 0
    WHERE store_id = :store_id AND remaining > 0 AND expires_on <= :day {members}
){balances}
SELECT COALESCE(SUM(remaining), 0) FROM due
"""
_BALANCES_PG = """, balance AS (
    UPDATE member SET points_balance = member.points_balance - lapsed.points
    FROM (SELECT member_id, SUM(remaining) AS points FROM due GROUP BY member_id) AS lapsed
    WHERE member.id = lapsed.member_id
)"""


# The columns of a ledger entry written set-based, in the order ``insert_entries`` takes them (the id is the
# table's own).
ENTRY_COLUMNS = (
    "store_id",
    "member_id",
    "kind",
    "points",
    "source_type",
    "source_id",
    "reason",
    "actor",
    "business_on",
    "created_at",
)


def insert_entries(conn: Session | Connection, rows: Any) -> None:
    """``INSERT INTO points_entry … SELECT``: ``rows`` selects the ``ENTRY_COLUMNS``, in that order (the
    write-off below and the demo's earn entries, ``store.points.demo``)."""
    conn.execute(insert(_ENTRY).from_select(list(ENTRY_COLUMNS), rows))


def write_off(
    conn: Session | Connection,
    store_id: int,
    day: date,
    *,
    at: datetime,
    actor: str,
    members: tuple[int, int] | None = None,
    business_on: date | None = None,
    balances: bool = True,
) -> int:
    """Write off what is left of every lot of the store lapsed by 00:00 of ``day`` (of the ``members`` id
    range, inclusive, when given): one ``expire`` entry per lot (source ``lot``/its id, dated ``business_on``,
    ``day`` by default), its allocation, the lot emptied and, with ``balances``, the members' cached balances
    lowered by what lapsed. Returns the points written off. The caller locks the members and commits.

    The nightly job and the demo both write their expiries with this. On PostgreSQL it is one statement
    (data-modifying CTEs, all on one snapshot: the lapsed lots are found once through the (member, expiry)
    index, each entry's id is drawn from its sequence so the allocation needs no join back through the entry
    key, and the lots are emptied by the same condition rather than a join that could scan the whole table);
    elsewhere the same writes as four ``INSERT … SELECT``/``UPDATE``.
    """
    on = day if business_on is None else business_on
    if (conn.get_bind() if isinstance(conn, Session) else conn).dialect.name == "postgresql":
        sql = _WRITE_OFF_PG.format(
            members="AND member_id BETWEEN :low AND :high" if members else "",
            balances=_BALANCES_PG if balances else "",
        )
        params: dict[str, Any] = {"store_id": store_id, "day": day, "actor": actor, "business_on": on, "at": at}
        if members:
            params.update(low=members[0], high=members[1])
        return int(conn.execute(text(sql), params).scalar_one())
    due = _lapsed(store_id, day, members)
    lapsing = int(conn.execute(select(func.coalesce(func.sum(_LOT.c.remaining), 0)).where(due)).scalar_one())
    if not lapsing:
        return 0
    insert_entries(
        conn,
        select(
            _LOT.c.store_id,
            _LOT.c.member_id,
            literal(EntryKind.expire.value),
            -_LOT.c.remaining,
            literal("lot"),
            cast(_LOT.c.id, _ENTRY.c.source_id.type),
            literal(""),
            literal(actor),
            literal(on, Date),
            literal(at, AwareDateTime),
        ).where(due),
    )
    entry = and_(
        _ENTRY.c.source_type == "lot",
        _ENTRY.c.source_id == cast(_LOT.c.id, _ENTRY.c.source_id.type),
        _ENTRY.c.kind == EntryKind.expire.value,
    )
    conn.execute(
        insert(_ALLOC).from_select(
            ["entry_id", "lot_id", "points"],
            select(_ENTRY.c.id, _LOT.c.id, _LOT.c.remaining).select_from(_LOT.join(_ENTRY, entry)).where(due),
        )
    )
    if balances:
        own = and_(_LOT.c.member_id == _MEMBER.c.id, _LOT.c.remaining > 0, _LOT.c.expires_on <= day)
        conn.execute(
            update(_MEMBER)
            .where(_MEMBER.c.id.in_(select(_LOT.c.member_id).where(due)))
            .values(
                points_balance=_MEMBER.c.points_balance
                - select(func.coalesce(func.sum(_LOT.c.remaining), 0)).where(own).scalar_subquery()
            )
        )
    conn.execute(update(_LOT).where(due).values(remaining=0))
    return lapsing


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
