"""The demo store's footfall: counts at every entrance, consistent with its sales."""

from __future__ import annotations

from sqlmodel import func, select

from store.footfall import service as footfall_service
from store.sales.models import Order
from tests.factories.sales import run_demo


class TestDemoFootfallMatchesSales:
    def test_conversion_stays_between_10_and_20_percent(self, session):
        ctx = run_demo(session)
        footfall = footfall_service.daily_footfall(session, ctx.store_id, ctx.start_on, ctx.end_on)
        orders = dict(session.exec(select(Order.business_on, func.count()).group_by(Order.business_on)).all())
        assert len(footfall) == len(ctx.days())
        conversions = [orders.get(day, 0) / people for day, people in footfall.items()]
        assert all(0.08 <= c <= 0.2 for c in conversions), (min(conversions), max(conversions))
