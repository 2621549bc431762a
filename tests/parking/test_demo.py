"""The parking demo hook: a car park consistent with the demo store, cheap, with cars in it now and C5 evidence."""

from __future__ import annotations

import time

from sqlmodel import Session, col, select

from store.parking import demo as parking_demo
from store.parking import service as parking_service
from store.parking.models import ParkingSession
from tests.factories.sales import run_demo


class TestDemo:
    def test_a_car_park_with_history_and_cars_now(self, session: Session):
        ctx = run_demo(session, scale=0.05, days=40, with_footfall=False)
        started = time.process_time()
        parking_demo.generate(ctx)
        cpu_s = time.process_time() - started
        store_id = ctx.store_id
        assert parking_service.count_in_lot(session, store_id) == parking_demo.IN_LOT_NOW
        exited = session.exec(select(ParkingSession).where(col(ParkingSession.exited_at).is_not(None))).all()
        assert exited and all(s.exited_at > s.entered_at for s in exited)  # type: ignore[operator]
        assert all(s.entered_at.date() <= ctx.end_on for s in exited)
        placed = [s for s in parking_service.in_lot(session, store_id) if s.space]
        assert placed and all(s.zone_id for s in placed)
        assert len(parking_service.list_gates(session, store_id)) == 4
        print(f"parking demo: {len(exited)} stays, {cpu_s * 1000:.0f} ms CPU")
