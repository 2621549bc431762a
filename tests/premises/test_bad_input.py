"""Bad premises input is a 422 naming the field, never a 500, and changes nothing (found by fuzzing the API)."""

from __future__ import annotations

from datetime import time

import pytest
from sqlmodel import select

from store.auth.models import Role
from store.premises.models import OpeningHours
from tests.factories.auth import staff_headers
from tests.factories.premises import create_store

API = "/api/v1/premises"


@pytest.fixture
def manager(session):
    store = create_store(session)
    session.add(OpeningHours(store_id=store.id, weekday=0, opens_at=time(10), closes_at=time(22)))
    headers = staff_headers(session, store, Role.manager)
    session.commit()
    return headers


def _monday(session) -> tuple[time, time]:
    row = session.exec(select(OpeningHours).where(OpeningHours.weekday == 0)).one()
    session.refresh(row)
    return row.opens_at, row.closes_at


class TestOpeningHoursWithAnOffset:
    def test_opening_time_with_an_offset_and_closing_without_is_refused_not_a_500(self, client, session, manager):
        body = {"weekday": 0, "opens_at": "10:00:00Z", "closes_at": "22:00:00"}
        response = client.put(f"{API}/opening-hours", json=body, headers=manager)
        assert response.status_code == 422
        assert "without an offset" in response.json()["detail"]
        assert _monday(session) == (time(10), time(22))

    def test_offsets_on_both_ends_are_refused_rather_than_silently_dropped(self, client, session, manager):
        body = {"weekday": 0, "opens_at": "09:00+08:00", "closes_at": "21:00+08:00"}
        assert client.put(f"{API}/opening-hours", json=body, headers=manager).status_code == 422
        assert _monday(session) == (time(10), time(22))

    def test_opening_hours_read_back_as_the_wall_clock_the_spec_describes(self, client, manager):
        hours = client.get(f"{API}/opening-hours", headers=manager).json()
        assert hours == [{"weekday": 0, "opens_at": "10:00:00", "closes_at": "22:00:00"}]


class TestIdsBeyondWhatIsStored:
    def test_shop_id_past_the_column_is_a_422_not_a_500(self, client, manager):
        response = client.get(f"{API}/shops/{10**20}", headers=manager)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["path", "shop_id"]

    def test_paging_past_what_a_database_can_skip_is_a_422(self, client, manager):
        assert client.get(f"{API}/shops", params={"offset": 10**27}, headers=manager).status_code == 422

    def test_headcount_for_an_impossible_shop_id_is_a_422(self, client, manager):
        body = {"shop_id": 2**31, "effective_on": "2026-01-01", "headcount": 3}
        assert client.put(f"{API}/headcount", json=body, headers=manager).status_code == 422
