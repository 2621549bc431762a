"""A kiosk's identity is a signed cookie set when its screen is opened: a typed cookie fakes no heartbeat."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.premises import service as premises_service
from store.wayfinding import service as wayfinding_service
from tests.factories.wayfinding import MappedStore, create_mapped_store


@pytest.fixture
def mapped(session: Session) -> MappedStore:
    wayfinding_service.clear_caches()
    mapped = create_mapped_store(session)
    if premises_service.default_store(session).id != mapped.store.id:
        pytest.skip("another store was committed earlier in this database")
    return mapped


class TestKioskIdentity:
    def test_opening_the_screen_sets_a_signed_cookie_that_beats(self, client: TestClient, session, mapped):
        client.get("/kiosk/?kiosk=K1")
        assert client.cookies["kiosk"] not in ("K1", "") and "." in client.cookies["kiosk"]
        client.post("/kiosk/beat")
        session.refresh(mapped.kiosk)
        assert wayfinding_service.is_online(mapped.kiosk)

    def test_a_typed_cookie_fakes_no_heartbeat(self, client: TestClient, session, mapped):
        client.cookies.set("kiosk", "K1")
        assert client.post("/kiosk/beat").status_code == 204
        session.refresh(mapped.kiosk)
        assert not wayfinding_service.is_online(mapped.kiosk)

    def test_an_altered_cookie_names_no_kiosk(self, client: TestClient, session, mapped):
        client.get("/kiosk/?kiosk=K1")
        body, _, mac = client.cookies["kiosk"].partition(".")
        client.cookies.clear()
        client.cookies.set("kiosk", body + "." + mac[::-1])
        client.post("/kiosk/beat")
        session.refresh(mapped.kiosk)
        assert not wayfinding_service.is_online(mapped.kiosk)
