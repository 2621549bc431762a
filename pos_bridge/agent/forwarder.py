"""Forwarding the outbox to the store, in order, with backoff; heartbeats; catalogue sync; pending payments.

One thread. Each round sends the due sales as one batch (``POST /sales/orders/batch``) up to the first
refund, then that refund alone, and so on: the queue's order holds. Per sale: 201/200 → sent; the
server refusing the sale itself (400, 404, 409 other than "in progress", 422) → dead letter, and the
rest go on; the store not answering → the whole round waits with backoff (0.5 s doubling, at most
``backoff_max_s``) and is sent again with the same keys, so nothing is stored twice. A sale the supervisor
discarded is reported (``POST /pos/discards``) so the store closes its number as discarded at the till.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from pos_bridge.agent import VERSION
from pos_bridge.agent.client import StoreClient, Unreachable
from pos_bridge.agent.outbox import Entry, Outbox
from pos_bridge.agent.settings import PosSettings
from store.pos.schemas import DiscardIn, HeartbeatIn

log = logging.getLogger("pos_bridge.agent")
RETRY_TYPES = ("idempotency-in-progress", "database-busy", "database-unavailable")
# What the supervisor's page shows first for the store's refusals it knows (the store's own words follow).
REFUSALS_ZH = {
    "unknown-sku": "商品编码不是本店目录中的商品",
    "order-does-not-add-up": "金额对不上",
    "order-number-taken": "单号已被使用",
    "till-sequence-taken": "序号已被另一笔销售使用",
    "wrong-shop": "本收银台不能为该店铺记账",
    "unknown-member": "会员不存在",
    "shop-closed": "店铺当天不营业",
}


def refusal(status: int, problem: dict[str, Any]) -> str:
    """The dead letter's reason: status, the Chinese words for the problem type if known, the store's detail."""
    slug = str(problem.get("type", "")).rsplit("/", 1)[-1]
    zh = REFUSALS_ZH.get(slug)
    words = f"{problem.get('title', '')}: {problem.get('detail', '')}"
    return f"{status} {zh} · {words}" if zh else f"{status} {words}"


class Forwarder:
    def __init__(self, outbox: Outbox, client: StoreClient, settings: PosSettings) -> None:
        self.outbox, self.client, self.settings = outbox, client, settings
        self.online = False
        self.last_error = ""
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_beat = 0.0
        self._next_catalog = 0.0
        self._round = threading.Lock()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="forwarder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            busy = False
            try:
                busy = self.round()
            except Exception:  # the loop never dies: the next round tries again
                log.exception("forwarder round failed")
            self._wake.wait(0.05 if busy else 0.5)
            self._wake.clear()

    def round(self) -> bool:
        """One pass: forward what is due, settle pending payments, heartbeat and sync when due; True if busy."""
        with self._round:
            now = time.time()
            busy = self.forward()
            self.report_discards()
            self.claim_members()
            self.settle_payments()
            if now >= self._next_beat:
                self._next_beat = now + self.settings.heartbeat_s
                self.heartbeat()
            if now >= self._next_catalog and self.online:
                self._next_catalog = now + self.settings.catalog_every_s
                self.sync_catalog()
                self.sync_members()
                self.fetch_receipt_key()
            return busy

    def _reached(self) -> None:
        if not self.online:
            self.outbox.retry_now()  # the store is back: nobody waits out a long backoff
        self.online = True
        self.last_error = ""

    def _unreachable(self, error: str) -> None:
        self.online = False
        self.last_error = error

    def forward(self) -> bool:
        due = self.outbox.due(self.settings.batch_size)
        if not due:
            return False
        sales: list[Entry] = []
        for entry in due:
            if entry.kind == "refund":
                break
            sales.append(entry)
        try:
            if sales:
                self._send_sales(sales)
            else:
                self._send_refund(due[0])
        except Unreachable as exc:
            self._unreachable(str(exc))
            batch = sales or due[:1]
            self.outbox.mark_retry([entry.id for entry in batch], str(exc), self.settings.backoff_max_s)
            return False
        self._reached()
        return True

    def _send_sales(self, sales: list[Entry]) -> None:
        results = self.client.post_sales([(entry.idem_key, entry.payload) for entry in sales])
        sent: list[tuple[int, int | None]] = []
        retry: list[int] = []
        for entry, result in zip(sales, results, strict=True):
            status = result["status"]
            if status in (200, 201):
                sent.append((entry.id, (result.get("order") or {}).get("id")))
                continue
            problem: dict[str, Any] = result.get("problem") or {}
            if any(str(problem.get("type", "")).endswith(kind) for kind in RETRY_TYPES) or status >= 500:
                retry.append(entry.id)
                continue
            self.outbox.mark_dead(entry.id, refusal(status, problem))
        if sent:
            self.outbox.mark_sent(sent)
        if retry:
            self.outbox.mark_retry(retry, "the store was still writing the first try", self.settings.backoff_max_s)

    def _send_refund(self, entry: Entry) -> None:
        sale = self.outbox.sale(entry.order_no)
        if sale is None or sale.state == "dead" or (sale.state == "sent" and sale.server_id is None):
            self.outbox.mark_dead(entry.id, f"sale {entry.order_no} is not on the server (fix and resend it first)")
            return
        if sale.state != "sent":  # cannot happen in queue order; wait for it
            self.outbox.mark_retry([entry.id], "its sale is not forwarded yet", self.settings.backoff_max_s)
            return
        response = self.client.post_refund(sale.server_id, entry.idem_key, entry.payload)  # type: ignore[arg-type]
        if response.status_code in (200, 201):
            self.outbox.mark_sent([(entry.id, response.json().get("id"))])
        elif response.status_code == 409 and "in-progress" in response.text:
            self.outbox.mark_retry([entry.id], "in progress", self.settings.backoff_max_s)
        else:
            problem = response.json() if response.headers.get("content-type", "").endswith("json") else {}
            self.outbox.mark_dead(entry.id, f"{response.status_code} {problem.get('detail', response.text[:200])}")

    def heartbeat(self) -> None:
        counts = self.outbox.counts()
        oldest = self.outbox.oldest_queued_at()
        data = HeartbeatIn(
            outbox_backlog=counts["queued"],
            oldest_pending_at=datetime.fromtimestamp(oldest, UTC) if oldest is not None else None,
            dead_letters=counts["dead"],
            last_seq=self.outbox.last_seq(),
            dead_seqs=self.outbox.dead_seqs(),
            price_book_version=int(v) if (v := self.outbox.get_meta("catalog_version")) else None,
            agent_version=VERSION,
            shift_open=self.outbox.get_meta("shift_state", "open") == "open",
        )
        try:
            self.client.heartbeat(data)
        except Exception as exc:
            self._unreachable(str(exc))
            return
        self._reached()

    def sync_catalog(self) -> None:
        cursor = self.outbox.get_meta("catalog_cursor") or None
        try:
            for _ in range(1000):
                page = self.client.catalog_page(cursor)
                self.outbox.store_catalog(page["items"], page["version"], page["next_cursor"])
                cursor = page["next_cursor"]
                if not page["more"]:
                    break
        except Exception as exc:
            log.warning("catalogue sync failed: %s", exc)

    def fetch_receipt_key(self) -> None:
        """The till's key for its receipts' e-receipt links (kept with the outbox: it signs offline)."""
        if self.outbox.get_meta("receipt_key"):
            return
        try:
            found = self.client.receipt_key()
        except Exception as exc:
            log.warning("receipt key not fetched: %s", exc)
            return
        self.outbox.set_meta("receipt_key", json.dumps(found))

    def sync_members(self) -> None:
        """The store's offline member snapshot: public keys (replaced) and members (a page at a time)."""
        after, first = 0, True
        try:
            for _ in range(1000):
                page = self.client.member_snapshot(after)
                meta = {
                    "member_store_id": str(page["store_id"]),
                    "member_step_s": str(page["step_s"]),
                    "member_skew_steps": str(page["skew_steps"]),
                    "member_prefix": page["signed_prefix"],
                    "member_valid_until": page["valid_until"],
                }
                keys = [
                    (
                        datetime.fromisoformat(k["valid_from"]).timestamp(),
                        datetime.fromisoformat(k["valid_until"]).timestamp(),
                        k["public_key"],
                    )
                    for k in page["keys"]
                ]
                self.outbox.store_member_snapshot(meta, keys, page["members"], first=first)
                first = False
                if page["next_after_id"] is None:
                    break
                after = page["next_after_id"]
        except Exception as exc:
            log.warning("member snapshot sync failed: %s", exc)

    def report_discards(self) -> None:
        """Tell the store of the sales the supervisor discarded (number, order number, reason): 200/201 → sent;
        refused (400, 409, 422) → kept with the store's reason; unreachable → the next round tries again."""
        for row in self.outbox.discards_due():
            try:
                data = DiscardIn(
                    till_seq=row["till_seq"],
                    order_no=row["order_no"][:64],
                    reason=row["reason"] if len(row["reason"].strip()) >= 2 else f"{row['reason']} (discarded)",
                    discarded_at=datetime.fromtimestamp(row["discarded_at"], UTC),
                )
            except ValueError as exc:  # a number or order number the store's schema cannot take
                self.outbox.finish_discard(row["entry_id"], "refused", f"not reportable: {exc}")
                continue
            try:
                response = self.client.report_discard(data)
            except Unreachable:
                return
            if response.status_code in (200, 201):
                self.outbox.finish_discard(row["entry_id"], "sent")
            else:
                detail = response.json().get("detail", "") if "json" in response.headers.get("content-type", "") else ""
                log.warning("discard of %s refused by the store: %s %s", row["order_no"], response.status_code, detail)
                self.outbox.finish_discard(row["entry_id"], "refused", f"{response.status_code} {detail}")

    def claim_members(self) -> None:
        """The member codes accepted offline, claimed once their sales are stored: the store names the member
        and awards the points. Refused (expired, used…) → kept with the store's reason; unreachable → later."""
        for claim in self.outbox.claims_due():
            try:
                response = self.client.offline_claim(claim["order_no"], claim["code"], claim["scanned_at"])
            except Unreachable:
                return
            if response.status_code == 200:
                self.outbox.finish_claim(claim["entry_id"], "done", points=response.json().get("points_awarded"))
            elif response.status_code == 409 and "in-progress" in response.text:
                return
            else:
                detail = response.json().get("detail", "") if "json" in response.headers.get("content-type", "") else ""
                self.outbox.finish_claim(claim["entry_id"], "refused", error=f"{response.status_code} {detail}")

    def settle_payments(self) -> list[Entry]:
        """Ask about every payment whose answer was unknown; a paid one queues its sale (then it prints)."""
        settled: list[Entry] = []
        for row in self.outbox.pending():
            try:
                response = self.client.payment(row["payment_id"])
            except Unreachable:
                return settled
            status = response.json().get("status") if response.status_code == 200 else None
            if status == "paid":
                entry = self.outbox.settle_pending(row["order_no"], "paid")
                if entry is not None:
                    settled.append(entry)
                    if self.on_settled is not None:
                        self.on_settled(entry)
            elif status == "declined":
                self.outbox.settle_pending(row["order_no"], "declined", response.json().get("message", ""))
        return settled

    on_settled: Any = None  # the agent prints the receipt of a sale whose payment turned out paid

    def flush(self, wait_s: float) -> int:
        """Forward until the outbox is empty or ``wait_s`` passed; the entries still queued."""
        deadline = time.time() + wait_s
        self.outbox.retry_now()
        while time.time() < deadline:
            self.round()
            left = self.outbox.counts()["queued"]
            if left == 0:
                return 0
            time.sleep(0.2)
        return self.outbox.counts()["queued"]
