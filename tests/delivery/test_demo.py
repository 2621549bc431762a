"""The demo's deliveries and live programme: consistent with its online and live orders."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from store.delivery import demo as delivery_demo
from store.delivery import service as delivery_service
from store.delivery.models import DeliveryOrder
from store.live import demo as live_demo
from store.live.models import LiveAttribution, LiveSession
from store.live.service import LINK_WINDOW
from store.sales.models import Order
from tests.factories.sales import run_demo


def test_deliveries_belong_to_online_orders_and_keep_every_next_day_promise_after_the_upgrade(session):
    ctx = run_demo(session, scale=0.02, days=60, with_footfall=False)
    delivery_demo.generate(ctx)
    live_demo.generate(ctx)
    rows = session.exec(select(DeliveryOrder, Order).join(Order, Order.id == DeliveryOrder.sales_order_id)).all()
    assert rows and all(order.channel == "online" and d.placed_at == order.ordered_at for d, order in rows)
    upgrade = ctx.calendar.upgrade_on
    after = delivery_service.period_sla(session, ctx.store_id, upgrade + timedelta(days=1), ctx.end_on)
    assert after.measured and after.next_day_met == after.measured
    assert after.same_day_met * 5 >= after.measured  # S7: same-day ≥ 20 %

    sessions = session.exec(select(LiveSession).order_by(LiveSession.starts_at)).all()
    assert {s.starts_at.astimezone(ZoneInfo("Asia/Shanghai")).weekday() for s in sessions} == {
        2,
        5,
    }  # Wednesdays and Saturdays
    by_id = {s.id: s for s in sessions}
    attributed = session.exec(select(LiveAttribution, Order).join(Order, Order.id == LiveAttribution.order_id)).all()
    assert attributed
    for stamp, order in attributed:
        live = by_id[stamp.session_id]
        assert order.channel == "live" and live.starts_at <= order.ordered_at < live.ends_at + LINK_WINDOW
