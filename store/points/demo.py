"""Demo hook of points: every member's ledger consistent with the demo's member orders, set-based and fast.

Runs after sales (``registry.DOMAIN_ORDER``), with the rules the live service applies (``store.points.rules``):
1 point per yuan of the net paid (total less the points part-payment), tier multipliers (silver 120 %, gold
150 %, diamond 200 %), lots lapsing at 00:00 on 1 January of the year after next, soonest expiry spent first.

1. Set-based SQL: one ``earn`` entry per member order that earns, and its lot (``INSERT … SELECT``).
2. A replay in memory only for the members with a points part-payment or a refund: part-payments become
   confirmed till holds spending the soonest-expiring lots, refunds undo their share of the sale's points
   (a shortfall becomes a debt, paid from the next earnings) and give back the points that paid; lots lapse
   on their day. Points spent at a till beyond what the member earned here come from an opening balance
   carried over from the old CRM (one ``adjust`` entry, as ``smartstore import members`` writes it).
3. Set-based SQL: every other lot past its expiry is written off; each member's cached balance is set to the
   sum of its ledger.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Date, and_, bindparam, cast, func, insert, literal, select, text, update

from store.members.models import Member
from store.points import nightly, rules
from store.points.models import (
    EntryKind,
    PointsAllocation,
    PointsDebt,
    PointsEntry,
    PointsHold,
    PointsLot,
    PointsTierRate,
)
from store.sales.models import Order, Payment, Refund

TIER_RATES = {"silver": 120, "gold": 150, "diamond": 200}
FEN_PER_POINT = 100
EXPIRY_YEARS = 1
BATCH = 20_000

_T = {
    name: model.__table__  # type: ignore[attr-defined,union-attr]
    for name, model in (
        ("entry", PointsEntry),
        ("lot", PointsLot),
        ("alloc", PointsAllocation),
        ("hold", PointsHold),
        ("debt", PointsDebt),
        ("member", Member),
    )
}


class _Ids:
    def __init__(self, conn: Any) -> None:
        self.next = {
            name: (conn.execute(select(func.max(_T[name].c.id))).scalar() or 0) + 1
            for name in ("entry", "lot", "alloc", "hold", "debt")
        }

    def take(self, name: str) -> int:
        value = self.next[name]
        self.next[name] += 1
        return value


@dataclass
class _Lot:
    id: int
    expires_on: date
    remaining: int


@dataclass
class _Member:
    id: int
    lots: list[_Lot] = field(default_factory=list)  # soonest expiry first (earned in order; opening last)
    opening: _Lot | None = None
    debts: list[list[int]] = field(default_factory=list)  # [debt id, points owed]
    balance: int = 0
    all_lots: list[_Lot] = field(default_factory=list)  # lots step 1 wrote, to update after the replay
    fresh: set[int] = field(default_factory=set)  # lots written by the replay itself (not updated after)


class _Writer:
    def __init__(self, ctx: Any, conn: Any) -> None:
        self.ctx, self.conn, self.ids = ctx, conn, _Ids(conn)
        self.store_id: int = ctx.store_id
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.tz = ZoneInfo("Asia/Shanghai")

    def flush(self, final: bool = False) -> None:
        """Write what is buffered, all tables together (parents first: entries, lots, then the rest)."""
        if not final and max(len(rows) for rows in self.rows.values()) < BATCH:
            return
        for name in ("entry", "lot", "alloc", "hold", "debt"):
            rows = self.rows[name]
            if rows:
                self.conn.execute(insert(_T[name]), rows)
                self.counts[name] += len(rows)
                self.rows[name] = []

    def entry(
        self,
        m: _Member,
        kind: EntryKind,
        points: int,
        source: tuple[str, str],
        day: date,
        at: datetime,
        reason: str = "",
        entry_id: int | None = None,
    ) -> int:
        entry_id = entry_id or self.ids.take("entry")
        self.rows["entry"].append(
            {
                "id": entry_id,
                "store_id": self.store_id,
                "member_id": m.id,
                "kind": kind.value,
                "points": points,
                "source_type": source[0],
                "source_id": source[1],
                "reason": reason,
                "actor": "demo",
                "business_on": day,
                "created_at": at,
            }
        )
        m.balance += points
        return entry_id

    def alloc(self, entry_id: int, lot: _Lot, points: int) -> None:
        self.rows["alloc"].append(
            {"id": self.ids.take("alloc"), "entry_id": entry_id, "lot_id": lot.id, "points": points}
        )


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _spendable(m: _Member, day: date) -> list[_Lot]:
    lots = [lot for lot in m.lots if lot.remaining > 0 and rules.spendable(lot.expires_on, day)]
    if m.opening is not None:
        lots.append(m.opening)
    return lots


def _take(
    w: _Writer, m: _Member, points: int, day: date, first: _Lot | None = None, draw_opening: bool = True
) -> tuple[list[tuple[_Lot, int]], int]:
    """The service's ``_debit`` over the in-memory lots: soonest expiry first (``first`` before all); the
    opening lot, drawn on without limit here, is sized at the end to what was drawn."""
    lots = _spendable(m, day)
    if first is not None and first in lots:
        lots.remove(first)
        lots.insert(0, first)
    plan, left = [], points
    for lot in lots:
        if left == 0:
            break
        if lot is m.opening:
            if not draw_opening:
                continue
            take = left
        else:
            take = min(lot.remaining, left)
        lot.remaining -= take
        plan.append((lot, take))
        left -= take
    if plan:
        m.lots = [lot for lot in m.lots if lot.remaining > 0]  # emptied lots leave the list (kept short)
    return plan, left


def _expire(w: _Writer, m: _Member, day: date) -> None:
    for lot in m.lots:
        if lot.remaining > 0 and lot.expires_on <= day:
            at = _midnight(lot.expires_on, w.tz)
            entry_id = w.entry(m, EntryKind.expire, -lot.remaining, ("lot", str(lot.id)), lot.expires_on, at)
            w.alloc(entry_id, lot, lot.remaining)
            lot.remaining = 0
    m.lots = [lot for lot in m.lots if lot.remaining > 0]


def _settle(w: _Writer, m: _Member, day: date, at: datetime, cause: int) -> None:
    for debt in m.debts:
        if debt[1] == 0:
            continue
        plan, short = _take(w, m, debt[1], day, draw_opening=False)
        taken = debt[1] - short
        if taken:
            entry_id = w.entry(
                m, EntryKind.reverse, -taken, ("debt", f"{debt[0]}:{cause}"), day, at, "debt from an earlier refund"
            )
            for lot, n in plan:
                w.alloc(entry_id, lot, n)
        debt[1] = short
        if short:
            break


def _sql_earn(conn: Any, store_id: int, today: date, tz: ZoneInfo) -> None:
    """Earn entries and their lots for every member order that earns (set-based)."""
    paid = (
        select(Payment.order_id, cast(func.sum(Payment.amount_fen), BigInteger).label("paid"))  # type: ignore[call-overload]
        .where(Payment.method == "points")
        .group_by(Payment.order_id)
        .subquery()
    )
    o, m, r = Order.__table__, Member.__table__, PointsTierRate.__table__  # type: ignore[attr-defined]
    net = o.c.total_fen - func.coalesce(paid.c.paid, literal(0, BigInteger))
    points = (net * func.coalesce(r.c.multiplier_pct, 100)) // (FEN_PER_POINT * 100)
    e = _T["entry"]
    source = (
        select(
            o.c.store_id,
            o.c.member_id,
            literal(EntryKind.earn.value),
            points,
            literal("order"),
            cast(o.c.id, e.c.source_id.type),
            o.c.order_no,
            literal("demo"),
            o.c.business_on,
            o.c.ordered_at,
        )
        .select_from(
            o.join(m, m.c.id == o.c.member_id)
            .outerjoin(paid, paid.c.order_id == o.c.id)
            .outerjoin(r, and_(r.c.store_id == o.c.store_id, r.c.tier == m.c.tier))
        )
        .where(o.c.store_id == store_id, o.c.member_id.is_not(None), points > 0)
    )
    nightly.insert_entries(conn, source)
    lot = _T["lot"]
    years = conn.execute(
        select(func.min(e.c.business_on), func.max(e.c.business_on)).where(
            e.c.store_id == store_id, e.c.source_type == "order"
        )
    ).one()
    if years[0] is None:
        return
    for year in range(years[0].year, years[1].year + 1):
        expires = rules.lot_expiry(date(year, 1, 1), EXPIRY_YEARS)
        conn.execute(
            insert(lot).from_select(
                ["store_id", "member_id", "entry_id", "points", "remaining", "expires_on", "earned_on", "created_at"],
                select(
                    e.c.store_id,
                    e.c.member_id,
                    e.c.id,
                    e.c.points,
                    e.c.points,
                    literal(expires, Date),
                    e.c.business_on,
                    e.c.created_at,
                ).where(
                    e.c.store_id == store_id,
                    e.c.source_type == "order",
                    e.c.kind == EntryKind.earn.value,
                    e.c.business_on >= date(year, 1, 1),
                    e.c.business_on < date(year + 1, 1, 1),
                ),
            )
        )


def _sql_expire(conn: Any, store_id: int, today: date, tz: ZoneInfo) -> None:
    """Write off every lot past its expiry with points left, day by day, with the nightly job's own
    :func:`nightly.write_off` (the entry dated its lot's expiry day, at 00:00 store time; balances are set
    from the ledger afterwards)."""
    lot = _T["lot"]
    days = (
        conn.execute(
            select(lot.c.expires_on)
            .where(lot.c.store_id == store_id, lot.c.remaining > 0, lot.c.expires_on <= today)
            .distinct()
            .order_by(lot.c.expires_on)
        )
        .scalars()
        .all()
    )
    for day in days:  # in order: by each day, the earlier days' lots are empty, so "lapsed by" is "lapsing on"
        nightly.write_off(conn, store_id, day, at=_midnight(day, tz), actor="demo", balances=False)


def generate(ctx: Any) -> None:
    started = clock.perf_counter()
    session = ctx.session
    conn = session.connection()
    store_id = ctx.store_id
    tz = ZoneInfo("Asia/Shanghai")
    today = ctx.end_on + timedelta(days=1)
    conn.execute(
        insert(PointsTierRate.__table__),  # type: ignore[attr-defined]
        [{"store_id": store_id, "tier": tier, "multiplier_pct": pct} for tier, pct in TIER_RATES.items()],
    )
    _sql_earn(conn, store_id, today, tz)
    replayed = _replay_complex(ctx, conn, store_id, today, tz)
    if session.get_bind().dialect.name == "postgresql":  # the replay's ids were ours: the expiry draws next
        for table in ("points_entry", "points_lot", "points_allocation", "points_hold", "points_debt"):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            )
    _sql_expire(conn, store_id, today, tz)
    m, e = _T["member"], _T["entry"]
    conn.execute(
        update(m)
        .where(m.c.store_id == store_id, m.c.id.in_(select(e.c.member_id).where(e.c.store_id == store_id).distinct()))
        .values(
            points_balance=select(func.coalesce(func.sum(e.c.points), 0))
            .where(e.c.member_id == m.c.id)
            .scalar_subquery()
        )
    )
    entries = conn.execute(select(func.count()).select_from(e).where(e.c.store_id == store_id)).scalar()
    ctx.echo(
        f"demo: points     {entries:,} ledger entries ({replayed:,} members with part-payments or refunds "
        f"replayed) in {clock.perf_counter() - started:.1f} s"
    )


def _replay_complex(ctx: Any, conn: Any, store_id: int, today: date, tz: ZoneInfo) -> int:
    """Replay, per member with a points part-payment or a refund, those events against the member's lots."""
    o, p, rf, lot_t, e = Order.__table__, Payment.__table__, Refund.__table__, _T["lot"], _T["entry"]  # type: ignore[attr-defined]
    paid_rows = conn.execute(
        select(
            o.c.id,
            o.c.member_id,
            o.c.ordered_at,
            o.c.business_on,
            o.c.total_fen,
            o.c.order_no,
            func.sum(p.c.amount_fen),
        )
        .join(p, p.c.order_id == o.c.id)
        .where(o.c.store_id == store_id, o.c.member_id.is_not(None), p.c.method == "points")
        .group_by(o.c.id, o.c.member_id, o.c.ordered_at, o.c.business_on, o.c.total_fen, o.c.order_no)
    ).all()
    refund_rows = conn.execute(
        select(
            rf.c.id,
            rf.c.order_id,
            rf.c.amount_fen,
            rf.c.business_on,
            rf.c.refunded_at,
            o.c.member_id,
            o.c.total_fen,
            o.c.order_no,
        )
        .join(o, o.c.id == rf.c.order_id)
        .where(o.c.store_id == store_id, o.c.member_id.is_not(None))
        .order_by(rf.c.id)
    ).all()
    events: dict[int, list[tuple[datetime, int, Any]]] = defaultdict(list)
    orders: dict[int, Any] = {}
    for row in paid_rows:
        events[row.member_id].append((row.ordered_at, 0, row))
        orders[row.id] = row
    for row in refund_rows:
        events[row.member_id].append((row.refunded_at, 2, row))
    if not events:
        return 0
    # The lots (and their earn entries) of these members, as step 1 wrote them.
    lots: dict[int, list[tuple[int, int, date, datetime, int, int]]] = defaultdict(list)
    members = sorted(events)
    for start in range(0, len(members), 5_000):
        chunk = members[start : start + 5_000]
        for lot_id, member_id, points, expires_on, created_at, entry_id, source_id in conn.execute(
            select(
                lot_t.c.id,
                lot_t.c.member_id,
                lot_t.c.points,
                lot_t.c.expires_on,
                lot_t.c.created_at,
                e.c.id,
                e.c.source_id,
            )
            .join(e, e.c.id == lot_t.c.entry_id)
            .where(lot_t.c.member_id.in_(chunk))
            .order_by(lot_t.c.id)
        ).all():
            lots[member_id].append((lot_id, points, expires_on, created_at, entry_id, int(source_id)))
    w = _Writer(ctx, conn)
    w.tz = tz
    opening_expiry = rules.lot_expiry(ctx.end_on, EXPIRY_YEARS)
    remaining: list[dict[str, int]] = []
    lot_points: dict[int, int] = {}
    for member_id in members:
        m = _Member(member_id)
        timeline = list(events[member_id])
        for lot_id, points, expires_on, created_at, entry_id, order_id in lots.get(member_id, ()):
            lot_points[lot_id] = points
            timeline.append((created_at, 1, (_Lot(lot_id, expires_on, points), entry_id, order_id)))
        _replay(w, m, timeline, orders, today, opening_expiry, ctx.start_on)
        remaining.extend(
            {"lid": lot.id, "n": lot.remaining} for lot in m.all_lots if lot.remaining != lot_points[lot.id]
        )
        w.flush()
    w.flush(final=True)
    if remaining:
        conn.execute(update(lot_t).where(lot_t.c.id == bindparam("lid")).values(remaining=bindparam("n")), remaining)
    return len(members)


def _replay(
    w: _Writer,
    m: _Member,
    timeline: list[tuple[datetime, int, Any]],
    orders: dict[int, Any],
    today: date,
    opening_expiry: date,
    start_on: date,
) -> None:
    opening_entry = w.ids.take("entry")
    m.opening = _Lot(w.ids.take("lot"), opening_expiry, 0)
    drawn_from_opening = 0
    own_lot: dict[int, _Lot] = {}
    earned: dict[int, int] = {}
    holds: dict[int, tuple[int, list[tuple[_Lot, int]]]] = {}
    refunded: dict[int, int] = defaultdict(int)

    for at, phase, payload in sorted(timeline, key=lambda ev: (ev[0], ev[1])):
        if phase == 1:  # a lot earned by a sale (written by step 1)
            lot, entry_id, order_id = payload
            day = lot_day = w_day(at, w.tz)
            _expire(w, m, day)
            m.lots.append(lot)
            m.all_lots.append(lot)
            own_lot[order_id], earned[order_id] = lot, lot.remaining
            _settle(w, m, lot_day, at, entry_id)
        elif phase == 0:  # a points part-payment at a till
            order = payload
            day = order.business_on
            _expire(w, m, day)
            paid = int(order[6])
            key = f"demo-{order.id}"
            entry_id = w.entry(
                m, EntryKind.redeem, -paid, ("hold", f"{w.store_id}:{key}"), day, at, "till part-payment"
            )
            plan, _ = _take(w, m, paid, day)
            for lot, n in plan:
                if lot is m.opening:
                    drawn_from_opening += n
                w.alloc(entry_id, lot, n)
            holds[order.id] = (paid, plan)
            w.rows["hold"].append(
                {
                    "id": w.ids.take("hold"),
                    "store_id": w.store_id,
                    "member_id": m.id,
                    "hold_key": key,
                    "points": paid,
                    "status": "confirmed",
                    "order_no": order.order_no,
                    "expires_at": at + timedelta(minutes=15),
                    "created_at": at,
                }
            )
        else:  # a refund
            row = payload
            day = row.business_on
            _expire(w, m, day)
            before = refunded[row.order_id]
            refunded[row.order_id] += row.amount_fen
            after = before + row.amount_fen
            undo = rules.pro_rata_step(earned.get(row.order_id, 0), before, after, row.total_fen)
            if undo:
                plan, short = _take(w, m, undo, day, first=own_lot.get(row.order_id), draw_opening=False)
                if plan:
                    entry_id = w.entry(
                        m,
                        EntryKind.reverse,
                        -(undo - short),
                        ("refund", str(row.id)),
                        day,
                        at,
                        f"refund of {row.order_no}",
                    )
                    for lot, n in plan:
                        w.alloc(entry_id, lot, n)
                if short:
                    debt_id = w.ids.take("debt")
                    m.debts.append([debt_id, short])
                    w.rows["debt"].append(
                        {
                            "id": debt_id,
                            "store_id": w.store_id,
                            "member_id": m.id,
                            "source": f"refund:{row.id}",
                            "points": short,
                            "settled": 0,
                            "created_at": at,
                        }
                    )
            if row.order_id in holds:
                paid, taken = holds[row.order_id]
                give = rules.pro_rata_step(paid, before, after, row.total_fen)
                back: list[tuple[_Lot, int]] = []
                for lot, n in sorted(taken, key=lambda pair: pair[0].expires_on, reverse=True):
                    if give == 0:
                        break
                    step = min(n, give)
                    give -= step
                    if rules.spendable(lot.expires_on, day):
                        back.append((lot, step))
                if back:
                    entry_id = w.entry(
                        m,
                        EntryKind.reverse,
                        sum(n for _, n in back),
                        ("refund_points", str(row.id)),
                        day,
                        at,
                        f"refund of {row.order_no}",
                    )
                    for lot, n in back:
                        if lot.remaining == 0 and lot is not m.opening:
                            m.lots.append(lot)
                        lot.remaining += n
                        w.alloc(entry_id, lot, -n)
                    m.lots.sort(key=lambda lot: (lot.expires_on, lot.id))
    _expire(w, m, today)
    for debt in m.debts:
        for debt_row in w.rows["debt"]:
            if debt_row["id"] == debt[0]:
                debt_row["settled"] = debt_row["points"] - debt[1]
    opening = m.opening
    m.opening = None
    if drawn_from_opening:
        at = _midnight(start_on, w.tz)
        w.entry(
            m,
            EntryKind.adjust,
            drawn_from_opening,
            ("opening", str(m.id)),
            start_on,
            at,
            "demo: balance carried over from the old CRM",
            entry_id=opening_entry,
        )
        # What was drawn is gone; points given back to it by refunds stay on it.
        w.rows["lot"].append(
            {
                "id": opening.id,
                "store_id": w.store_id,
                "member_id": m.id,
                "entry_id": opening_entry,
                "points": drawn_from_opening,
                "remaining": opening.remaining + drawn_from_opening,
                "expires_on": opening.expires_on,
                "funder_shop_id": None,
                "earned_on": start_on,
                "created_at": at,
            }
        )
        m.fresh.add(opening.id)


def w_day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()
