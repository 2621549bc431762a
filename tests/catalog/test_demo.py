"""The catalogue's demo: SKUs the sales demo's order lines name, and a parity share that earns S6."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from store.catalog import demo as catalog_demo
from store.catalog import parity
from store.catalog import service as catalog_service
from store.catalog.models import Sku
from store.clock import day_bounds_utc
from store.sales.models import OrderLine
from tests.factories.sales import run_demo


class TestDemoCatalogue:
    def test_parity_above_thirty_percent_with_drifts_and_skus_the_orders_name(self, session) -> None:
        ctx = run_demo(session, scale=0.01, days=60, with_footfall=False)
        catalog_demo.generate(ctx)
        session.flush()
        skus = session.exec(select(func.count()).select_from(Sku)).one()
        assert skus >= 2_500  # about 5 % of full scale at the smallest
        end = day_bounds_utc(ctx.end_on, "Asia/Shanghai")[1]
        found = parity.report(session, ctx.store_id, end - timedelta(days=30), end)
        assert 0.30 <= float(found.total.fraction) <= 0.40
        assert found.drifted and any(d.since is not None and d.since > end - timedelta(days=30) for d in found.drifted)
        # Order lines name <shop>-<n>, n < 400: at full scale (60,000 SKUs) every one is in the catalogue.
        per_shop = max(int(code.rsplit("-", 1)[1]) for code in session.exec(select(Sku.code)).all())
        line_skus = set(session.exec(select(OrderLine.sku).limit(2_000)).all())
        low = {code for code in line_skus if int(code.rsplit("-", 1)[1]) <= per_shop}
        known = set(session.exec(select(Sku.code).where(Sku.code.in_(low))).all())  # type: ignore[attr-defined]
        assert low and known == low
        assert catalog_service.current_version(session, ctx.store_id) >= 3
        assert catalog_service.approvals_in_period(session, ctx.store_id, end - timedelta(days=31), end) > 0
