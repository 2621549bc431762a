"""Demo hook of sales: two years of orders (about 2 million lines at scale 1.0), refunds and declared totals.

Deterministic from ``ctx.rng("sales")``. Written with core inserts in batches (no ORM objects), ids of
orders assigned here so lines, payments and refunds can point at them; the KPI rollups are rebuilt
from them at the end (``store.sales.rollups.rebuild``). Hands
``ctx.shared["sales"] = {"orders_by_day": {date: int}}`` to the footfall hook,
so footfall matches sales (conversion about 10–20%).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session

from store import driver_sql
from store.clock import business_day, day_bounds_utc, utcnow
from store.premises import service as premises_service
from store.premises.models import Shop
from store.sales import demo_profile as prof
from store.sales import rollups
from store.sales.models import DailyTotal, Order, OrderLine, Payment, Refund

FULL_SCALE_LINES = 2_000_000
FULL_SCALE_DAYS = 730
BATCH = 20_000
CHANNELS = ("offline", "online", "live")
SOURCE = {"online": "online_mall", "live": "live_stream"}
_MODELS = (("orders", Order), ("lines", OrderLine), ("payments", Payment), ("refunds", Refund))
TABLES = {name: model.__table__ for name, model in _MODELS}  # type: ignore[attr-defined,union-attr]
INSERTS = {name: insert(table) for name, table in TABLES.items()}  # built once: the driver path caches per statement


class _Writer:
    """Buffers rows per table and writes them with the driver's executemany in batches, parents first (the
    columns' own bind processors, without Core's per-row parameter building: a third of the hook's time)."""

    def __init__(self, session: Session) -> None:
        self.conn = session.connection()
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.written: dict[str, int] = defaultdict(int)

    def maybe_flush(self) -> None:
        if len(self.rows["lines"]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for name, statement in INSERTS.items():
            if self.rows[name]:
                driver_sql.execute_many(self.conn, statement, self.rows[name])
                self.written[name] += len(self.rows[name])
                self.rows[name] = []


def _pos_modes(rng: random.Random, shops: list[Shop]) -> dict[int, str]:
    """How each shop's till sales reach us: own till, captured receipts, or declared totals (no POS)."""
    small = [s for s in shops if s.category in prof.NO_POS_CATEGORIES]
    no_pos = {s.id for s in rng.sample(small, min(prof.NO_POS_SHOPS, len(small)))}
    modes = {}
    for shop in shops:
        if shop.id in no_pos:
            modes[shop.id] = "none"
        elif shop.tenant != "本店自营" and rng.random() < prof.RECEIPT_CAPTURE_SHARE:
            modes[shop.id] = "receipt_capture"
        else:
            modes[shop.id] = "own_till"
    return modes  # type: ignore[return-value]


class _Generator:
    """Makes the orders of one day at a time; every number adds up as the API would demand."""

    def __init__(self, ctx: Any, session: Session, shops: list[Shop]) -> None:
        self.rng = ctx.rng("sales")
        self.ctx, self.shops = ctx, shops
        self.tz = premises_service.get_store(session, ctx.store_id).timezone
        self.modes = _pos_modes(self.rng, shops)
        self.profiles = {s.id: prof.PROFILES.get(s.category, prof.DEFAULT) for s in shops}
        # The members hook's members (store.members.demo); the lowest numbers buy most.
        members = ctx.shared.get("members", {"first_id": 1, "count": 0})
        self.member_base, self.members = members["first_id"] - 1, members["count"]
        self.writer = _Writer(session)
        first = session.execute(select(func.max(Order.id))).scalar() or 0
        self.next_id = first + 1
        last_moment = min(day_bounds_utc(ctx.end_on, self.tz)[1], utcnow()) - timedelta(seconds=1)
        self.refund_cap = last_moment
        self.declared: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0])
        self.orders_by_day: dict[date, int] = {}
        self.hours = {
            name: (list(h), list(accumulate(h.values())))
            for name, h in (("store", prof.STORE_HOURS), ("online", prof.ONLINE_HOURS))
        }

    def _basket(self, shop: Shop, order_id: int) -> tuple[list[dict[str, Any]], int]:
        rng, profile = self.rng, self.profiles[shop.id]
        count, stop = 1, 1.0 / profile.lines
        while count < 15 and rng.random() > stop:
            count += 1
        ticket = profile.ticket_yuan * 100 * rng.lognormvariate(0.0, 0.55)
        shares = [rng.random() + 0.3 for _ in range(count)]
        scale = ticket / sum(shares)
        lines, subtotal = [], 0
        for n, share in enumerate(shares, start=1):
            qty = 1 if profile.max_qty == 1 or rng.random() < 0.7 else rng.randint(2, profile.max_qty)
            price = max(50, int(share * scale / qty / 10) * 10)
            discount = int(qty * price * rng.uniform(0.05, 0.2) / 10) * 10 if rng.random() < 0.12 else 0
            sku = rng.randrange(1, 400)
            total = qty * price - discount
            lines.append(
                {
                    "order_id": order_id,
                    "line_no": n,
                    "sku": f"{shop.code}-{sku:04d}",
                    "name": profile.goods[sku % len(profile.goods)],
                    "quantity": qty,
                    "unit_price_fen": price,
                    "discount_fen": discount,
                    "total_fen": total,
                }
            )
            subtotal += total
        return lines, subtotal

    def _payments(self, order_id: int, channel: str, total: int) -> list[dict[str, Any]]:
        rng = self.rng
        methods = prof.PAYMENTS_OFFLINE if channel == "offline" else prof.PAYMENTS_ONLINE
        method = rng.choices([m for m, _ in methods], weights=[w for _, w in methods])[0]
        if total >= 200 and rng.random() < 0.06:  # part paid with stored value or points
            part = int(total * rng.uniform(0.1, 0.5))
            side = "points" if rng.random() < 0.4 else "stored_value"
            return [
                {"order_id": order_id, "method": side, "amount_fen": part},
                {"order_id": order_id, "method": method, "amount_fen": total - part},
            ]
        return [{"order_id": order_id, "method": method, "amount_fen": total}]

    def _refund(self, order: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
        rng = self.rng
        amount = order["total_fen"]
        if rng.random() < 0.4 and len(lines) > 1:
            amount = min(amount, lines[0]["total_fen"]) or amount
        refunded_at = min(order["ordered_at"] + timedelta(hours=rng.uniform(0.3, 240)), self.refund_cap)
        order["refunded_fen"] = amount
        return {
            "store_id": order["store_id"],
            "order_id": order["id"],
            "amount_fen": amount,
            "reason": rng.choice(("尺码不合", "质量问题", "七天无理由", "重复下单", "顾客改变主意")),
            "refunded_at": refunded_at,
            "business_on": business_day(refunded_at, self.tz),
            "created_at": refunded_at,
        }

    def _order(self, shop: Shop, day: date, seq: int, midnight: datetime, upgraded: bool) -> None:
        rng = self.rng
        shares = prof.CHANNEL_SHARE_AFTER if upgraded else prof.CHANNEL_SHARE_BEFORE
        pick = rng.random()
        channel = "offline" if pick < shares[0] else ("online" if pick < shares[0] + shares[1] else "live")
        hours, cum = self.hours["store" if channel == "offline" else "online"]
        ordered_at = midnight + timedelta(seconds=rng.choices(hours, cum_weights=cum)[0] * 3600 + rng.random() * 3599)
        order_id = self.next_id
        lines, subtotal = self._basket(shop, order_id)
        coupon = subtotal >= 5000 and rng.random() < 0.08  # an order-level coupon on bigger baskets
        discount = int(subtotal * rng.uniform(0.03, 0.12) / 100) * 100 if coupon else 0
        total = subtotal - discount
        mode = self.modes[shop.id]  # type: ignore[index]
        refund = rng.random() < prof.REFUND_SHARE[channel]
        if channel == "offline" and mode == "none":  # no POS: the tenant declares the day's totals
            totals = self.declared[(shop.id, day)]  # type: ignore[index]
            totals[0] += total
            totals[1] += 1
            totals[2] += total if refund else 0
            return
        member_key = channel if channel != "offline" else ("offline_after" if upgraded else "offline_before")
        member = (
            self.member_base + int(self.members * rng.random() ** 2) + 1
            if self.members and rng.random() < prof.MEMBER_SHARE[member_key]
            else None
        )
        self.next_id += 1
        order = {
            "id": order_id,
            "store_id": self.ctx.store_id,
            "shop_id": shop.id,
            "order_no": f"{channel[0].upper()}{day:%Y%m%d}{seq:05d}",
            "channel": channel,
            "source": SOURCE.get(channel, mode),
            "member_id": member,
            "terminal_id": None,
            "ordered_at": ordered_at,
            "business_on": day,
            "subtotal_fen": subtotal,
            "discount_fen": discount,
            "total_fen": total,
            "refunded_fen": 0,
            "created_at": ordered_at,
        }
        rows = self.writer.rows
        if refund:
            rows["refunds"].append(self._refund(order, lines))
        rows["orders"].append(order)
        rows["lines"].extend(lines)
        rows["payments"].extend(self._payments(order_id, channel, total))

    def day(self, day: date, orders: int) -> None:
        trading = [s for s in self.shops if s.opened_on <= day and (s.closed_on is None or day <= s.closed_on)]
        weights = list(accumulate(self.profiles[s.id].weight for s in trading))
        midnight = day_bounds_utc(day, self.tz)[0]
        upgraded = self.ctx.calendar.is_upgraded(day)
        for seq, shop in enumerate(self.rng.choices(trading, cum_weights=weights, k=orders), start=1):
            self._order(shop, day, seq, midnight, upgraded)
        self.orders_by_day[day] = orders
        self.writer.maybe_flush()


def _orders_per_unit(ctx: Any, shops: list[Shop], factors: list[float]) -> float:
    """Orders on a day of factor 1.0, so that the history holds about the target number of lines."""
    profiles = [prof.PROFILES.get(s.category, prof.DEFAULT) for s in shops]
    mean_lines = sum(p.weight * p.lines for p in profiles) / sum(p.weight for p in profiles)
    target = FULL_SCALE_LINES * ctx.options.scale * len(factors) / FULL_SCALE_DAYS
    return target / mean_lines / sum(factors)


def _write_declared(session: Session, ctx: Any, declared: dict[tuple[int, date], list[int]]) -> None:
    now = utcnow()
    rows = [
        {
            "store_id": ctx.store_id,
            "shop_id": shop_id,
            "business_on": day,
            "channel": "offline",
            "source": "tenant_declared",
            "revenue_fen": revenue,
            "orders": orders,
            "refunds_fen": refunds,
            "updated_at": now,
        }
        for (shop_id, day), (revenue, orders, refunds) in sorted(declared.items())
    ]
    if rows:
        session.connection().execute(insert(DailyTotal.__table__), rows)  # type: ignore[attr-defined]


def generate(ctx: Any) -> None:
    """Create the store's sales history: orders with lines and payments, refunds, declared daily totals."""
    session = ctx.session
    shops = premises_service.list_shops(session, ctx.store_id)
    if not shops:
        ctx.echo("demo: sales      no shops, no sales")
        return
    gen = _Generator(ctx, session, shops)
    days = ctx.days()
    factors = [ctx.calendar.factor(day) for day in days]
    base = _orders_per_unit(ctx, shops, factors)
    for day, factor in zip(days, factors, strict=True):
        gen.day(day, max(1, round(base * factor * gen.rng.gauss(1.0, 0.06))))
    gen.writer.flush()
    _write_declared(session, ctx, gen.declared)
    if session.get_bind().dialect.name == "postgresql":  # ids were ours: move the sequence past them
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('sales_order', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM sales_order))"
            )
        )
    rollups.rebuild(session, ctx.store_id)  # written without the row-by-row rollup upserts
    ctx.shared["sales"] = {"orders_by_day": gen.orders_by_day}
    written = gen.writer.written
    ctx.echo(
        f"demo: sales      {written['orders']:,} orders, {written['lines']:,} lines, "
        f"{written['refunds']:,} refunds, {len(gen.declared):,} declared shop-days"
    )
