"""A camera sending numbers no column can hold gets a 422 naming the field, never a 500; nothing is written.

Found by fuzzing the API: 3,000,000,000 people in a zone failed inside PostgreSQL (a 32-bit INTEGER).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from store.clock import utcnow
from store.footfall.models import FootfallCount, FootfallOccupancy
from tests.factories.footfall import create_camera, create_zone, interval
from tests.factories.premises import create_floor, create_store

API = "/api/v1/footfall"
TOO_BIG = 2**31


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def entrance(session, store):
    return create_zone(session, store, create_floor(session, store))


@pytest.fixture
def camera(session, store, entrance):
    headers = {"X-Device-Key": create_camera(session, store)}
    session.commit()
    return headers


def _rows(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


class TestCountsBeyondWhatIsStored:
    def test_occupancy_of_billions_is_refused_and_not_written(self, client, session, entrance, camera):
        reading = {"zone_id": entrance.id, "measured_at": utcnow().isoformat(), "people": TOO_BIG}
        response = client.post(f"{API}/occupancy", json={"readings": [reading]}, headers=camera)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "readings", 0, "people"]
        assert _rows(session, FootfallOccupancy) == 0

    def test_interval_count_past_the_column_is_refused_and_not_written(self, client, session, entrance, camera):
        start = (utcnow() - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        body = {"intervals": [interval(entrance, start, count_in=TOO_BIG)]}
        response = client.post(f"{API}/counts", json=body, headers=camera)
        assert response.status_code == 422
        assert _rows(session, FootfallCount) == 0
