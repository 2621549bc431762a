"""M2 运营分析管理 on real rows: the merchant operations area (issue 17's part) counts the shops whose sales
the per-shop analysis covered in the last 30 days of the period; the analytics module's three areas count the
footfall days, member orders and categories its page analysed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from store.assessment.evaluators import EVALUATORS, operations
from store.assessment.evaluators.context import EvalContext, Period
from tests.factories import premises
from tests.factories.sales import create_order

PERIOD = Period(date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 31), date(2026, 6, 10))
NOW = datetime(2026, 6, 10, 4, tzinfo=UTC)


def _m2(session: Session, store):
    return EVALUATORS["M2"](EvalContext(session=session, store=store, period=PERIOD, now=NOW))


class TestMerchantOperations:
    def test_a_shop_selling_in_the_window_earns_the_merchant_operations_point(self, session: Session):
        store = premises.create_store(session)
        shop = premises.create_shop(session, store, opened_on=date(2025, 1, 1))
        row = _m2(session, store)
        assert (row.points, row.status) == (0, "measured")
        create_order(session, shop, ordered_at=datetime(2026, 5, 20, 4, tzinfo=UTC))
        row = _m2(session, store)
        # merchant operations, and goods and services (one category sold); no footfall, no member order
        assert row.points == 2 and "商户经营分析" in row.rule and "商品与服务分析" in row.rule
        shops = next(f for f in row.figures if f.name == "merchant_operations")
        assert (shops.value, shops.source) == (1, "/admin/kpi?by=shop")
        goods = next(f for f in row.figures if f.name == "goods_services")
        assert (goods.value, goods.unit, goods.source) == (1, "categories", "/admin/analytics")
        assert "客流分析" in row.missing and "dashboard not built yet" not in row.missing

    def test_sales_before_the_last_30_days_do_not_count(self, session: Session):
        store = premises.create_store(session)
        shop = premises.create_shop(session, store, opened_on=date(2025, 1, 1))
        create_order(session, shop, ordered_at=datetime(2026, 5, 1, 4, tzinfo=UTC))  # day 31 back
        assert _m2(session, store).points == 0

    def test_a_member_order_in_the_window_earns_the_member_spending_point(self, session: Session):
        store = premises.create_store(session)
        shop = premises.create_shop(session, store, opened_on=date(2025, 1, 1))
        create_order(session, shop, ordered_at=datetime(2026, 5, 20, 4, tzinfo=UTC), member_id=9001)
        row = _m2(session, store)
        spending = next(f for f in row.figures if f.name == "member_spending")
        assert spending.value == 1 and row.points == 3 and "会员消费分析" in row.rule

    def test_an_analytics_area_plugs_in_with_one_line(self, session: Session, monkeypatch):
        store = premises.create_store(session)
        wired = tuple(
            a if a.key != "footfall" else operations.Area(a.key, a.zh, a.en, a.dashboard, lambda *args: 7)
            for a in operations.AREAS
        )
        monkeypatch.setattr(operations, "AREAS", wired)
        row = _m2(session, store)
        assert row.points == 1 and "客流分析" in row.rule
