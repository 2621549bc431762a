"""The operations dashboard: a stale sensor shows no value, alerts and energy are listed, a survey is saved."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.clock import utcnow
from store.facilities import ingest
from store.facilities.models import FacilityKind
from tests.admin.conftest import Premises, field_error, sign_in, store_today
from tests.factories import facilities as f
from tests.factories.footfall import create_zone


class TestDashboard:
    def test_wall_alerts_energy_and_integration(self, client: TestClient, session: Session, premises: Premises):
        store = premises.store
        zone = create_zone(session, store, premises.floors["1F"])
        f.create_device(session, store, code="AQ-LIVE", zone=zone)
        f.create_device(session, store, code="AQ-DEAD", zone=zone, stale_after_s=600)
        f.create_device(session, store, code="EM-1", zone=zone, kind=FacilityKind.energy_meter)
        now = utcnow()
        old = now - timedelta(hours=2)
        ingest.store_batch(session, [f.reading(store, "AQ-DEAD", old, co2_ppm=777)], now=old)
        batch = [f.reading(store, "AQ-LIVE", now - timedelta(minutes=6 - i), co2_ppm=1400) for i in range(6)]
        batch += [f.reading(store, "EM-1", now - timedelta(minutes=30), energy_kwh=100.0)]
        batch += [f.reading(store, "EM-1", now - timedelta(minutes=1), energy_kwh=112.5)]
        ingest.store_batch(session, batch, now=now)
        sign_in(client, session, premises.manager)
        html = client.get("/admin/facilities?lang=en").text
        assert "co2_ppm 1400" in html and "777" not in html  # the silent sensor's last value is not shown
        assert "Stale" in html and "CO₂ above limit" in html and "Energy meter" in html and "energy_meter" not in html
        assert "12.5" in html  # the floor's energy today
        assert "Not in this build" in html  # supply chain

    def test_a_failed_backup_is_shown_until_a_good_one_follows(self, client, session, premises):
        from datetime import UTC, datetime

        from tests.factories import backup

        backup.record_backup(session, at=datetime(2026, 5, 1, tzinfo=UTC))
        failed = backup.record_backup(session, at=datetime(2026, 5, 2, tzinfo=UTC), ok=False)
        failed.check = "PermissionError: /mnt/nas"
        session.add(failed)
        session.flush()
        sign_in(client, session, premises.manager)
        assert "PermissionError: /mnt/nas" in client.get("/admin/facilities?lang=en").text
        backup.record_backup(session, at=datetime(2026, 5, 3, tzinfo=UTC))
        assert "PermissionError" not in client.get("/admin/facilities?lang=en").text

    def test_security_sees_the_page_without_the_survey_form(self, client, session, premises):
        from store.auth.models import Role
        from tests.factories.auth import create_user

        sign_in(client, session, create_user(session, premises.store, role=Role.security))
        html = client.get("/admin/facilities").text
        assert "设施运维" in html and 'action="/admin/facilities/surveys"' not in html


class TestSurveyForm:
    def test_a_survey_is_saved_and_a_future_day_is_shown_beside_its_field(self, client, session, premises):
        zone = create_zone(session, premises.store, premises.floors["1F"])
        csrf = sign_in(client, session, premises.manager)
        day = store_today(premises)
        data = {
            "zone_id": str(zone.id),
            "surveyed_on": str(day),
            "wifi_dbm": "-62",
            "wifi_mbps": "80",
            "csrf_token": csrf,
        }
        saved = client.post("/admin/facilities/surveys", data=data)
        assert saved.url.path == "/admin/facilities" and "-62" in saved.text
        bad = client.post("/admin/facilities/surveys", data=data | {"surveyed_on": str(day + timedelta(days=3))})
        assert bad.status_code == 400 and "future" in field_error(bad.text, "surveyed_on")
        worse = client.post("/admin/facilities/surveys", data=data | {"wifi_dbm": "12"})
        assert worse.status_code == 400 and field_error(worse.text, "wifi_dbm")
