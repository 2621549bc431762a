"""The till agent against the real store app in-process: its HTTP client sends through a TestClient."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pos_bridge.agent.client import StoreClient
from pos_bridge.agent.forwarder import Forwarder
from pos_bridge.agent.outbox import Outbox
from pos_bridge.agent.settings import PosSettings
from pos_bridge.agent.till import Till
from tests.factories.catalog import create_sku
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_till


class MemoryPrinter:
    def __init__(self) -> None:
        self.receipts: list[bytes] = []

    def print_bytes(self, data: bytes) -> None:
        self.receipts.append(data)


class SwitchableStore(StoreClient):
    """The store's client, with a switch that makes it unreachable (the network cable pulled)."""

    def __init__(self, http, key: str) -> None:  # type: ignore[no-untyped-def]
        self._http = http
        self._http.headers["X-Device-Key"] = key
        self._http.base_url = "http://testserver/api/v1"
        self.down = False

    def _send(self, method, path, **kwargs):  # type: ignore[no-untyped-def]
        from pos_bridge.agent.client import Unreachable

        if self.down:
            raise Unreachable("network down")
        return super()._send(method, path, **kwargs)


@dataclass
class Agent:
    till: Till
    outbox: Outbox
    forwarder: Forwarder
    store: SwitchableStore
    printer: MemoryPrinter
    shop: object
    device: object
    skus: list


@pytest.fixture
def agent(app, session, tmp_path):
    from fastapi.testclient import TestClient

    shop = create_shop(session, create_store(session))
    skus = [create_sku(session, shop, code=f"SKU-{n}", offline=1000 * n) for n in (1, 2, 3)]
    key, device = create_till(session, shop)
    session.commit()
    settings = PosSettings(
        device_key=key, shop_id=shop.id, till_code="T1", state_dir=tmp_path, backoff_max_s=0.0, flush_wait_s=2
    )
    http = TestClient(app, raise_server_exceptions=False)
    store = SwitchableStore(http, key)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    forwarder = Forwarder(outbox, store, settings)
    printer = MemoryPrinter()
    till = Till(settings, outbox, store, forwarder, printer)
    forwarder.sync_catalog()
    forwarder.heartbeat()
    yield Agent(till, outbox, forwarder, store, printer, shop, device, skus)
    outbox.close()
