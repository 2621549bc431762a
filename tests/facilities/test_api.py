"""The facilities API as a manager and a security guard use it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from store.auth.models import Role
from store.clock import utcnow
from store.facilities import ingest
from tests.factories import facilities as f
from tests.factories.auth import create_user, headers_for

API = "/api/v1/facilities"


def _headers(session: Session, store, role: Role = Role.manager) -> dict[str, str]:
    return headers_for(session, create_user(session, store, role=role))


class TestStatusWall:
    def test_a_silent_device_shows_no_value(self, session: Session, client):
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="AQ-1", zone=zone, stale_after_s=600)
        f.create_device(session, store, code="AQ-2", zone=zone, stale_after_s=600)
        now = utcnow()
        ingest.store_batch(session, [f.reading(store, "AQ-1", now - timedelta(seconds=5), co2_ppm=650)], now=now)
        ingest.store_batch(
            session,
            [f.reading(store, "AQ-2", now - timedelta(minutes=30), co2_ppm=700)],
            now=now - timedelta(minutes=30),
        )
        body = client.get(f"{API}/devices", headers=_headers(session, store, Role.security)).json()
        wall = {row["device"]["code"]: (row["stale"], [v["value"] for v in row["latest"]]) for row in body}
        assert wall == {"AQ-1": (False, [650.0]), "AQ-2": (True, [])}


class TestSurveys:
    def test_a_manager_records_a_survey_and_a_future_date_is_refused(self, session: Session, client):
        store, zone = f.create_store_with_zone(session)
        headers = _headers(session, store)
        today = utcnow().date()
        ok = client.post(
            f"{API}/surveys",
            headers=headers,
            json={"zone_id": zone.id, "surveyed_on": str(today - timedelta(days=1)), "wifi_dbm": -60},
        )
        assert ok.status_code == 201 and ok.json()["recorded_by"]
        bad = client.post(
            f"{API}/surveys", headers=headers, json={"zone_id": zone.id, "surveyed_on": str(today + timedelta(days=2))}
        )
        assert bad.status_code == 400 and "future" in bad.json()["detail"]


class TestCommands:
    def test_a_device_that_takes_no_commands_is_refused(self, session: Session, client):
        store, zone = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="AQ-1", zone=zone)
        response = client.post(
            f"{API}/devices/{device.id}/commands", headers=_headers(session, store), json={"action": "switch_off"}
        )
        assert response.status_code == 400 and "takes no commands" in response.json()["detail"]
