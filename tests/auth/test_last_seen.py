"""Devices' ``last_seen_at``: the device list shows when each device last called, written at most once a minute."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import event
from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.models import Device, DeviceKind, Role
from store.clock import utcnow
from tests.factories.auth import create_device, staff_headers
from tests.factories.premises import create_store


@contextmanager
def device_writes(session: Session) -> Iterator[list[str]]:
    """The SQL statements that write the ``device`` table while the block runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("UPDATE DEVICE"):
            seen.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


class TestLastSeenOnAuthentication:
    def test_a_new_device_is_seen_when_it_first_authenticates(self, session):
        key, device = create_device(session, create_store(session))
        assert device.last_seen_at is None
        moment = utcnow()
        auth_service.authenticate_device(session, key, now=moment)
        session.expire_all()
        assert session.get(Device, device.id).last_seen_at == moment

    def test_calls_within_a_minute_do_not_write_the_device_row(self, session):
        key, device = create_device(session, create_store(session))
        start = utcnow()
        auth_service.authenticate_device(session, key, now=start)
        with device_writes(session) as writes:
            for second in range(1, 60, 5):  # a busy till: a sale every few seconds
                auth_service.authenticate_device(session, key, now=start + timedelta(seconds=second))
        assert writes == []
        session.expire_all()
        assert session.get(Device, device.id).last_seen_at == start

    def test_a_minute_later_it_is_written_again(self, session):
        key, device = create_device(session, create_store(session))
        start = utcnow()
        auth_service.authenticate_device(session, key, now=start)
        later = start + timedelta(minutes=1, seconds=1)
        with device_writes(session) as writes:
            auth_service.authenticate_device(session, key, now=later)
        assert len(writes) == 1
        session.expire_all()
        assert session.get(Device, device.id).last_seen_at == later

    def test_a_revoked_key_is_not_seen(self, session):
        store = create_store(session)
        key, device = create_device(session, store)
        auth_service.revoke_device(session, store.id, device.id)
        assert auth_service.authenticate_device(session, key) is None
        session.expire_all()
        assert session.get(Device, device.id).last_seen_at is None


class TestLastSeenThroughTheApi:
    def test_the_device_list_shows_when_a_till_last_called(self, client, session):
        store = create_store(session)
        key, device = create_device(session, store, kind=DeviceKind.pos_terminal)
        admin = staff_headers(session, store, Role.admin)
        session.commit()
        before = utcnow()
        for _ in range(3):
            assert client.get("/api/v1/sales/orders", headers={"X-Device-Key": key}).status_code == 200
        listed = {d["id"]: d for d in client.get("/api/v1/auth/devices", headers=admin).json()}
        seen = listed[device.id]["last_seen_at"]
        assert seen is not None and datetime.fromisoformat(seen) >= before
