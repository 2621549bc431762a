"""F1 (surveys), F5, C3, M1 and M3 on real rows: measured from what devices and modules sent in the period."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from store.assessment.evaluators import EVALUATORS
from store.assessment.evaluators.context import EvalContext, Period
from store.facilities import ingest
from store.facilities import service as facilities_service
from store.facilities.models import FacilityKind
from tests.factories import facilities as f
from tests.factories import footfall as footfall_factory
from tests.factories import premises

PERIOD = Period(date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 31), date(2026, 6, 10))
NOW = datetime(2026, 6, 10, 4, tzinfo=UTC)


def _row(session: Session, store, indicator: str):
    return EVALUATORS[indicator](EvalContext(session=session, store=store, period=PERIOD, now=NOW))


def _send(session: Session, store, device: str, at: datetime, channel: str = "reading", **body) -> None:
    body.setdefault("ts", at.isoformat())
    message = ingest.Message(ingest.topic(store.code, device, channel), json.dumps(body).encode(), at)
    assert ingest.store_batch(session, [message], now=at)["stored"] == 1


class TestF5:
    def test_an_air_monitor_reporting_in_the_last_30_days_earns_four(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="AQ-1", zone=zone)
        assert _row(session, store, "F5").points == 0
        _send(session, store, "AQ-1", datetime(2026, 5, 2, 1, tzinfo=UTC), values={"co2_ppm": 600})  # day 30 back
        row = _row(session, store, "F5")
        assert (row.points, row.status) == (4, "measured")
        assert {fig.name: fig.value for fig in row.figures}["reporting_air_quality"] == 1

    def test_a_device_that_stopped_before_the_window_earns_nothing(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="AQ-1", zone=zone)
        _send(session, store, "AQ-1", datetime(2026, 4, 30, 1, tzinfo=UTC), values={"co2_ppm": 600})  # day 31 back
        assert _row(session, store, "F5").points == 0


class TestC3:
    def test_each_kind_with_usage_events_earns_a_point(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        at = datetime(2026, 5, 20, 6, tzinfo=UTC)
        for code, kind in (
            ("MIR-1", FacilityKind.fitting_mirror),
            ("MIR-2", FacilityKind.fitting_mirror),
            ("SH-1", FacilityKind.smart_shelf),
            ("LED-1", FacilityKind.led_touch_screen),
        ):
            f.create_device(session, store, code=code, kind=kind, zone=zone)
        _send(session, store, "MIR-1", at, "usage", kind="session", duration_s=60)
        _send(session, store, "MIR-2", at, "usage", kind="session", duration_s=60)
        _send(session, store, "SH-1", at, "usage", kind="interaction")
        _send(session, store, "LED-1", at, "heartbeat")  # a heartbeat is not a use
        row = _row(session, store, "C3")
        assert row.points == 2
        assert "LED" in row.missing


class TestF1:
    def _survey(self, session, store, zone, on: date, **kw):
        figures = {"wifi_dbm": -60, "wifi_mbps": 50.0, "g5_dbm": -90, "g5_mbps": 300.0, "other_signal": False}
        figures.update(kw)
        facilities_service.add_survey(
            session, store.id, zone_id=zone.id, surveyed_on=on, recorded_by="t", today=NOW.date(), **figures
        )

    def test_the_latest_survey_of_every_zone_counts(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        other = footfall_factory.create_zone(session, store, premises.create_floor(session, store, code="2F", level=2))
        self._survey(session, store, zone, date(2026, 3, 1), g5_dbm=None)
        self._survey(session, store, zone, date(2026, 5, 1))  # 5G came: the newer survey wins
        assert _row(session, store, "F1").points == 0  # the second zone is not surveyed
        self._survey(session, store, other, date(2026, 5, 2))
        self._survey(session, store, other, date(2026, 6, 5), wifi_dbm=None)  # after the period: not read
        row = _row(session, store, "F1")
        assert (row.points, row.status) == (4, "measured")
        assert "-80 dBm" in row.rule

    def test_without_surveys_the_evidence_register_is_read(self, session: Session):
        store, _ = f.create_store_with_zone(session)
        assert _row(session, store, "F1").status == "not_measured"


class TestPlatform:
    def test_m1_measures_an_acknowledged_alert_as_a_paperless_workflow(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="EL-1", kind=FacilityKind.electrical_monitor, zone=zone)
        at = datetime(2026, 5, 20, 6, tzinfo=UTC)
        _send(session, store, "EL-1", at, values={"leak_ma": 45})
        (alert,) = facilities_service.list_alerts(session, store.id)
        assert _row(session, store, "M1").points == 0
        facilities_service.acknowledge_alert(session, store.id, alert.id, by="mgr", now=at + timedelta(minutes=3))
        row = _row(session, store, "M1")
        assert (row.points, row.status) == (2, "measured")
        values = {fig.name: fig.value for fig in row.figures}
        assert values["alert_acknowledgements"] == 1
        assert values["price_approvals"] == 0  # wired, with no price change decided in the window

    def test_m3_counts_modules_with_data_in_the_window(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="AQ-1", zone=zone)
        premises.create_shop(session, store, opened_on=date(2025, 1, 1))
        _send(session, store, "AQ-1", datetime(2026, 5, 20, 6, tzinfo=UTC), values={"co2_ppm": 600})
        row = _row(session, store, "M3")
        assert row.points == 2  # merchants and safety (facilities readings)
        assert "supply chain" in row.missing
