"""The real Mosquitto on 127.0.0.1:1883 (.ci/run starts it) for the MQTT tests of facilities and parking.

``needs_broker`` skips a module, with the reason, when no broker answers; ``own_engine`` (a fixture in
tests/conftest.py) gives such a test a migrated database of its own, since a subscriber's writer thread commits.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from uuid import uuid4

import paho.mqtt.client as paho
import pytest

HOST, PORT = "127.0.0.1", 1883


def broker_up() -> bool:
    try:
        socket.create_connection((HOST, PORT), timeout=1).close()
    except OSError:
        return False
    return True


needs_broker = pytest.mark.skipif(
    not broker_up(), reason="Mosquitto is not running on 127.0.0.1:1883 (.ci/run starts it)"
)


def client(prefix: str = "test") -> paho.Client:
    """A connected client with its network loop running; ``loop_stop()`` and ``disconnect()`` when done."""
    connected = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"{prefix}-{uuid4().hex[:8]}")
    connected.connect(HOST, PORT)
    connected.loop_start()
    return connected


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """True as soon as ``predicate()`` is; its last answer after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
