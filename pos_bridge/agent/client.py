"""The store's HTTP API as the till uses it (httpx); only the wire schemas of ``store`` are imported."""

from __future__ import annotations

from typing import Any

import httpx

from store.pos.schemas import DiscardIn, HeartbeatIn, PosPaymentCreate


class Unreachable(Exception):
    """The store did not answer (network down, server restarting, 5xx, 401/403, 429): try again later."""


class StoreClient:
    def __init__(self, base_url: str, device_key: str, *, timeout: float = 5.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api/v1", headers={"X-Device-Key": device_key}, timeout=timeout
        )

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code in (401, 403, 408, 429):
            raise Unreachable(f"HTTP {response.status_code}: {response.text[:300]}")
        return response

    def post_sales(self, sales: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """One batch; a result per sale in the order sent (status, order or problem)."""
        body = {"sales": [{"idempotency_key": key, "order": order} for key, order in sales]}
        response = self._send("POST", "/sales/orders/batch", json=body)
        if response.status_code != 200:
            raise Unreachable(f"HTTP {response.status_code}: {response.text[:300]}")
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def post_refund(self, order_id: int, key: str, body: dict[str, Any]) -> httpx.Response:
        return self._send("POST", f"/sales/orders/{order_id}/refunds", json=body, headers={"Idempotency-Key": key})

    def heartbeat(self, data: HeartbeatIn) -> dict[str, Any]:
        response = self._send("POST", "/pos/heartbeat", json=data.model_dump(mode="json"))
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def report_discard(self, data: DiscardIn) -> httpx.Response:
        """A sale the supervisor discarded: the store closes its number as discarded at the till."""
        return self._send("POST", "/pos/discards", json=data.model_dump(mode="json"))

    def catalog_page(self, cursor: str | None) -> dict[str, Any]:
        params = {"cursor": cursor} if cursor else {}
        response = self._send("GET", "/catalog/sync", params=params)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def verify_member(self, code: str) -> httpx.Response:
        return self._send("POST", "/members/codes/verify", json={"code": code})

    def receipt_key(self) -> dict[str, Any]:
        response = self._send("GET", "/pos/receipt-key")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def member_snapshot(self, after_id: int) -> dict[str, Any]:
        response = self._send("GET", "/members/codes/offline-snapshot", params={"after_id": after_id})
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def offline_claim(self, order_no: str, code: str, scanned_at: str) -> httpx.Response:
        body = {"order_no": order_no, "code": code, "scanned_at": scanned_at}
        return self._send("POST", "/points/offline-claims", json=body)

    def pay(self, data: PosPaymentCreate) -> httpx.Response:
        return self._send("POST", "/pos/payments", json=data.model_dump(mode="json"))

    def payment(self, payment_id: int) -> httpx.Response:
        return self._send("GET", f"/pos/payments/{payment_id}")

    def refund_payment(self, payment_id: int, amount_fen: int, reason: str) -> httpx.Response:
        return self._send(
            "POST", f"/pos/payments/{payment_id}/refunds", json={"amount_fen": amount_fen, "reason": reason}
        )
