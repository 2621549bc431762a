"""C4 on real rows: rentals by member code in the window and a vending machine's usage earn one point a kind;
a rental before the window earns nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from store.assessment import service as assessment_service
from store.facilities import ingest
from store.rentals import service
from store.rentals.models import AssetKind, StationKind
from tests.factories.members import create_member
from tests.factories.premises import create_store
from tests.factories.rentals import create_asset, create_station, member_code

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)
IN_WINDOW = datetime(2025, 9, 20, 3, 0, tzinfo=UTC)


def _c4(session: Session, store_id: int):
    report = assessment_service.assess(session, store_id, period_from="2025-08", period_to="2025-09", now=NOW)
    return next(r for r in report.indicators if r.id == "C4")


class TestC4Evaluator:
    def test_kinds_used_in_the_window_earn_a_point_each(self, session: Session):
        store = create_store(session)
        create_station(session, store)
        create_station(session, store, code="VEND", kind=StationKind.vending)
        create_asset(session, store, code="WC01", kind=AssetKind.wheelchair)
        create_asset(session, store, code="ST01", kind=AssetKind.stroller)
        member = create_member(session, store)
        service.rent(session, store.id, "WC01", member_code(member, IN_WINDOW), now=IN_WINDOW)
        old = IN_WINDOW - timedelta(days=200)
        service.rent(session, store.id, "ST01", member_code(create_member(session, store), old), now=old)
        usage = ingest.Message(ingest.topic(store.code, "VEND", "usage"), b'{"kind": "session"}', IN_WINDOW)
        ingest.store_batch(session, [usage], now=IN_WINDOW)
        row = _c4(session, store.id)
        figures = {f.name: f.value for f in row.figures}
        assert row.points == 2 and row.status == "measured"
        assert (figures["uses_wheelchair"], figures["uses_vending"], figures["uses_stroller"]) == (1, 1, 0)
        assert "婴儿车" in row.missing

    def test_no_station_earns_nothing(self, session: Session):
        row = _c4(session, create_store(session).id)
        assert row.points == 0 and "自助租借" in row.missing
