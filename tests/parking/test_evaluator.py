"""C5 on real rows: stays from the gates and a find or a QR payment in the window earn 5; old use earns 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from store.assessment import service as assessment_service
from store.parking import service as parking_service
from store.parking.models import Direction, ParkingLookup
from store.payments.models import PaymentOrder
from store.payments.schemas import PaymentStatus

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)
IN_WINDOW = datetime(2025, 9, 20, 3, 0, tzinfo=UTC)


def _c5(session: Session, store_id: int):
    report = assessment_service.assess(session, store_id, period_from="2025-08", period_to="2025-09", now=NOW)
    return next(r for r in report.indicators if r.id == "C5")


def _enter(session: Session, park, at: datetime) -> None:
    parking_service.record_gate_event(
        session, park.store.id, gate_code="G-IN", direction=Direction.entry, raw_plate="沪A12345", at=at
    )


class TestC5Evaluator:
    def test_stays_and_a_find_in_the_window_earn_five(self, session: Session, park):
        _enter(session, park, IN_WINDOW)
        session.add(ParkingLookup(store_id=park.store.id, at=IN_WINDOW, channel="kiosk", found=True))
        session.flush()
        row = _c5(session, park.store.id)
        figures = {f.name: f.value for f in row.figures}
        assert row.points == 5 and row.status == "measured"
        assert (figures["gates"], figures["stays"], figures["finds"], figures["qr_payments"]) == (2, 1, 1, 0)

    def test_a_qr_payment_counts_too(self, session: Session, park):
        _enter(session, park, IN_WINDOW)
        session.add(
            PaymentOrder(
                store_id=park.store.id,
                payment_no="P1",
                purpose="parking",
                reference="PK1-0",
                amount_fen=1_000,
                method="wechat",
                network="simulator",
                status=PaymentStatus.paid,
                created_at=IN_WINDOW,
            )
        )
        session.flush()
        assert _c5(session, park.store.id).points == 5

    def test_use_before_the_window_and_missed_lookups_earn_nothing(self, session: Session, park):
        _enter(session, park, IN_WINDOW)
        old = IN_WINDOW - timedelta(days=60)
        session.add(ParkingLookup(store_id=park.store.id, at=old, channel="kiosk", found=True))
        session.add(ParkingLookup(store_id=park.store.id, at=IN_WINDOW, channel="phone", found=False))
        session.flush()
        row = _c5(session, park.store.id)
        assert row.points == 0 and "recorded use" in row.missing
