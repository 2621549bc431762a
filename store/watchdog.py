"""systemd's notify protocol (``Type=notify``, ``WatchdogSec=``), without a dependency.

``serve`` tells systemd READY once the app has started and then pings WATCHDOG=1 from its event loop:
a hung loop stops the pings and systemd restarts the process (``Restart=`` alone restarts only a
process that exited). ``worker`` pings from a scheduler job, so a stuck scheduler is restarted too.
Outside systemd (no ``NOTIFY_SOCKET``) every function here does nothing.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any


def notify(message: str) -> bool:
    """Send ``message`` (``READY=1``, ``WATCHDOG=1``, ``STOPPING=1``) to systemd; False outside systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # an abstract socket
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(address)
            sock.sendall(message.encode())
        except OSError:
            return False
    return True


def interval_s() -> float | None:
    """Half of ``WatchdogSec`` (systemd's advice), or None when no watchdog is set for this process."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


def lifespan(
    inner: Callable[[Any], AbstractAsyncContextManager[Any]],
) -> Callable[[Any], AbstractAsyncContextManager[Any]]:
    """The app's lifespan with READY=1 at startup and WATCHDOG=1 pings from the event loop."""

    @asynccontextmanager
    async def run(app: Any) -> AsyncIterator[Any]:
        async with inner(app) as state:
            task = None
            every = interval_s()
            if every:
                task = asyncio.get_running_loop().create_task(_ping(every))
            notify("READY=1")
            try:
                yield state
            finally:
                notify("STOPPING=1")
                if task is not None:
                    task.cancel()

    return run


async def _ping(every: float) -> None:
    while True:
        notify("WATCHDOG=1")
        await asyncio.sleep(every)
