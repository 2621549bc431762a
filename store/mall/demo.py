"""Demo hook of the online mall: the last week's mini-program orders, placed and paid through the services.

``ORDERS`` orders by the demo's members over the last ``DAYS`` days, each one through the real path
(``place`` reserves stock at the resolver's price, ``pay`` goes through the payment simulator, the sale lands in
store.sales, a delivery gets its promise and its courier's steps): most are paid, a few cancelled (refunded to
their method) and the last hours' partly still waiting for payment, so the admin's online orders page shows every
state. A small addition to the sales demo's online channel (which is history without a cart behind it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from store.catalog.models import Sku, Stock
from store.clock import day_bounds_utc, utcnow
from store.delivery import service as delivery_service
from store.delivery.schemas import CourierEvent, EventKind
from store.errors import StoreError
from store.mall import service as mall_service
from store.mall.schemas import Fulfilment, MallOrderCreate, MallStatus, OnlineMethod
from store.members.models import Member
from store.premises import service as premises_service

ORDERS = 12  # each goes the whole way through the services (~0.1 s on a quiet machine): kept few
DAYS = 7
ADDRESSES = ("上海市黄浦区南京东路100号", "上海市静安区南京西路1266号", "上海市徐汇区淮海中路999号")


def _deliver(session: Any, store_id: int, order: Any, rng: Any, now: Any) -> None:
    """The courier's steps, before the promise, as far as they have happened by now."""
    row = delivery_service.by_order_no(session, store_id, order.order_no)
    span = row.promised_by - row.placed_at
    for kind, share in ((EventKind.dispatched, 0.2), (EventKind.handed_over, 0.3), (EventKind.delivered, 0.6)):
        at = row.placed_at + span * (share + rng.random() * 0.05)
        if at > now:
            return
        delivery_service.record_event(session, store_id, CourierEvent(order.order_no, kind, at, courier="达达"))


def generate(ctx: Any) -> None:
    session = ctx.session
    rng = ctx.rng("mall")
    tz = premises_service.get_store(session, ctx.store_id).timezone
    now = min(utcnow(), day_bounds_utc(ctx.end_on, tz)[1] - timedelta(minutes=1))  # the demo's last day
    members = list(session.execute(select(col(Member.id)).where(col(Member.store_id) == ctx.store_id).limit(300)))
    stocked = list(
        session.execute(
            select(col(Stock.shop_id), col(Stock.sku_id))
            .where(col(Stock.store_id) == ctx.store_id, col(Stock.on_hand) - col(Stock.reserved) >= 5)
            .limit(2_000)
        )
    )
    if not members or not stocked:
        return
    made = 0
    for n in range(ORDERS):
        placed = now - timedelta(days=DAYS) + timedelta(days=DAYS) * (n + rng.random()) / ORDERS
        shop_id, sku_id = rng.choice(stocked)
        sku = session.get(Sku, sku_id)
        delivery = rng.random() < 0.45
        data = MallOrderCreate(
            shop_id=shop_id,
            lines=[{"sku": sku.code, "quantity": rng.randint(1, 2)}],  # type: ignore[list-item]
            fulfilment=Fulfilment.delivery if delivery else Fulfilment.pickup,
            address=rng.choice(ADDRESSES) if delivery else "",
        )
        try:
            with session.begin_nested():
                order = mall_service.place(session, ctx.store_id, rng.choice(members)[0], data, now=placed)
                if now - placed < timedelta(hours=6) and rng.random() < 0.5:
                    made += 1
                    continue  # still waiting for payment
                mall_service.pay(session, ctx.store_id, order, rng.choice(list(OnlineMethod)), now=placed)
                if order.status == MallStatus.paid and rng.random() < 0.08:
                    mall_service.cancel(session, order, reason="买家取消")
                elif order.status == MallStatus.paid and delivery:
                    _deliver(session, ctx.store_id, order, rng, now)
                elif order.status == MallStatus.paid and now - placed > timedelta(hours=3):
                    mall_service.collect(session, order, at=placed + timedelta(hours=2))
                made += 1
        except StoreError:
            continue  # a shop closed since, a SKU off sale: not ordered
    ctx.echo(f"demo: mall       {made} mini-program orders")
