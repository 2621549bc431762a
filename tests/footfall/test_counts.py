"""Footfall: camera nodes post intervals; a resent interval replaces, bad counts are refused whole."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from store.auth.models import Role
from store.clock import utcnow
from store.footfall import service as footfall_service
from store.footfall.errors import BadCounts
from store.footfall.models import FootfallCount
from store.footfall.schemas import FootfallBatch
from store.premises.models import ZoneKind
from tests.factories.footfall import create_camera, create_zone, interval
from tests.factories.premises import create_floor, create_store
from tests.factories.sales import staff_token

COUNTS = "/api/v1/footfall/counts"
MORNING = datetime(2025, 6, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _rows(session) -> int:
    return session.exec(select(func.count()).select_from(FootfallCount)).one()


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def floor(session, store):
    return create_floor(session, store)


@pytest.fixture
def entrance(session, store, floor):
    return create_zone(session, store, floor)


@pytest.fixture
def camera(session, store):
    return {"X-Device-Key": create_camera(session, store)}


def _batch(*intervals) -> FootfallBatch:
    return FootfallBatch.model_validate({"intervals": list(intervals)})


class TestResentIntervalsReplace:
    def test_correction_replaces_the_earlier_count(self, session, store, entrance):
        footfall_service.record_counts(session, store.id, _batch(interval(entrance, MORNING, 40, 10)))
        footfall_service.record_counts(session, store.id, _batch(interval(entrance, MORNING, 55, 12)))
        assert footfall_service.daily_footfall(session, store.id, date(2025, 6, 3), date(2025, 6, 3)) == {
            date(2025, 6, 3): 55
        }
        assert _rows(session) == 1

    def test_store_footfall_rollup_follows_the_correction(self, session, store, entrance):
        from store.kpi.models import KpiFootfallDaily

        footfall_service.record_counts(session, store.id, _batch(interval(entrance, MORNING, 40)))
        footfall_service.record_counts(session, store.id, _batch(interval(entrance, MORNING, 31)))
        rollup = session.exec(select(KpiFootfallDaily).where(KpiFootfallDaily.store_id == store.id)).one()
        assert (rollup.business_on, rollup.footfall_in) == (date(2025, 6, 3), 31)

    def test_late_interval_joins_the_day(self, session, store, entrance):
        footfall_service.record_counts(session, store.id, _batch(interval(entrance, MORNING, 40)))
        late = interval(entrance, MORNING - timedelta(minutes=15), 25)
        footfall_service.record_counts(session, store.id, _batch(late))
        assert (
            footfall_service.daily_footfall(session, store.id, date(2025, 6, 3), date(2025, 6, 3))[date(2025, 6, 3)]
            == 65
        )

    def test_camera_retry_through_the_api_counts_once(self, client, session, entrance, camera):
        headers = {**camera, "Idempotency-Key": "cam-1-0600"}
        body = {"intervals": [interval(entrance, MORNING, 30, 5)]}
        first = client.post(COUNTS, json=body, headers=headers)
        again = client.post(COUNTS, json=body, headers=headers)
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
        resent = client.post(COUNTS, json=body, headers=camera)  # without a key: replaced, not doubled
        assert resent.json()["replaced"] == 1
        assert _rows(session) == 1


class TestBadCountsAreRefused:
    def test_negative_counts_are_named(self, session, store, entrance):
        with pytest.raises(BadCounts) as caught:
            footfall_service.record_counts(session, store.id, _batch(interval(entrance, MORNING, -3, -1)))
        assert {e["loc"][-1] for e in caught.value.errors} == {"count_in", "count_out"}
        assert _rows(session) == 0

    def test_interval_in_the_future_is_refused(self, client, session, entrance, camera):
        ahead = utcnow() + timedelta(hours=1)
        good = interval(entrance, MORNING, 10)
        response = client.post(COUNTS, json={"intervals": [good, interval(entrance, ahead, 10)]}, headers=camera)
        assert response.status_code == 400
        assert response.json()["errors"][0]["loc"] == ["intervals", 1, "interval_start"]
        assert _rows(session) == 0

    def test_interval_length_must_be_1_to_60_minutes(self, session, store, entrance):
        with pytest.raises(BadCounts, match="1..60"):
            footfall_service.record_counts(session, store.id, _batch(interval(entrance, MORNING, 5, minutes=90)))

    def test_counts_only_at_entrances(self, session, store, floor):
        atrium = create_zone(session, store, floor, kind=ZoneKind.atrium)
        with pytest.raises(BadCounts, match="not an entrance"):
            footfall_service.record_counts(session, store.id, _batch(interval(atrium, MORNING, 5)))

    def test_cashier_cannot_post_counts(self, client, session, store, entrance):
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.cashier)}"}
        assert client.post(COUNTS, json={"intervals": []}, headers=headers).status_code == 403


class TestReadingCounts:
    def test_manager_reads_one_entrance_for_one_day(self, client, session, store, floor, entrance, camera):
        other = create_zone(session, store, floor)
        body = {
            "intervals": [
                interval(entrance, MORNING, 8),
                interval(other, MORNING, 9),
                interval(entrance, MORNING - timedelta(days=1), 7),
            ]
        }
        client.post(COUNTS, json=body, headers=camera)
        headers = {"Authorization": f"Bearer {staff_token(session, store.id, Role.manager)}"}
        page = client.get(COUNTS, params={"zone_id": entrance.id, "day": "2025-06-03"}, headers=headers).json()
        assert page["total"] == 1 and page["items"][0]["count_in"] == 8


class TestOccupancy:
    def test_reading_is_stored_and_replaced_when_resent(self, client, session, store, floor, camera):
        atrium = create_zone(session, store, floor, kind=ZoneKind.atrium)
        reading = {"zone_id": atrium.id, "measured_at": MORNING.isoformat(), "people": 120}
        client.post("/api/v1/footfall/occupancy", json={"readings": [reading]}, headers=camera)
        response = client.post(
            "/api/v1/footfall/occupancy", json={"readings": [{**reading, "people": 90}]}, headers=camera
        )
        assert response.status_code == 200
        assert response.json()[0]["people"] == 90

    def test_negative_people_are_refused(self, client, store, entrance, camera):
        reading = {"zone_id": entrance.id, "measured_at": MORNING.isoformat(), "people": -1}
        response = client.post("/api/v1/footfall/occupancy", json={"readings": [reading]}, headers=camera)
        assert response.status_code == 400
