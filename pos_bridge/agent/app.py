"""Wiring the agent together: outbox, store client, forwarder thread, printer, till, web app."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from pos_bridge.agent.client import StoreClient
from pos_bridge.agent.forwarder import Forwarder
from pos_bridge.agent.outbox import Outbox
from pos_bridge.agent.printer import open_printer
from pos_bridge.agent.settings import PosSettings
from pos_bridge.agent.till import Till
from pos_bridge.agent.web import create_app


def _warm_up() -> None:
    """Load python-escpos in the background, so the first receipt after a start is not a second late."""
    import escpos.printer  # noqa: F401


def build(settings: PosSettings) -> FastAPI:
    outbox = Outbox(settings.state_dir / "outbox.sqlite3")
    client = StoreClient(settings.server_url, settings.device_key, timeout=settings.request_timeout_s)
    forwarder = Forwarder(outbox, client, settings)
    till = Till(settings, outbox, client, forwarder, open_printer(settings.printer))
    app = create_app(till)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        forwarder.start()
        threading.Thread(target=_warm_up, daemon=True).start()
        try:
            yield
        finally:
            forwarder.stop()
            client.close()
            outbox.close()

    app.router.lifespan_context = lifespan
    app.state.till = till
    return app
