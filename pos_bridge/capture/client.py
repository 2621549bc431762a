"""The store API as the capture box sees it: its configuration, sales, receipts and heartbeats (httpx)."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from store.capture.schemas import BoxConfig, HeartbeatIn, JobIn
from store.sales.schemas import OrderCreate

API = "/api/v1"


class Unreachable(Exception):
    """The store did not answer, or answered that it cannot now (5xx, 429): try again later."""


class StoreClient:
    def __init__(self, base_url: str, key: str, *, timeout: float = 10.0, http: httpx.Client | None = None):
        # ``http``: an existing client (tests pass the app's TestClient); else one of our own.
        self.http = http or httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self.key = key

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-Device-Key": self.key, **kwargs.pop("headers", {})}
        try:
            response = self.http.request(method, API + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise Unreachable(str(exc)) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise Unreachable(f"{method} {path}: {response.status_code}")
        return response

    def config(self) -> BoxConfig:
        response = self._send("GET", "/capture/config")
        response.raise_for_status()
        return BoxConfig.model_validate(response.json())

    def post_sale(self, order: OrderCreate, key: str) -> httpx.Response:
        """POST /sales/orders with an Idempotency-Key: a retry answers with the first order."""
        body = order.model_dump(mode="json")
        return self._send("POST", "/sales/orders", json=body, headers={"Idempotency-Key": key})

    def post_job(self, job: JobIn) -> httpx.Response:
        return self._send("POST", "/capture/jobs", json=job.model_dump(mode="json"))

    def heartbeat(self, beat: HeartbeatIn) -> None:
        self._send("POST", "/capture/heartbeat", json=beat.model_dump(mode="json"))

    def close(self) -> None:
        self.http.close()


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
