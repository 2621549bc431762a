"""C1 on real rows: a placed kiosk with heartbeats and guide use in the window earns 5; silence earns 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from store.assessment import service as assessment_service
from store.wayfinding.models import KioskEvent, KioskFunction
from tests.factories.wayfinding import create_mapped_store

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)
IN_WINDOW = datetime(2025, 9, 20, 3, 0, tzinfo=UTC)


def _c1(session: Session, store_id: int):
    report = assessment_service.assess(session, store_id, period_from="2025-08", period_to="2025-09", now=NOW)
    return next(r for r in report.indicators if r.id == "C1")


class TestC1Evaluator:
    def test_a_kiosk_at_the_entrance_online_and_used_earns_five(self, session: Session):
        mapped = create_mapped_store(session)
        for function, minutes in ((KioskFunction.heartbeat, 0), (KioskFunction.search, 5), (KioskFunction.route, 7)):
            at = IN_WINDOW + timedelta(minutes=minutes)
            session.add(KioskEvent(store_id=mapped.store.id, kiosk_id=mapped.kiosk.id, function=function, at=at))
        session.flush()
        row = _c1(session, mapped.store.id)
        figures = {f.name: f.value for f in row.figures}
        assert row.points == 5 and row.status == "measured"
        assert figures["at_entrance"] == 1 and figures["online"] == 1 and figures["uses_search"] == 1

    def test_use_outside_the_window_and_no_heartbeat_earn_nothing(self, session: Session):
        mapped = create_mapped_store(session)
        old = IN_WINDOW - timedelta(days=200)
        session.add(
            KioskEvent(store_id=mapped.store.id, kiosk_id=mapped.kiosk.id, function=KioskFunction.search, at=old)
        )
        session.add(
            KioskEvent(store_id=mapped.store.id, kiosk_id=mapped.kiosk.id, function=KioskFunction.search, at=IN_WINDOW)
        )
        session.flush()
        row = _c1(session, mapped.store.id)
        assert row.points == 0 and "heartbeat" in row.missing
