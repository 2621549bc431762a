"""Re-parsing history after a template fix, coverage with receipt-number gaps, reconciliation, alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from store.capture import coverage, monitor
from store.capture import service as capture_service
from store.capture.schemas import HeartbeatIn
from store.capture.templates import ZH_BASIC
from store.sales import service as sales_service
from store.sales.schemas import DailyTotalIn
from tests.factories.capture import create_box, create_template, job_in, receipt
from tests.factories.premises import create_floor, create_shop, create_store

DAY = date(2026, 11, 30)


@pytest.fixture
def shop(session: Session):  # type: ignore[no-untyped-def]
    store = create_store(session)
    return create_shop(session, store, create_floor(session, store))


class TestReparse:
    def test_fixed_template_reparses_history_shows_the_change_and_posts_once(self, session: Session, shop) -> None:
        _, box = create_box(session, shop)
        broken = create_template(session, shop, spec=ZH_BASIC.model_copy(update={"receipt_no": r"票据号:\s*(\S+)"}))
        for n in range(3):
            job, _ = capture_service.record_job(session, box, job_in(receipt(f"R-{n}"), seq=n))
            assert (job.status, job.kind) == ("review", "unparsed")
        assert "receipt_no" in job.reason
        fixed = create_template(session, shop)  # the same shop: the template changes, its version goes up
        assert (fixed.id, fixed.version) == (broken.id, 2)
        preview = capture_service.reparse(session, shop.store_id, fixed.id, apply=False)
        assert [(r.before_kind, r.after.kind, r.after.total_fen, r.changed) for r in preview] == [
            ("unparsed", "sale", 49700, True)
        ] * 3
        assert capture_service.list_jobs(session, shop.store_id, status="review")  # nothing applied yet
        capture_service.reparse(session, shop.store_id, fixed.id, apply=True)
        capture_service.reparse(session, shop.store_id, fixed.id, apply=True)  # again: nothing posted twice
        assert capture_service.list_jobs(session, shop.store_id, status="review") == []
        _, total = sales_service.list_orders(session, _Viewer(shop.store_id), shop_id=shop.id, limit=50, offset=0)
        assert total == 3


class _Viewer:
    def __init__(self, store_id: int) -> None:
        self.store_id, self.shop_id = store_id, None

    def can_see_shop(self, shop_id: int) -> bool:
        return True


class TestCoverage:
    def test_receipt_number_gaps_are_in_the_shops_row(self, session: Session, shop) -> None:
        _, box = create_box(session, shop)
        create_template(session, shop)
        for seq, number in enumerate(["B-0778", "B-0779", "B-0781"]):
            capture_service.record_job(session, box, job_in(receipt(number), seq=seq))
        (row,) = coverage.coverage(session, shop.store_id, DAY, DAY)
        assert (row.covered, row.captured_sales, row.till_sales) == (True, True, False)
        assert (row.gaps.seen, row.gaps.span, row.gaps.missing) == (3, 4, ["B-0780"])

    def test_a_shop_only_declaring_totals_is_not_covered(self, session: Session, shop) -> None:
        sales_service.record_daily_total(
            session, shop.store_id, DailyTotalIn(shop_id=shop.id, business_on=DAY, revenue_fen=100_000, orders=10)
        )
        (row,) = coverage.coverage(session, shop.store_id, DAY, DAY)
        assert row.covered is False


class TestReconciliation:
    def test_captured_against_declared_is_flagged_when_they_differ(self, session: Session, shop) -> None:
        _, box = create_box(session, shop)
        create_template(session, shop)
        capture_service.record_job(session, box, job_in(receipt("X-1")))
        sales_service.record_daily_total(
            session, shop.store_id, DailyTotalIn(shop_id=shop.id, business_on=DAY, revenue_fen=40_000, orders=1)
        )
        (row,) = coverage.reconciliation(session, shop.store_id, DAY)
        assert (row.captured_fen, row.declared_fen, row.till_fen) == (49_700, 40_000, 0)
        assert row.flags == ["captured≠declared"]


class TestAlerts:
    def test_silent_box_raises_then_clears_on_heartbeat(self, session: Session, shop) -> None:
        _, box = create_box(session, shop)
        now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
        capture_service.heartbeat(session, box, HeartbeatIn(), now=now - timedelta(minutes=6))
        raised = monitor.check(session, shop.store_id, now)
        assert [a.rule for a in raised] == ["heartbeat_lost"]
        assert monitor.check(session, shop.store_id, now) == []  # raised once, not every minute
        capture_service.heartbeat(session, box, HeartbeatIn(), now=now)
        monitor.check(session, shop.store_id, now)
        assert monitor.open_alerts(session, shop.store_id) == []

    def test_heartbeat_without_receipts_in_usual_hours_raises_its_own_alert(self, session: Session, shop) -> None:
        _, box = create_box(session, shop)
        create_template(session, shop)
        for day in range(5):  # receipts at 14:xx and 15:xx local (06–07 UTC) on five days
            for hour in (6, 7):
                at = datetime(2026, 11, 20 + day, hour, 10, tzinfo=UTC)
                capture_service.record_job(session, box, job_in(receipt(f"H{day}{hour}"), seq=day * 10 + hour, at=at))
        now = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # 15:30 in Shanghai, nothing since the 24th
        capture_service.heartbeat(session, box, HeartbeatIn(), now=now)
        assert [a.rule for a in monitor.check(session, shop.store_id, now)] == ["no_receipts"]

    def test_template_health_drop_raises_an_alert(self, session: Session, shop) -> None:
        _, box = create_box(session, shop)
        create_template(session, shop)
        now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
        capture_service.heartbeat(session, box, HeartbeatIn(), now=now)
        for n in range(20):  # the till's update: from the 11th receipt the total line reads differently
            data = (
                receipt(f"U-{n}") if n < 10 else receipt(f"U-{n}").replace("合计".encode("gbk"), "总额".encode("gbk"))
            )
            capture_service.record_job(session, box, job_in(data, seq=n, at=now - timedelta(minutes=30 - n)))
        assert "health_drop" in [a.rule for a in monitor.check(session, shop.store_id, now)]
