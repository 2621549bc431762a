"""Admin calls with ids no column can hold get a 422 naming the field, never a 500 (found by fuzzing the API)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from store.auth.models import Device, Role, StaffUser
from tests.factories.auth import staff_headers
from tests.factories.premises import create_store

API = "/api/v1/auth"
TOO_BIG = 2**31  # one past PostgreSQL's INTEGER


@pytest.fixture
def admin(session):
    headers = staff_headers(session, create_store(session), Role.admin)
    session.commit()
    return headers


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


class TestIdsBeyondWhatIsStored:
    def test_deactivating_an_impossible_user_id_is_a_422(self, client, admin):
        response = client.post(f"{API}/users/{TOO_BIG}/deactivate", headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["path", "user_id"]

    def test_device_for_an_impossible_shop_is_refused_and_not_created(self, client, session, admin):
        before = _count(session, Device)
        body = {"kind": "pos_terminal", "name": "Till 9", "shop_id": TOO_BIG}
        assert client.post(f"{API}/devices", json=body, headers=admin).status_code == 422
        assert _count(session, Device) == before

    def test_tenant_user_for_an_impossible_shop_is_refused_and_not_created(self, client, session, admin):
        before = _count(session, StaffUser)
        body = {"username": "shopgirl", "role": "tenant", "shop_id": TOO_BIG}
        assert client.post(f"{API}/users", json=body, headers=admin).status_code == 422
        assert _count(session, StaffUser) == before
