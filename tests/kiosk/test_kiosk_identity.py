"""A kiosk's identity is a signed cookie; its heartbeat counts only when the cookie is bound to the kiosk's own
device, proved with the device key at ``/kiosk/install``: opening ``?kiosk=K1`` in any browser, a typed cookie or
an altered one fakes no heartbeat."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.models import DeviceKind
from store.premises import service as premises_service
from store.wayfinding import service as wayfinding_service
from tests.factories.wayfinding import MappedStore, create_mapped_store, install_kiosk


@pytest.fixture
def mapped(session: Session) -> MappedStore:
    wayfinding_service.clear_caches()
    mapped = create_mapped_store(session)
    if premises_service.default_store(session).id != mapped.store.id:
        pytest.skip("another store was committed earlier in this database")
    return mapped


class TestKioskIdentity:
    def test_opening_the_screen_names_the_kiosk_but_its_beats_do_not_count(self, client: TestClient, session, mapped):
        client.get("/kiosk/?kiosk=K1")
        assert client.cookies["kiosk"] not in ("K1", "") and "." in client.cookies["kiosk"]
        assert 'data-kiosk="K1"' in client.get("/kiosk/search").text  # the usage log knows the kiosk
        assert client.post("/kiosk/beat").status_code == 204
        session.refresh(mapped.kiosk)
        assert not wayfinding_service.is_online(mapped.kiosk)  # any browser can open that URL

    def test_a_screen_installed_with_the_device_key_beats(self, client: TestClient, session, mapped):
        response, device = install_kiosk(client, session, mapped)
        assert response.status_code == 303 and response.headers["location"].startswith("/kiosk/?kiosk=K1")
        client.get("/kiosk/?kiosk=K1")  # reopening the screen's URL keeps the device-bound cookie
        client.post("/kiosk/beat")
        session.refresh(mapped.kiosk)
        assert wayfinding_service.is_online(mapped.kiosk) and mapped.kiosk.device_id == device.id

    def test_a_revoked_device_beats_no_more(self, client: TestClient, session, mapped):
        _response, device = install_kiosk(client, session, mapped)
        auth_service.revoke_device(session, mapped.store.id, device.id)
        session.commit()
        client.post("/kiosk/beat")
        session.refresh(mapped.kiosk)
        assert not wayfinding_service.is_online(mapped.kiosk)

    def test_install_needs_an_active_kiosk_key_of_the_kiosk(self, client: TestClient, session, mapped):
        import re

        store_id = mapped.store.id
        till_key, _ = auth_service.create_device(session, store_id=store_id, kind=DeviceKind.pos_terminal, name="T")
        _response, owner = install_kiosk(client, session, mapped)  # K1 now belongs to this device
        other_key, _ = auth_service.create_device(session, store_id=store_id, kind=DeviceKind.kiosk, name="K")
        session.commit()
        fresh = TestClient(client.app)
        token = re.search(r'name="csrf_token" value="([^"]+)"', fresh.get("/kiosk/install").text).group(1)
        for data, words in (
            ({"kiosk": "K1", "key": "sk_not_a_key"}, "not an active kiosk device"),
            ({"kiosk": "K1", "key": till_key}, "not an active kiosk device"),
            ({"kiosk": "K-NONE", "key": other_key}, "No kiosk with that code"),
            ({"kiosk": "K1", "key": other_key}, "belongs to another device"),
            ({"kiosk": "K1", "key": other_key, "csrf_token": "forged"}, "form expired"),
        ):
            answer = fresh.post("/kiosk/install?lang=en", data={"csrf_token": token, **data}, follow_redirects=False)
            assert answer.status_code == 400 and words in answer.text, data
            assert "kiosk" not in answer.cookies
        fresh.post("/kiosk/beat")
        session.refresh(mapped.kiosk)
        assert mapped.kiosk.device_id == owner.id and not wayfinding_service.is_online(mapped.kiosk)

    def test_a_typed_cookie_fakes_no_heartbeat(self, client: TestClient, session, mapped):
        client.cookies.set("kiosk", "K1")
        assert client.post("/kiosk/beat").status_code == 204
        session.refresh(mapped.kiosk)
        assert not wayfinding_service.is_online(mapped.kiosk)

    def test_an_altered_cookie_names_no_kiosk(self, client: TestClient, session, mapped):
        install_kiosk(client, session, mapped)
        body, _, mac = client.cookies["kiosk"].partition(".")
        client.cookies.clear()
        client.cookies.set("kiosk", body + "." + mac[::-1])
        client.post("/kiosk/beat")
        session.refresh(mapped.kiosk)
        assert not wayfinding_service.is_online(mapped.kiosk)


class TestDeviceHeartbeat:
    def test_a_kiosk_key_beats_only_its_own_kiosk(self, client: TestClient, session, mapped):
        store_id = mapped.store.id
        own_key, own = auth_service.create_device(session, store_id=store_id, kind=DeviceKind.kiosk, name="K1")
        other_key, _ = auth_service.create_device(session, store_id=store_id, kind=DeviceKind.kiosk, name="K2")
        session.commit()
        url = "/api/v1/wayfinding/kiosks/heartbeat"
        assert client.post(url, json={"kiosk": "K1"}, headers={"X-Device-Key": own_key}).status_code == 200
        session.refresh(mapped.kiosk)
        assert mapped.kiosk.device_id == own.id  # the first device to beat binds the kiosk
        mapped.kiosk.last_beat_at = None
        session.add(mapped.kiosk)
        session.commit()
        answer = client.post(url, json={"kiosk": "K1"}, headers={"X-Device-Key": other_key})
        assert answer.status_code == 403 and answer.json()["type"].endswith("kiosk-of-another-device")
        session.refresh(mapped.kiosk)
        assert not wayfinding_service.is_online(mapped.kiosk)
