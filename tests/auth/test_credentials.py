"""One credential per request, and a browser session writes to the API only with its CSRF token (issue 7)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from store.auth import service as auth_service
from store.auth.deps import CSRF_HEADER, SESSION_COOKIE
from store.auth.models import Device, DeviceKind, Role
from store.premises.models import Store
from tests.factories.auth import create_device, create_user, headers_for
from tests.factories.premises import create_store

DEVICES = "/api/v1/auth/devices"


@dataclass
class Office:
    store: Store
    csrf: str  # of the admin's browser session, whose cookie the client carries
    bearer: dict[str, str]
    device_key: str


@pytest.fixture
def office(session: Session, client: TestClient) -> Office:
    store = create_store(session)
    admin = create_user(session, store, role=Role.admin, username="admin-li")
    secret, row = auth_service.start_session(session, admin, 3600)
    key, _device = create_device(session, store, kind=DeviceKind.pos_terminal)
    session.commit()
    client.cookies.set(SESSION_COOKIE, secret)
    return Office(store=store, csrf=row.csrf_token, bearer=headers_for(session, admin), device_key=key)


def device_names(session: Session) -> set[str]:
    return set(session.exec(select(Device.name)).all())


class TestCookieWritesNeedTheCsrfToken:
    def test_creating_a_device_with_only_the_cookie_is_refused_and_creates_nothing(self, client, session, office):
        response = client.post(DEVICES, json={"kind": "kiosk", "name": "Forged kiosk"})
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
        assert CSRF_HEADER in response.json()["detail"]
        assert "Forged kiosk" not in device_names(session)

    def test_revoking_a_device_with_only_the_cookie_is_refused(self, client, session, office):
        device = session.exec(select(Device)).one()
        assert client.post(f"{DEVICES}/{device.id}/revoke").status_code == 403
        session.refresh(device)
        assert device.revoked_at is None

    def test_an_import_with_only_the_cookie_is_refused(self, client, office):
        files = {"file": ("floors.csv", b"code,name,level\n9F,Nine,9\n", "text/csv")}
        assert client.post("/api/v1/imports/floors", files=files).status_code == 403

    def test_a_wrong_token_is_refused(self, client, office):
        response = client.post(DEVICES, json={"kind": "kiosk", "name": "K"}, headers={CSRF_HEADER: "guess"})
        assert response.status_code == 403

    def test_with_the_sessions_token_the_write_goes_through(self, client, session, office):
        response = client.post(
            DEVICES, json={"kind": "kiosk", "name": "Lobby kiosk"}, headers={CSRF_HEADER: office.csrf}
        )
        assert response.status_code == 201
        assert "Lobby kiosk" in device_names(session)

    def test_reads_with_the_cookie_need_no_token(self, client, office):
        assert client.get(DEVICES).status_code == 200


class TestOneCredentialAtATime:
    @pytest.fixture(autouse=True)
    def _no_cookie(self, client, office):
        client.cookies.clear()

    def test_garbage_bearer_beside_a_valid_device_key_is_refused(self, client, office):
        headers = {"Authorization": "Bearer garbage", "X-Device-Key": office.device_key}
        response = client.get("/api/v1/sales/orders", headers=headers)
        assert response.status_code == 400
        assert response.json()["type"].endswith("/ambiguous-credentials")

    def test_a_valid_bearer_beside_a_valid_device_key_is_refused(self, client, office):
        response = client.get("/api/v1/sales/orders", headers={**office.bearer, "X-Device-Key": office.device_key})
        assert response.status_code == 400

    def test_a_session_cookie_beside_a_device_key_is_refused(self, client, session, office):
        secret, _ = auth_service.start_session(session, create_user(session, office.store, role=Role.admin), 3600)
        client.cookies.set(SESSION_COOKIE, secret)
        response = client.get("/api/v1/sales/orders", headers={"X-Device-Key": office.device_key})
        assert response.status_code == 400

    def test_each_credential_alone_still_works(self, client, office):
        assert client.get("/api/v1/sales/orders", headers=office.bearer).status_code == 200
        assert client.get("/api/v1/sales/orders", headers={"X-Device-Key": office.device_key}).status_code == 200

    def test_the_spec_documents_the_400(self, app):
        assert "400" in app.openapi()["paths"]["/api/v1/sales/orders"]["get"]["responses"]


class TestOddTokens:
    def test_a_non_ascii_csrf_header_is_a_403_not_a_500(self, client, office):
        headers = {CSRF_HEADER: "令牌".encode()}
        assert client.post(DEVICES, json={"kind": "kiosk", "name": "K"}, headers=headers).status_code == 403
