"""Passwords, browser sessions, tokens and device keys, as the admin pages and the API use them."""

from __future__ import annotations

import pytest
from sqlmodel import select

from store.auth import service as auth_service
from store.auth.models import DeviceKind, Role, StaffSession, StaffToken
from store.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from tests.factories.auth import PASSWORD, create_device, create_user, expire_session, token_for
from tests.factories.premises import create_shop, create_store


class TestPasswordHashing:
    def test_password_is_kept_as_an_argon2_hash(self, session):
        store = create_store(session)
        user = auth_service.create_user(
            session, store_id=store.id, username="wang.li", password="s3cret-enough", role=Role.manager
        )
        assert user.password_hash.startswith("$argon2id$")
        assert "s3cret-enough" not in user.password_hash

    def test_short_password_is_refused(self, session):
        store = create_store(session)
        with pytest.raises(InvalidInput, match="at least 10 characters"):
            auth_service.create_user(session, store_id=store.id, username="short", password="123456", role=Role.cashier)

    def test_taken_username_is_refused(self, session):
        store = create_store(session)
        create_user(session, store, username="zhao")
        with pytest.raises(Conflict, match="'zhao'"):
            auth_service.create_user(session, store_id=store.id, username="zhao", password=PASSWORD, role=Role.cashier)

    def test_tenant_staff_need_a_shop_of_this_store(self, session):
        store, other = create_store(session), create_store(session)
        with pytest.raises(InvalidInput, match="must belong to a shop"):
            auth_service.create_user(session, store_id=store.id, username="t1x", password=PASSWORD, role=Role.tenant)
        with pytest.raises(NotFound):
            auth_service.create_user(
                session,
                store_id=store.id,
                username="t2x",
                password=PASSWORD,
                role=Role.tenant,
                shop_id=create_shop(session, other).id,
            )


class TestLogin:
    def test_right_password_opens_a_session_kept_only_as_a_hash(self, session):
        user = create_user(session, create_store(session), username="li.na")
        secret, row = auth_service.login(session, "li.na", PASSWORD, 3600)
        assert row.id == auth_service.digest(secret) != secret
        assert auth_service.resolve_session(session, secret)[0].id == user.id

    @pytest.mark.parametrize("username,password", [("li.na", "wrong-password"), ("nobody", PASSWORD)])
    def test_wrong_login_gets_one_clear_message(self, session, username, password):
        create_user(session, create_store(session), username="li.na")
        with pytest.raises(Unauthorized, match="wrong username or password"):
            auth_service.login(session, username, password, 3600)

    def test_deactivated_user_cannot_sign_in(self, session):
        create_user(session, create_store(session), username="gone", is_active=False)
        with pytest.raises(Unauthorized):
            auth_service.login(session, "gone", PASSWORD, 3600)

    def test_expired_session_reads_as_signed_out(self, session):
        create_user(session, create_store(session), username="li.na")
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600)
        expire_session(session, secret)
        assert auth_service.resolve_session(session, secret) is None

    def test_logout_ends_the_session(self, session):
        create_user(session, create_store(session), username="li.na")
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600)
        auth_service.logout(session, secret)
        assert auth_service.resolve_session(session, secret) is None
        assert session.exec(select(StaffSession).where(StaffSession.id == auth_service.digest(secret))).first() is None


class TestCsrf:
    def test_matching_token_passes(self, session):
        create_user(session, create_store(session), username="li.na")
        _, row = auth_service.login(session, "li.na", PASSWORD, 3600)
        auth_service.check_csrf(row, row.csrf_token)

    @pytest.mark.parametrize("token", [None, "", "forged"])
    def test_missing_or_other_token_is_forbidden(self, session, token):
        create_user(session, create_store(session), username="li.na")
        _, row = auth_service.login(session, "li.na", PASSWORD, 3600)
        with pytest.raises(Forbidden, match="reload the page"):
            auth_service.check_csrf(row, token)


class TestTokens:
    def test_token_is_stored_only_as_a_hash(self, session):
        user = create_user(session, create_store(session))
        token = token_for(session, user)
        stored = session.exec(select(StaffToken).where(StaffToken.user_id == user.id)).one()
        assert stored.token_hash == auth_service.digest(token) != token

    def test_revoked_token_stops_working(self, session):
        user = create_user(session, create_store(session))
        token = token_for(session, user)
        auth_service.revoke_token(session, token)
        assert auth_service.resolve_token(session, token) is None

    def test_expired_token_stops_working(self, session):
        user = create_user(session, create_store(session))
        assert auth_service.resolve_token(session, token_for(session, user, max_age_s=-1)) is None

    def test_deactivating_signs_the_user_out_everywhere(self, session):
        store = create_store(session)
        admin, user = create_user(session, store, role=Role.admin), create_user(session, store, username="li.na")
        token = token_for(session, user)
        secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600)
        auth_service.deactivate_user(session, store.id, user.id, by_user_id=admin.id)
        assert auth_service.resolve_token(session, token) is None
        assert auth_service.resolve_session(session, secret) is None

    def test_admin_cannot_deactivate_themselves(self, session):
        store = create_store(session)
        admin = create_user(session, store, role=Role.admin)
        with pytest.raises(Conflict, match="your own account"):
            auth_service.deactivate_user(session, store.id, admin.id, by_user_id=admin.id)


class TestDeviceKeys:
    def test_key_is_stored_only_as_a_hash_and_resolves_to_the_device(self, session):
        store = create_store(session)
        key, device = create_device(session, store, kind=DeviceKind.kiosk)
        assert device.key_hash == auth_service.digest(key) and key not in device.key_hash
        assert key.startswith(device.key_prefix)
        assert auth_service.resolve_device(session, key).id == device.id

    def test_revoked_key_stops_working(self, session):
        store = create_store(session)
        key, device = create_device(session, store)
        auth_service.revoke_device(session, store.id, device.id)
        assert auth_service.resolve_device(session, key) is None

    def test_device_of_a_shop_in_another_store_is_refused(self, session):
        store, other = create_store(session), create_store(session)
        with pytest.raises(NotFound):
            create_device(session, store, shop=create_shop(session, other))


class TestPurge:
    def test_expired_sessions_and_dead_tokens_are_deleted_live_ones_kept(self, session):
        user = create_user(session, create_store(session), username="li.na")
        live_secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600)
        old_secret, _ = auth_service.login(session, "li.na", PASSWORD, 3600)
        expire_session(session, old_secret)
        live_token, revoked = token_for(session, user), token_for(session, user)
        auth_service.revoke_token(session, revoked)
        assert auth_service.purge_expired(session) >= 2
        assert auth_service.resolve_session(session, live_secret) is not None
        assert auth_service.resolve_token(session, live_token) is not None
        left = session.exec(select(StaffToken.token_hash).where(StaffToken.user_id == user.id)).all()
        assert left == [auth_service.digest(live_token)]
