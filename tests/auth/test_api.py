"""The auth API: tokens for scripts and mini-programs, who am I, users and devices for admins."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from store.auth import service as auth_service
from store.auth.deps import SESSION_COOKIE
from store.auth.models import Device, DeviceKind, Role, StaffUser
from store.premises.models import Shop, Store
from tests.factories.auth import PASSWORD, create_user, expire_session, headers_for, staff_headers
from tests.factories.premises import create_shop, create_store

API = "/api/v1/auth"


@dataclass
class Office:
    store: Store
    shop: Shop
    admin: dict[str, str]
    manager: dict[str, str]


@pytest.fixture
def office(session: Session) -> Office:
    store = create_store(session)
    create_user(session, store, username="li.na", role=Role.cashier)
    office = Office(
        store,
        create_shop(session, store),
        staff_headers(session, store, Role.admin),
        staff_headers(session, store, Role.manager),
    )
    session.commit()
    return office


class TestToken:
    def test_password_buys_a_token_that_signs_requests(self, client, office):
        response = client.post(f"{API}/token", json={"username": "li.na", "password": PASSWORD})
        token = response.json()["access_token"]
        me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert (me["username"], me["role"]) == ("li.na", "cashier")

    def test_wrong_password_is_401_with_a_clear_message(self, client, office):
        response = client.post(f"{API}/token", json={"username": "li.na", "password": "not-my-password"})
        assert response.status_code == 401
        assert response.json()["detail"] == "wrong username or password"

    def test_logout_revokes_the_token(self, client, office):
        assert client.post(f"{API}/logout", headers=office.manager).status_code == 204
        response = client.get(f"{API}/me", headers=office.manager)
        assert (response.status_code, response.json()["detail"]) == (401, "invalid or expired token")


class TestBrowserSession:
    def test_signed_in_cookie_reaches_the_api(self, client, session, office):
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600)
        session.commit()
        client.cookies.set(SESSION_COOKIE, secret)
        assert client.get(f"{API}/me").json()["username"] == "li.na"

    def test_expired_session_reads_as_signed_out(self, client, session, office):
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600)
        expire_session(session, secret)
        session.commit()
        client.cookies.set(SESSION_COOKIE, secret)
        response = client.get(f"{API}/me")
        assert (response.status_code, response.json()["detail"]) == (401, "sign in or send an API token")


class TestUsers:
    def test_admin_creates_a_user_and_sees_the_generated_password_once(self, client, session, office):
        response = client.post(f"{API}/users", json={"username": "chen.yu", "role": "marketing"}, headers=office.admin)
        password = response.json()["password"]
        stored = session.exec(select(StaffUser).where(StaffUser.username == "chen.yu")).one()
        assert len(password) >= 16 and password not in stored.password_hash
        listed = client.get(f"{API}/users", headers=office.admin).json()
        assert "password" not in next(u for u in listed if u["username"] == "chen.yu")
        assert client.post(f"{API}/token", json={"username": "chen.yu", "password": password}).status_code == 200

    def test_tenant_staff_without_a_shop_is_refused(self, client, session, office):
        response = client.post(f"{API}/users", json={"username": "shop.girl", "role": "tenant"}, headers=office.admin)
        assert (response.status_code, response.json()["detail"]) == (400, "tenant staff must belong to a shop")
        assert session.exec(select(StaffUser).where(StaffUser.username == "shop.girl")).first() is None

    def test_manager_may_not_manage_users(self, client, office):
        response = client.post(f"{API}/users", json={"username": "x.y.z", "role": "admin"}, headers=office.manager)
        assert response.status_code == 403

    def test_deactivated_user_is_signed_out(self, client, session, office):
        user = create_user(session, office.store, username="leaver")
        headers = headers_for(session, user)
        session.commit()
        assert client.post(f"{API}/users/{user.id}/deactivate", headers=office.admin).json()["is_active"] is False
        assert client.get(f"{API}/me", headers=headers).status_code == 401


class TestDevices:
    def test_admin_registers_a_till_and_sees_its_key_once(self, client, session, office):
        body = {"kind": "pos_terminal", "name": "Till 1", "shop_id": office.shop.id}
        created = client.post(f"{API}/devices", json=body, headers=office.admin).json()
        device = session.get(Device, created["id"])
        assert device.key_hash == auth_service.digest(created["api_key"])
        listed = client.get(f"{API}/devices", headers=office.admin).json()
        assert "api_key" not in listed[0] and created["api_key"].startswith(listed[0]["key_prefix"])

    def test_device_key_is_not_a_staff_login(self, client, session, office):
        key, _ = auth_service.create_device(session, store_id=office.store.id, kind=DeviceKind.kiosk, name="K1")
        session.commit()
        response = client.get(f"{API}/me", headers={"X-Device-Key": key})
        assert response.status_code == 403

    def test_revoked_device_key_is_refused(self, client, session, office):
        key, device = auth_service.create_device(session, store_id=office.store.id, kind=DeviceKind.kiosk, name="K1")
        session.commit()
        client.post(f"{API}/devices/{device.id}/revoke", headers=office.admin)
        response = client.get(f"{API}/me", headers={"X-Device-Key": key})
        assert (response.status_code, response.json()["detail"]) == (401, "unknown or revoked device key")
