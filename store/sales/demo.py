"""Demo hook of sales: two years of orders (about 2 million lines at scale 1.0), refunds and declared totals.

Deterministic from ``ctx.rng("sales")``. The hot loop draws from that generator exactly as ``random.Random``'s
own ``choices``, ``randrange``, ``uniform`` and ``lognormvariate`` would (the same numbers, without a Python call
per draw: most of the hook's time otherwise), builds each row as a tuple in the storage format and hands the
rows to the driver in batches (``driver_sql.insert_rows``: ``executemany`` on SQLite, ``COPY`` on PostgreSQL),
parents first. Order ids are assigned here so lines, payments and refunds can point at them; the KPI rollups
are rebuilt from the rows at the end (``store.sales.rollups.rebuild``, set-based). Hands
``ctx.shared["sales"] = {"orders_by_day": {date: int}}`` to the footfall hook,
so footfall matches sales (conversion about 10–20%).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
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
from store.sales.models import DailyTotal, Order

FULL_SCALE_LINES = 2_000_000
FULL_SCALE_DAYS = 730
BATCH = 50_000  # lines per write
CHANNELS = ("offline", "online", "live")
SOURCE = {"online": "online_mall", "live": "live_stream"}
REASONS = ("尺码不合", "质量问题", "七天无理由", "重复下单", "顾客改变主意")
SKUS_PER_SHOP = 399  # sku numbers 1..399 on the order lines (the catalogue's codes)
COLUMNS = {
    "sales_order": (
        "id",
        "store_id",
        "shop_id",
        "order_no",
        "channel",
        "source",
        "member_id",
        "ordered_at",
        "business_on",
        "subtotal_fen",
        "discount_fen",
        "total_fen",
        "refunded_fen",
        "created_at",
    ),
    "sales_order_line": (
        "order_id",
        "line_no",
        "sku",
        "name",
        "quantity",
        "unit_price_fen",
        "discount_fen",
        "total_fen",
    ),
    "sales_payment": ("order_id", "method", "amount_fen"),
    "sales_refund": ("store_id", "order_id", "amount_fen", "reason", "refunded_at", "business_on", "created_at"),
}
NV_MAGICCONST = 4 * math.exp(-0.5) / math.sqrt(2.0)  # random.normalvariate's


@dataclass(frozen=True)
class _Seller:
    """What the hot loop needs of a shop, as plain attributes (no ORM attribute access per order)."""

    id: int
    opened_on: date
    closed_on: date | None
    weight: float  # relative number of orders
    mode: str  # own_till, receipt_capture or none (declared totals)
    lines: float  # mean lines per order
    ticket_fen: float  # median order value
    max_qty: int
    skus: tuple[str, ...]  # "<shop code>-<nnnn>" by sku number (index 0 unused)
    names: tuple[str, ...]  # the goods' name by sku number


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


class _Writer:
    """Buffers rows (tuples in ``COLUMNS`` order) per table and writes them in batches, parents first."""

    def __init__(self, session: Session) -> None:
        self.conn = session.connection()
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}
        self.written: dict[str, int] = defaultdict(int)

    def maybe_flush(self) -> None:
        if len(self.rows["sales_order_line"]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for name, columns in COLUMNS.items():
            if self.rows[name]:
                driver_sql.insert_rows(self.conn, name, columns, self.rows[name])
                self.written[name] += len(self.rows[name])
                self.rows[name] = []


class _Generator:
    """Makes the orders of one day at a time; every number adds up as the API would demand."""

    def __init__(self, ctx: Any, session: Session, shops: list[Shop]) -> None:
        self.rng = ctx.rng("sales")
        self.ctx, self.shops = ctx, shops
        self.tz = premises_service.get_store(session, ctx.store_id).timezone
        modes = _pos_modes(self.rng, shops)
        self.sellers: dict[int, _Seller] = {}
        for shop in shops:
            profile = prof.PROFILES.get(shop.category, prof.DEFAULT)
            numbers = range(SKUS_PER_SHOP + 1)
            self.sellers[shop.id] = _Seller(  # type: ignore[index]
                id=shop.id,  # type: ignore[arg-type]
                opened_on=shop.opened_on,
                closed_on=shop.closed_on,
                weight=profile.weight,
                mode=modes[shop.id],  # type: ignore[index]
                lines=profile.lines,
                ticket_fen=profile.ticket_yuan * 100,
                max_qty=profile.max_qty,
                skus=tuple(f"{shop.code}-{n:04d}" for n in numbers),
                names=tuple(profile.goods[n % len(profile.goods)] for n in numbers),
            )
        # The members hook's members (store.members.demo); the lowest numbers buy most.
        members = ctx.shared.get("members", {"first_id": 1, "count": 0})
        self.member_base, self.members = members["first_id"] - 1, members["count"]
        self.writer = _Writer(session)
        self.suffix = driver_sql.utc_suffix(self.writer.conn)
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
        self.payment_methods = {
            channel: ([m for m, _ in methods], list(accumulate(w for _, w in methods)))
            for channel, methods in (("offline", prof.PAYMENTS_OFFLINE), ("online", prof.PAYMENTS_ONLINE))
        }

    def day(self, day: date, orders: int) -> None:
        """The ``orders`` orders of ``day``: shops drawn by weight, then each order's channel, time, basket,
        coupon, refund, member and payments, drawn in that order (one flat loop: it runs 800,000 times)."""
        rng = self.rng
        random_, bits = rng.random, rng.getrandbits
        log, exp, below = math.log, math.exp, bisect_right
        trading = [
            s for s in self.sellers.values() if s.opened_on <= day and (s.closed_on is None or day <= s.closed_on)
        ]
        weights = list(accumulate(s.weight for s in trading))
        midnight = day_bounds_utc(day, self.tz)[0]
        naive_midnight = midnight.replace(tzinfo=None)
        upgraded = self.ctx.calendar.is_upgraded(day)
        first_share, online_share, _live = prof.CHANNEL_SHARE_AFTER if upgraded else prof.CHANNEL_SHARE_BEFORE
        online_cut = first_share + online_share
        member_share = {
            "offline": prof.MEMBER_SHARE["offline_after" if upgraded else "offline_before"],
            "online": prof.MEMBER_SHARE["online"],
            "live": prof.MEMBER_SHARE["live"],
        }
        store_hours, store_cum = self.hours["store"]
        online_hours, online_cum = self.hours["online"]
        store_total, online_total = store_cum[-1] + 0.0, online_cum[-1] + 0.0
        store_hi, online_hi = len(store_hours) - 1, len(online_hours) - 1
        on_day = day.isoformat()
        prefix = {channel: f"{channel[0].upper()}{day:%Y%m%d}" for channel in CHANNELS}
        suffix, store_id = self.suffix, self.ctx.store_id
        members, member_base = self.members, self.member_base
        rows = self.writer.rows
        order_rows, line_rows = rows["sales_order"], rows["sales_order_line"]
        payment_rows, refund_rows = rows["sales_payment"], rows["sales_refund"]
        pay_offline, pay_online = self.payment_methods["offline"], self.payment_methods["online"]
        picked = rng.choices(trading, cum_weights=weights, k=orders)  # drawn before the orders, as ever
        for seq, seller in enumerate(picked, start=1):
            pick = random_()
            channel = "offline" if pick < first_share else ("online" if pick < online_cut else "live")
            if channel == "offline":  # choices(hours, cum_weights=…)[0]
                hour = store_hours[below(store_cum, random_() * store_total, 0, store_hi)]
            else:
                hour = online_hours[below(online_cum, random_() * online_total, 0, online_hi)]
            offset = timedelta(seconds=hour * 3600 + random_() * 3599)
            order_id = self.next_id
            # The basket: its line count, ticket size (lognormvariate(0, 0.55)), shares of the ticket, lines.
            count, stop = 1, 1.0 / seller.lines
            while count < 15 and random_() > stop:
                count += 1
            while True:  # normalvariate's Kinderman–Monahan loop
                u1 = random_()
                u2 = 1.0 - random_()
                z = NV_MAGICCONST * (u1 - 0.5) / u2
                if z * z / 4.0 <= -log(u2):
                    break
            ticket = seller.ticket_fen * exp(0.0 + z * 0.55)
            shares = [random_() + 0.3 for _ in range(count)]
            scale = ticket / sum(shares)
            max_qty, skus, names = seller.max_qty, seller.skus, seller.names
            lines, subtotal, first_line = [], 0, 0
            for n, share in enumerate(shares, start=1):
                if max_qty == 1 or random_() < 0.7:
                    qty = 1
                else:  # randint(2, max_qty)
                    width = max_qty - 1
                    k = width.bit_length()
                    r = bits(k)
                    while r >= width:
                        r = bits(k)
                    qty = 2 + r
                price = max(50, int(share * scale / qty / 10) * 10)
                discount = int(qty * price * (0.05 + (0.2 - 0.05) * random_()) / 10) * 10 if random_() < 0.12 else 0
                sku = bits(9)  # randrange(1, 400)
                while sku >= SKUS_PER_SHOP:
                    sku = bits(9)
                sku += 1
                total = qty * price - discount
                lines.append((order_id, n, skus[sku], names[sku], qty, price, discount, total))
                subtotal += total
                if n == 1:
                    first_line = total
            coupon = subtotal >= 5000 and random_() < 0.08  # an order-level coupon on bigger baskets
            discount = int(subtotal * (0.03 + (0.12 - 0.03) * random_()) / 100) * 100 if coupon else 0
            total = subtotal - discount
            refund = random_() < prof.REFUND_SHARE[channel]
            if channel == "offline" and seller.mode == "none":  # no POS: the tenant declares the day's totals
                totals = self.declared[(seller.id, day)]
                totals[0] += total
                totals[1] += 1
                totals[2] += total if refund else 0
                continue
            member = (
                member_base + int(members * random_() ** 2) + 1
                if members and random_() < member_share[channel]
                else None
            )
            self.next_id += 1
            ordered_at = naive_midnight + offset
            stamp = ordered_at.isoformat(" ", "microseconds") + suffix
            refunded = 0
            if refund:
                refunded = total
                if random_() < 0.4 and len(lines) > 1:
                    refunded = min(refunded, first_line) or refunded
                refunded_at = min(midnight + offset + timedelta(hours=0.3 + (240 - 0.3) * random_()), self.refund_cap)
                n = len(REASONS)  # choice(REASONS)
                r = bits(n.bit_length())
                while r >= n:
                    r = bits(n.bit_length())
                refunded_stamp = driver_sql.utc_text(refunded_at, suffix)
                refund_rows.append(
                    (
                        store_id,
                        order_id,
                        refunded,
                        REASONS[r],
                        refunded_stamp,
                        business_day(refunded_at, self.tz).isoformat(),
                        refunded_stamp,
                    )
                )
            order_rows.append(
                (
                    order_id,
                    store_id,
                    seller.id,
                    f"{prefix[channel]}{seq:05d}",
                    channel,
                    SOURCE.get(channel, seller.mode),
                    member,
                    stamp,
                    on_day,
                    subtotal,
                    discount,
                    total,
                    refunded,
                    stamp,
                )
            )
            line_rows.extend(lines)
            # Payments: choices(methods, weights=…)[0]; now and then part paid with stored value or points.
            methods, cum = pay_offline if channel == "offline" else pay_online
            method = methods[below(cum, random_() * (cum[-1] + 0.0), 0, len(methods) - 1)]
            if total >= 200 and random_() < 0.06:
                part = int(total * (0.1 + (0.5 - 0.1) * random_()))
                side = "points" if random_() < 0.4 else "stored_value"
                payment_rows.append((order_id, side, part))
                payment_rows.append((order_id, method, total - part))
            else:
                payment_rows.append((order_id, method, total))
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
        f"demo: sales      {written['sales_order']:,} orders, {written['sales_order_line']:,} lines, "
        f"{written['sales_refund']:,} refunds, {len(gen.declared):,} declared shop-days"
    )
