"""F2 智能感知设施 counts an entrance whose sensor of the facilities register reports over MQTT, next to the
vision cameras; a sensor gone silent counts no more."""

from __future__ import annotations

from datetime import timedelta

from store.facilities import ingest
from store.facilities.models import FacilityKind
from tests.facilities.test_evaluators import NOW, _row
from tests.factories import facilities as f
from tests.factories import footfall as footfall_factory
from tests.factories import premises


class TestF2Sensors:
    def test_an_entrance_sensor_reporting_over_mqtt_counts_and_a_silent_one_does_not(self, session):
        store = premises.create_store(session)
        floor = premises.create_floor(session, store)
        zones = [footfall_factory.create_zone(session, store, floor) for _ in range(2)]
        for i, zone in enumerate(zones):
            f.create_device(session, store, code=f"PC-{i}", kind=FacilityKind.sensor, zone=zone, stale_after_s=600)
        assert _row(session, store, "F2").points == 0

        def heard(code: str, ago: timedelta) -> None:
            at = NOW - ago
            ingest.store_batch(session, [f.raw(store, code, b"{}", at, "heartbeat")], now=at)

        heard("PC-0", timedelta(minutes=1))
        heard("PC-1", timedelta(minutes=30))  # past its 10-minute timeout: stale
        figures = {x.name: x.value for x in _row(session, store, "F2").figures}
        assert (figures["entrances_reporting"], figures["entrances_silent"]) == (1, zones[1].code)
        heard("PC-1", timedelta(minutes=1))
        row = _row(session, store, "F2")
        assert row.points == 4 and {x.name: x.value for x in row.figures}["entrances_reporting"] == 2
