"""Importing history: orders, daily totals and footfall, which the KPIs and B1–B4 are measured from."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, func, select

from store.footfall.models import FootfallCount
from store.kpi.models import KpiFootfallDaily, KpiSalesDaily
from store.premises.models import Zone, ZoneKind
from store.sales.models import DailyTotal, Order, OrderLine, Payment
from tests.factories.members import ensure_member
from tests.imports.conftest import errors_of

ORDERS = "order_no,ordered_at,shop_code,channel,source,member_id,total_yuan,discount_fen,payment_method\n"
TOTALS = "business_on,shop_code,channel,source,revenue_fen,orders,refunds_fen\n"
FOOTFALL = "entrance_code,floor_code,interval_start,interval_minutes,count_in,count_out\n"


def kpi_revenue(session: Session, store_id: int) -> int:
    query = select(func.coalesce(func.sum(KpiSalesDaily.revenue_fen), 0)).where(KpiSalesDaily.store_id == store_id)
    return session.exec(query).one()


class TestOrdersFile:
    def test_an_order_with_no_lines_gets_one_imported_line_and_yuan_convert_exactly(self, session, mall, import_text):
        ensure_member(session, mall.store.id, 7)
        report = import_text("orders", ORDERS + "A1,2025-07-01 10:30,CO01,线上,online_mall,7,1234.10,500,微信\n")
        order = session.exec(select(Order).where(Order.order_no == "A1")).one()
        line = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
        payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
        assert report.imported == 1
        assert (order.total_fen, order.discount_fen, order.subtotal_fen) == (123410, 500, 123910)
        assert (order.channel, order.source, order.member_id) == ("online", "online_mall", 7)
        assert (line.name, line.total_fen, payment.method, payment.amount_fen) == ("imported", 123910, "wechat", 123410)

    def test_local_time_is_read_in_the_store_timezone_and_an_offset_is_kept(self, session, import_text):
        import_text(
            "orders",
            ORDERS + "A1,2025-07-01 00:30,CO01,offline,own_till,,10,,\n"
            "A2,2025-07-01T00:30:00+00:00,CO01,offline,own_till,,10,,\n",
        )
        a1, a2 = (session.exec(select(Order).where(Order.order_no == no)).one() for no in ("A1", "A2"))
        assert a1.ordered_at == datetime(2025, 6, 30, 16, 30, tzinfo=UTC)
        assert (a1.business_on, a2.business_on) == (date(2025, 7, 1), date(2025, 7, 1))
        assert a2.ordered_at == datetime(2025, 7, 1, 0, 30, tzinfo=UTC)

    def test_imported_orders_are_in_the_kpi_rollups(self, session, mall, import_text):
        import_text("orders", ORDERS + "A1,2025-07-01 10:30,CO01,offline,own_till,,100.00,,\n")
        assert kpi_revenue(session, mall.store.id) == 10000

    def test_the_same_order_number_with_other_amounts_is_a_bad_row(self, import_text):
        import_text("orders", ORDERS + "A1,2025-07-01 10:30,CO01,offline,own_till,,100.00,,\n")
        report = import_text("orders", ORDERS + "A1,2025-07-01 10:30,CO01,offline,own_till,,99.00,,\n")
        assert errors_of(report) == [
            "row 2: order_no: order_no exists with different amounts (total_fen 9900 here, 10000 recorded)"
        ]

    def test_every_bad_order_row_is_reported_with_its_reason(self, import_text):
        text = ORDERS + (
            "B1,2025-07-01 10:30,CO01,offline,own_till,,1.001,,\n"
            "B2,2025-07-01 10:30,WW02,offline,own_till,,1.00,,\n"
            "B3,2099-07-01 10:30,CO01,offline,own_till,,1.00,,\n"
            "B4,yesterday,CO01,offline,own_till,,1.00,,\n"
            "B5,2025-07-01 10:30,CO01,bike,own_till,,1.00,,\n"
            "B6,2025-07-01 10:30,CO01,offline,till,,1.00,,\n"
            "B7,2025-07-01 10:30,XX,offline,own_till,,1.00,,\n"
            "B8,2025-07-01 10:30,CO01,offline,own_till,,-1.00,,\n"
            "B9,2025-07-01 10:30,CO01,offline,own_till,,,,\n"
            "B10,2025-07-01 10:30,CO01,offline,own_till,0,1.00,,\n"
            "B11,2025-07-01 10:30,CO01,offline,own_till,,1.00,,bitcoin\n"
        )
        errors = errors_of(import_text("orders", text))
        assert errors == [
            "row 2: total_yuan: has more than 2 decimals (fen are the smallest unit)",
            "row 3: ordered_at: shop WW02 did not trade on 2025-07-01 (open 2020-01-01 to 2025-06-15)",
            "row 4: ordered_at: 2099-07-01T10:30:00+08:00 is in the future",
            "row 5: ordered_at: 'yesterday' is not a date and time (use YYYY-MM-DD HH:MM[:SS][+08:00])",
            "row 6: channel: 'bike' is not one of live, offline, online, other",
            "row 7: source: 'till' is not one of live_stream, online_mall, own_till, receipt_capture, tenant_declared",
            "row 8: shop_code: unknown shop 'XX' (import shops first)",
            "row 9: total_yuan: must not be negative",
            "row 10: total_fen: is required (or total_yuan)",
            "row 11: member_id: must be at least 1",
            errors[10],
        ]
        assert errors[10].startswith("row 12: payment_method: 'bitcoin' is not one of alipay,")


class TestDailyTotalsFile:
    def test_a_declared_total_is_recorded_with_its_source_and_reaches_the_kpis(self, session, mall, import_text):
        report = import_text("daily-totals", TOTALS + "2025-05-01,CO01,线下,tenant_declared,880000,52,1000\n")
        row = session.exec(select(DailyTotal).where(DailyTotal.store_id == mall.store.id)).one()
        assert (report.imported, row.source, row.revenue_fen, row.orders) == (1, "tenant_declared", 880000, 52)
        assert kpi_revenue(session, mall.store.id) == 880000

    def test_reimporting_is_unchanged_and_a_new_figure_replaces_the_old_one(self, session, mall, import_text):
        import_text("daily-totals", TOTALS + "2025-05-01,CO01,offline,tenant_declared,880000,52,0\n")
        same = import_text("daily-totals", TOTALS + "2025-05-01,CO01,offline,tenant_declared,880000,52,0\n")
        changed = import_text("daily-totals", TOTALS + "2025-05-01,CO01,offline,tenant_declared,900000,52,0\n")
        assert (same.unchanged, changed.imported, kpi_revenue(session, mall.store.id)) == (1, 1, 900000)

    def test_a_day_when_the_shop_was_closed_or_a_negative_count_is_a_bad_row(self, import_text):
        report = import_text(
            "daily-totals",
            TOTALS + "2025-07-01,WW02,offline,tenant_declared,1,1,0\n2025-05-01,CO01,offline,tenant_declared,1,-1,0\n",
        )
        assert errors_of(report) == [
            "row 2: business_on: shop WW02 did not trade on 2025-07-01 (open 2020-01-01 to 2025-06-15)",
            "row 3: orders: must not be negative",
        ]


class TestFootfallFile:
    def test_an_unknown_entrance_is_a_bad_row_and_no_zone_is_made_behind_the_managers_back(
        self, session, mall, import_text
    ):
        report = import_text("footfall", FOOTFALL + "E1,1F,2025-05-01 10:00,60,120,100\n")
        assert errors_of(report) == [
            "row 2: entrance_code: unknown entrance 'E1' (import zones first, or create it on import)"
        ]
        assert session.exec(select(Zone).where(Zone.code == "E1")).first() is None

    def test_asked_to_the_unknown_entrance_with_a_floor_is_created_counted_and_reported(
        self, session, mall, import_text
    ):
        report = import_text(
            "footfall",
            FOOTFALL + "E1,1F,2025-05-01 10:00,60,120,100\nE1,,2025-05-01 11:00,60,80,90\n",
            create_entrances=True,
        )
        zone = session.exec(select(Zone).where(Zone.store_id == mall.store.id, Zone.code == "E1")).one()
        daily = session.exec(select(KpiFootfallDaily).where(KpiFootfallDaily.store_id == mall.store.id)).one()
        assert (report.imported, zone.kind) == (2, ZoneKind.entrance)
        assert report.notes == ["entrance E1 created on floor 1F"]
        assert (daily.business_on, daily.footfall_in) == (date(2025, 5, 1), 200)

    def test_reimporting_counts_changes_nothing(self, session, mall, import_text):
        text = FOOTFALL + "E1,1F,2025-05-01 10:00,60,120,100\n"
        import_text("footfall", text, create_entrances=True)
        received = session.exec(select(FootfallCount.received_at)).one()
        again = import_text("footfall", text)
        assert (again.unchanged, session.exec(select(FootfallCount.received_at)).one()) == (1, received)

    def test_a_corrected_interval_replaces_the_count_and_the_day_total_follows(self, session, mall, import_text):
        import_text("footfall", FOOTFALL + "E1,1F,2025-05-01 10:00,60,120,100\n", create_entrances=True)
        again = import_text("footfall", FOOTFALL + "E1,1F,2025-05-01 10:00,60,150,100\n")
        daily = session.exec(select(KpiFootfallDaily.footfall_in)).one()
        assert (again.imported, session.exec(select(FootfallCount.count_in)).one(), daily) == (1, 150, 150)

    def test_bad_counts_are_reported_by_row(self, import_text):
        report = import_text(
            "footfall",
            FOOTFALL + "E9,,2025-05-01 10:00,60,1,1\nE1,1F,2025-05-01 10:00,90,1,1\n"
            "E1,1F,2025-05-01 11:00,60,-1,1\nE1,1F,2099-01-01 10:00,60,1,1\n",
            create_entrances=True,
        )
        assert errors_of(report) == [
            "row 2: entrance_code: unknown entrance 'E9' (give floor_code to create it)",
            "row 3: interval_minutes: must be at most 60",
            "row 4: count_in: must not be negative",
            "row 5: interval_start: the interval ends in the future",
        ]


class TestDailyFootfall:
    """An old people counter exports one total per entrance and day: a normal import, one whole-day interval."""

    DAILY = "entrance_code,business_on,count_in,count_out\n"

    def test_a_daily_total_is_one_interval_of_the_whole_business_day(self, session, mall, import_text):
        import_text("zones", "zone_code,name,floor_code,kind\nE1,正门,1F,entrance\n")
        report = import_text("footfall", self.DAILY + "E1,2025-05-01,3200,3150\nE1,2025/5/2,2900,2880\n")
        counts = session.exec(select(FootfallCount).order_by(FootfallCount.interval_start)).all()
        daily = session.exec(select(KpiFootfallDaily.business_on, KpiFootfallDaily.footfall_in)).all()
        assert report.imported == 2
        # Midnight in Shanghai is 16:00 UTC the day before; the interval is the whole day, 1,440 minutes.
        assert [(c.interval_start.isoformat(), c.interval_minutes, c.business_on) for c in counts] == [
            ("2025-04-30T16:00:00+00:00", 1440, date(2025, 5, 1)),
            ("2025-05-01T16:00:00+00:00", 1440, date(2025, 5, 2)),
        ]
        assert sorted(daily) == [(date(2025, 5, 1), 3200), (date(2025, 5, 2), 2900)]

    def test_a_day_not_over_yet_is_a_bad_row(self, import_text):
        import_text("zones", "zone_code,name,floor_code,kind\nE1,正门,1F,entrance\n")
        report = import_text("footfall", self.DAILY + "E1,2099-05-01,1,1\n")
        assert errors_of(report) == ["row 2: business_on: the interval ends in the future"]
