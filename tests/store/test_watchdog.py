"""systemd notify: the server says READY and keeps pinging the watchdog from its event loop."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from store import watchdog


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(2)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


def _received(sock: socket.socket) -> list[str]:
    got = []
    try:
        while True:
            got.append(sock.recv(100).decode())
            sock.settimeout(0.3)
    except TimeoutError:
        return got


class TestServe:
    def test_ready_then_watchdog_pings_while_the_loop_runs(self, app, notify_socket, monkeypatch):
        monkeypatch.setenv("WATCHDOG_USEC", "100000")  # WatchdogSec=0.1 s: a ping every 50 ms
        monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
        with TestClient(app):
            time.sleep(0.3)
        messages = _received(notify_socket)
        assert messages[0] in ("READY=1", "WATCHDOG=1") and "READY=1" in messages
        assert messages.count("WATCHDOG=1") >= 2
        assert messages[-1] == "STOPPING=1"

    def test_a_watchdog_meant_for_another_process_is_not_pinged(self, monkeypatch):
        monkeypatch.setenv("WATCHDOG_USEC", "100000")
        monkeypatch.setenv("WATCHDOG_PID", "1")
        assert watchdog.interval_s() is None


class TestOutsideSystemd:
    def test_notify_does_nothing(self, monkeypatch):
        monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
        assert watchdog.notify("READY=1") is False
