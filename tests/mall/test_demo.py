"""The demo's mini-program orders: placed and paid through the services, in every state, members named."""

from __future__ import annotations

from sqlmodel import select

from store.catalog import demo as catalog_demo
from store.mall import demo as mall_demo
from store.mall.models import MallOrder
from store.sales.models import Order
from tests.factories.sales import run_demo


def test_the_demo_has_paid_collected_and_cancelled_orders_recorded_as_member_sales(session):
    ctx = run_demo(session, scale=0.01, days=30, with_footfall=False)
    catalog_demo.generate(ctx)
    mall_demo.generate(ctx)
    orders = session.exec(select(MallOrder)).all()
    assert len(orders) >= mall_demo.ORDERS // 2
    assert {"paid", "collected"} & {o.status for o in orders} and all(o.member_id for o in orders)
    sales = session.exec(select(Order).where(Order.order_no.in_([o.order_no for o in orders]))).all()  # type: ignore[attr-defined]
    assert sales and all(s.channel == "online" and s.member_id is not None for s in sales)
    assert all(o.sales_order_id is not None for o in orders if o.status in ("paid", "collected"))
