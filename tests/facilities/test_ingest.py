"""Messages in, readings, alerts, meter uses and counts out; bad messages counted and dropped."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from store.facilities import ingest
from store.facilities import service as facilities_service
from store.facilities.models import (
    AlertState,
    FacilityAlert,
    FacilityKind,
    FacilityReading,
    FacilityUsage,
)
from tests.factories import facilities as f

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def _values(session: Session, device_id: int, metric: str) -> list[float]:
    rows = session.exec(
        select(FacilityReading.value)
        .where(col(FacilityReading.device_id) == device_id, col(FacilityReading.metric) == metric)
        .order_by(col(FacilityReading.measured_at))
    ).all()
    return list(rows)


class TestBadInput:
    def test_bad_messages_are_counted_and_the_good_ones_kept(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="AQ-1", zone=zone)
        batch = [
            f.raw(store, "AQ-1", b"{not json", NOW),
            f.raw(store, "AQ-1", b"[1, 2]", NOW),
            f.reading(store, "NOPE", NOW, co2_ppm=500),
            f.reading(store, "AQ-1", NOW + timedelta(hours=1), received=NOW, co2_ppm=500),
            f.reading(store, "AQ-1", NOW, co2_ppm=-5),
            f.reading(store, "AQ-1", NOW - timedelta(minutes=1), received=NOW, co2_ppm=640, temp_c=999),
            ingest.Message("other/topic", b"{}", NOW),
        ]
        counts = ingest.store_batch(session, batch, now=NOW)
        assert counts == {
            "bad_json": 2,
            "unknown_device": 1,
            "future": 1,
            "out_of_range": 2,  # the whole -5 message, and the 999 °C of the last one
            "stored": 1,
            "bad_topic": 1,
        }
        assert _values(session, device.id, "co2_ppm") == [640]
        assert _values(session, device.id, "temp_c") == []
        assert facilities_service.ingest_counts(session, NOW.date(), NOW.date() + timedelta(days=1))["bad_json"] == 2

    def test_a_timestamp_without_offset_is_refused(self, session: Session):
        store, _ = f.create_store_with_zone(session)
        f.create_device(session, store, code="AQ-1")
        body = json.dumps({"ts": "2026-06-01T01:00:00", "values": {"co2_ppm": 500}}).encode()
        assert ingest.store_batch(session, [f.raw(store, "AQ-1", body, NOW)], now=NOW) == {"invalid": 1}

    def test_a_redelivered_message_is_stored_once(self, session: Session):
        store, _ = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="AQ-1")
        message = f.reading(store, "AQ-1", NOW, co2_ppm=700)
        ingest.store_batch(session, [message, message], now=NOW)
        ingest.store_batch(session, [message], now=NOW)
        assert _values(session, device.id, "co2_ppm") == [700]


class TestAlerts:
    def _alerts(self, session: Session, device_id: int) -> list[FacilityAlert]:
        return list(session.exec(select(FacilityAlert).where(col(FacilityAlert.device_id) == device_id)).all())

    def test_the_on_delay_survives_a_restart_between_batches(self, session: Session):
        store, _ = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="AQ-1")
        for minute in range(7):  # one batch per minute: each batch is a fresh start of the writer
            at = NOW + timedelta(minutes=minute)
            ingest.store_batch(session, [f.reading(store, "AQ-1", at, co2_ppm=1100)], now=at)
        (alert,) = self._alerts(session, device.id)
        assert alert.state == AlertState.active
        assert alert.raised_at == NOW + timedelta(minutes=5)

    def test_a_hovering_value_raises_one_alert_and_clears_below_the_band(self, session: Session):
        store, _ = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="AQ-1")
        values = [1010] * 6 + [990 + (i * 7) % 21 for i in range(30)] + [940]
        batch = [f.reading(store, "AQ-1", NOW + timedelta(minutes=i), co2_ppm=v) for i, v in enumerate(values)]
        ingest.store_batch(session, batch, now=NOW + timedelta(minutes=len(values)))
        (alert,) = self._alerts(session, device.id)
        assert alert.state == AlertState.cleared
        assert alert.peak == 1010

    def test_a_silent_device_is_stale_alerted_once_and_cleared_by_its_next_message(self, session: Session):
        store, _ = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="AQ-1", stale_after_s=600)
        ingest.store_batch(session, [f.reading(store, "AQ-1", NOW, co2_ppm=700)], now=NOW)
        later = NOW + timedelta(minutes=11)
        (wall,) = facilities_service.status_wall(session, store.id, NOW + timedelta(minutes=1))
        assert wall.latest == {"co2_ppm": (700, NOW)}
        (wall,) = facilities_service.status_wall(session, store.id, later)
        assert wall.stale and wall.latest == {}  # never the last value as if it were live
        assert facilities_service.check_silent(session, later) == 1
        assert facilities_service.check_silent(session, later + timedelta(minutes=5)) == 0
        ingest.store_batch(session, [f.reading(store, "AQ-1", later, co2_ppm=710)], now=later)
        (silent,) = [a for a in self._alerts(session, device.id) if a.rule == "silent"]
        assert silent.state == AlertState.cleared


class TestEnergyAndUsage:
    def test_a_meter_reset_and_a_dip_do_not_book_a_days_use(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="EM-1", kind=FacilityKind.energy_meter, zone=zone)
        totals = [50_000.0, 50_010.0, 49_000.0, 50_020.0, 2.0, 7.0]  # a dip (glitch), then a meter swap
        batch = [f.reading(store, "EM-1", NOW + timedelta(minutes=15 * i), energy_kwh=t) for i, t in enumerate(totals)]
        ingest.store_batch(session, batch, now=NOW + timedelta(hours=2))
        assert _values(session, device.id, "energy_use_kwh") == [10.0, 10.0, 2.0, 5.0]
        day = NOW.date()
        per_floor = facilities_service.energy_per_floor(session, store.id, store.timezone, day, day)
        assert per_floor == {("1F", day): 27.0}

    def test_usage_events_are_stored_once(self, session: Session):
        store, _ = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="MIR-1", kind=FacilityKind.fitting_mirror)
        body = json.dumps({"ts": NOW.isoformat(), "kind": "session", "duration_s": 95}).encode()
        message = f.raw(store, "MIR-1", body, NOW, channel="usage")
        ingest.store_batch(session, [message, message], now=NOW)
        rows = session.exec(select(FacilityUsage).where(col(FacilityUsage.device_id) == device.id)).all()
        assert [(r.kind, r.duration_s) for r in rows] == [("session", 95)]
        bad = f.raw(store, "MIR-1", json.dumps({"kind": "session", "duration_s": -1}).encode(), NOW, "usage")
        assert ingest.store_batch(session, [bad], now=NOW) == {"invalid": 1}
