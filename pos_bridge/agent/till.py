"""What the cashier does, as functions of the agent: sell, pay, refund, reprint, close the shift.

A sale paid in cash is committed to the outbox at once; one paid through the payment network (bank card,
WeChat Pay, Alipay, e-CNY) first gets an answer from the store's payment plugin: paid → committed; declined →
the cashier tries again (a new attempt, a new payment number) or another method; unknown → kept as a
pending payment that the forwarder asks about until it is paid (then committed and printed) or declined.
The receipt is printed only after the outbox commit; a printer failure never undoes a sale.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pos_bridge.agent import coupons, members, receipt
from pos_bridge.agent.client import StoreClient, Unreachable
from pos_bridge.agent.forwarder import Forwarder
from pos_bridge.agent.outbox import Entry, Outbox
from pos_bridge.agent.printer import ReceiptPrinter
from pos_bridge.agent.settings import PosSettings
from store import signed_codes
from store.pos.schemas import PosPaymentCreate, PosPaymentMethod

log = logging.getLogger("pos_bridge.agent")
NETWORK_METHODS = {m.value for m in PosPaymentMethod}
METHODS = ("cash", "unionpay", "wechat", "alipay", "ecny")
FEN_PER_POINT = 100  # the store's default earning rate; the store awards the real points within a minute


class TillError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class CartLine:
    code: str
    quantity: int


def split_refund(left: list[tuple[str, int]], amount: int) -> list[tuple[str, int]]:
    """``amount`` shared over the methods in proportion to what each has left to refund (largest remainder,
    ties to the earlier method), never more than a method has left."""
    total = sum(max(0, a) for _, a in left)
    if amount > total:
        raise TillError(f"可退金额为 {receipt.yuan(total)} 元 (at most {total} fen can be refunded)", 409)
    exact = [(m, max(0, a) * amount / total if total else 0.0) for m, a in left]
    shares = [int(x) for _, x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - shares[i]), i))
    for i in order[: amount - sum(shares)]:
        shares[i] += 1
    return [(m, s) for (m, _), s in zip(left, shares, strict=True)]


class Till:
    def __init__(
        self, settings: PosSettings, outbox: Outbox, client: StoreClient, forwarder: Forwarder, printer: ReceiptPrinter
    ) -> None:
        self.settings, self.outbox, self.client, self.forwarder, self.printer = (
            settings,
            outbox,
            client,
            forwarder,
            printer,
        )
        forwarder.on_settled = self._print_entry
        self.tz = ZoneInfo("Asia/Shanghai")

    # --- state the screen shows ---------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        counts = self.outbox.counts()
        return {
            "online": self.forwarder.online,
            "last_error": self.forwarder.last_error,
            "queued": counts["queued"],
            "dead": counts["dead"],
            "sent": counts["sent"],
            "last_seq": self.outbox.last_seq(),
            "shift": self.outbox.get_meta("shift_state", "open"),
            "catalog_version": self.outbox.get_meta("catalog_version"),
            "member_claims": self.outbox.claims(),
            "discard_reports": self.outbox.discard_reports(),
            "pending": [{"order_no": p["order_no"], "payment_id": p["payment_id"]} for p in self.outbox.pending()],
            "declined": [
                {"order_no": p["order_no"], "message": p["message"]} for p in self.outbox.pending("declined")[-5:]
            ],
        }

    def lookup(self, code: str) -> dict[str, Any]:
        item = self.outbox.lookup(code.strip())
        if item is None or not item["active"] or item["price_fen"] is None:
            raise TillError(f"商品 {code} 不在目录中或未上架 (unknown SKU {code})", 404)
        return item

    def member(self, code: str) -> dict[str, Any]:
        """The member of a code: checked by the store when it is reachable, else by the QR's signature against
        the cached snapshot (``offline: True``; the sale carries the code and claims the points at sync)."""
        code = code.strip()
        if self.forwarder.online:
            try:
                response = self.client.verify_member(code)
            except Unreachable:
                pass
            else:
                if response.status_code != 200:
                    raise TillError(f"会员码无效 (member code refused): {response.json().get('detail', '')}", 400)
                found: dict[str, Any] = response.json()
                return {**found, "offline": False}
        now = datetime.now(UTC)
        try:
            cached = members.check(self.outbox, code, now)
        except members.OfflineCodeError as exc:
            raise TillError(f"离线：{exc.message}", 400) from exc
        return {
            "member_id": cached["member_id"],
            "member_no": cached["member_no"],
            "phone_masked": cached["phone_masked"],
            "tier": cached["tier"],
            "tier_name": cached["tier_name"],
            "points_balance": cached["points_balance"],
            "offline": True,
            "code": code,
            "scanned_at": now.isoformat(),
        }

    def coupon(self, code: str, subtotal_fen: int, member_id: int | None) -> dict[str, Any]:
        quote = coupons.get_redeemer().quote(code, subtotal_fen, member_id)
        return {"ok": quote.ok, "discount_fen": quote.discount_fen, "message": quote.message}

    # --- selling --------------------------------------------------------------------------------------------

    def _order(self, lines: list[CartLine], discount_fen: int, member_id: int | None, method: str) -> dict[str, Any]:
        if self.outbox.get_meta("shift_state", "open") != "open":
            raise TillError("班次已结束，请先开班 (the shift is closed: open a new shift first)", 409)
        if not lines:
            raise TillError("购物车是空的 (the cart is empty)")
        rows = []
        for n, line in enumerate(lines, start=1):
            if line.quantity <= 0 or line.quantity > 9999:
                raise TillError(f"第 {n} 行数量无效 (line {n}: bad quantity {line.quantity})")
            item = self.lookup(line.code)
            total = item["price_fen"] * line.quantity
            rows.append(
                {
                    "sku": item["sku"],
                    "name": item["name"][:120],
                    "quantity": line.quantity,
                    "unit_price_fen": item["price_fen"],
                    "discount_fen": 0,
                    "total_fen": total,
                }
            )
        subtotal = sum(r["total_fen"] for r in rows)
        if discount_fen < 0 or discount_fen > subtotal:
            raise TillError("优惠金额无效 (bad discount)")
        if method not in METHODS:
            raise TillError(f"未知支付方式 {method} (unknown payment method)")
        total = subtotal - discount_fen
        version = self.outbox.get_meta("catalog_version")
        return {
            "order_no": self.outbox.next_order_no(self.settings.till_code),
            "shop_id": self.settings.shop_id,
            "channel": "offline",
            "member_id": member_id,
            "ordered_at": datetime.now(UTC).isoformat(),
            "subtotal_fen": subtotal,
            "discount_fen": discount_fen,
            "total_fen": total,
            "lines": rows,
            "payments": [{"method": method, "amount_fen": total}] if total > 0 else [],
            "price_book_version": int(version) if version else None,
        }

    def sell(
        self,
        lines: list[CartLine],
        *,
        method: str,
        member: dict[str, Any] | None = None,
        discount_fen: int = 0,
        coupon_code: str = "",
        auth_code: str = "",
        tenders: list[tuple[str, int]] | None = None,
    ) -> dict[str, Any]:
        """Complete a sale: ``{"status": "done", ...}`` (committed, printed) or ``pending`` / an error.

        ``tenders``: a split tender, (method, fen) per method, adding up to the total: cash and at most one
        electronic method (charged through the network for its part only); each is recorded on the sale."""
        offline_member = bool(member and member.get("offline"))
        member_id = member.get("member_id") if member and not offline_member else None
        order = self._order(lines, discount_fen, member_id, method)
        charge = order["total_fen"]
        if tenders:
            order["payments"], method, charge = self._split(tenders, order["total_fen"])
        extra: dict[str, Any] = {"member_no": member.get("member_no") if member else None, "coupon": coupon_code}
        if member and offline_member:  # posted without the member; the code is claimed once the sale is stored
            extra["member_claim"] = {"code": str(member["code"]), "scanned_at": str(member["scanned_at"])}
        if method in NETWORK_METHODS and charge > 0:
            if not self.forwarder.online:
                raise TillError("离线：仅可收现金 (offline: cash only until the store is reachable)", 503)
            data = PosPaymentCreate(
                order_no=order["order_no"],
                amount_fen=charge,
                method=PosPaymentMethod(method),
                auth_code=auth_code[:32],
            )
            try:
                response = self.client.pay(data)
            except Unreachable as exc:
                raise TillError("支付网络无应答，请重试 (the payment network did not answer: try again)", 503) from exc
            if response.status_code != 201:
                raise TillError(f"支付失败 (payment refused): {response.json().get('detail', '')}", 402)
            paid = response.json()
            extra["payment"] = {
                "id": paid["id"],
                "payment_no": paid["payment_no"],
                "method": method,
                "amount_fen": charge,
            }
            if paid["status"] == "declined":
                raise TillError(f"支付被拒绝，请重新扫码或换支付方式 (declined): {paid['message']}", 402)
            if paid["status"] == "pending":
                self.outbox.add_pending(order["order_no"], paid["id"], order, extra)
                self.forwarder.wake()
                return {"status": "pending", "order_no": order["order_no"], "payment_no": paid["payment_no"]}
        entry = self.outbox.add_sale(order, extra)  # committed: only now may the receipt print
        self.forwarder.wake()
        printed = self._print_entry(entry)
        return {
            "status": "done",
            "order_no": entry.order_no,
            "till_seq": entry.till_seq,
            "printed": printed,
            "total_fen": order["total_fen"],
        }

    @staticmethod
    def _split(tenders: list[tuple[str, int]], total: int) -> tuple[list[dict[str, Any]], str, int]:
        """(the sale's payments, the electronic method or cash, what it charges) of a split tender."""
        methods = [method for method, _ in tenders]
        if len(tenders) < 2 or len(set(methods)) != len(methods) or any(m not in METHODS for m in methods):
            raise TillError("分单支付需要两种以上不同的支付方式 (a split needs two or more different methods)")
        if any(amount <= 0 for _, amount in tenders) or sum(amount for _, amount in tenders) != total:
            raise TillError(
                f"各支付方式金额之和须等于 {receipt.yuan(total)} 元 (the parts must add up to the total, {total} fen)"
            )
        network = [(m, a) for m, a in tenders if m in NETWORK_METHODS]
        if len(network) > 1:
            raise TillError(
                "分单支付最多一种电子支付，其余收现金 (at most one electronic method in a split, the rest cash)"
            )
        method, charge = network[0] if network else ("cash", 0)
        return [{"method": m, "amount_fen": a} for m, a in tenders], method, charge

    # --- receipts -------------------------------------------------------------------------------------------

    def _receipt(self, entry: Entry, *, reprint: bool = False) -> receipt.Receipt:
        order = entry.payload
        member_no = entry.extra.get("member_no")
        qr = self.receipt_link(entry.order_no)
        return receipt.Receipt(
            store_name=self.settings.store_name,
            shop_name=f"收银台 {self.settings.till_code}",
            order_no=entry.order_no,
            till_code=self.settings.till_code,
            ordered_at=datetime.fromisoformat(order["ordered_at"]).astimezone(self.tz),
            lines=[
                receipt.ReceiptLine(
                    line["name"], line["sku"], line["quantity"], line["unit_price_fen"], line["total_fen"]
                )
                for line in order["lines"]
            ],
            subtotal_fen=order["subtotal_fen"],
            discount_fen=order["discount_fen"],
            total_fen=order["total_fen"],
            payments=[(p["method"], p["amount_fen"]) for p in order["payments"]],
            member_no=member_no,
            points_estimate=order["total_fen"] // FEN_PER_POINT if member_no else None,
            qr_url=qr or "",
            reprint=reprint,
            refund_fen=self.outbox.refunded_fen(entry.order_no),
        )

    def receipt_link(self, order_no: str) -> str | None:
        """The e-receipt link of the receipt's QR code, signed with this till's receipt key (offline too);
        None until the till has fetched its key once (the receipt then prints without the QR)."""
        key = self.outbox.get_meta("receipt_key")
        if not key:
            return None
        found = json.loads(key)
        token = signed_codes.sign(
            found["purpose"],
            [found["device_id"], order_no],
            max_age=timedelta(seconds=found["max_age_s"]),
            secret=found["secret"],
        )
        server = self.settings.server_url.rstrip("/")
        return self.settings.receipt_url.format(server=server, token=token, order_no=order_no)

    def _print_entry(self, entry: Entry, *, reprint: bool = False) -> bool:
        try:
            self.printer.print_bytes(
                receipt.render(self._receipt(entry, reprint=reprint), paper_mm=self.settings.paper_mm)
            )
        except Exception as exc:
            log.warning("receipt not printed: %s", exc)
            return False
        return True

    def reprint(self, order_no: str) -> dict[str, Any]:
        entry = self.outbox.sale(order_no.strip())
        if entry is None:
            raise TillError(f"本收银台没有单号 {order_no} (no such sale at this till)", 404)
        return {"printed": self._print_entry(entry, reprint=True), "order_no": entry.order_no}

    # --- refunds --------------------------------------------------------------------------------------------

    def refund(self, order_no: str, amount_fen: int | None, reason: str) -> dict[str, Any]:
        """Money back to the sale's own payment methods (a split tender: to each, in proportion to what each
        has left); the electronic part through the network first, then the refund is queued for the store
        with its methods, like a sale."""
        entry = self.outbox.sale(order_no.strip())
        if entry is None:
            raise TillError(f"本收银台没有单号 {order_no} (no such sale at this till)", 404)
        left = entry.payload["total_fen"] - self.outbox.refunded_fen(entry.order_no)
        amount = left if amount_fen is None else amount_fen
        if amount <= 0 or amount > left:
            raise TillError(f"可退金额为 {receipt.yuan(left)} 元 (at most {left} fen can be refunded)", 409)
        paid = entry.payload["payments"] or [{"method": "cash", "amount_fen": entry.payload["total_fen"]}]
        back = self.outbox.refunded_by_method(entry.order_no)
        shares = split_refund([(p["method"], p["amount_fen"] - back.get(p["method"], 0)) for p in paid], amount)
        payment = entry.extra.get("payment")
        network = [(m, a) for m, a in shares if m in NETWORK_METHODS and a > 0]
        if network:
            if payment is None:  # pragma: no cover (an electronic part always has its payment)
                raise TillError("找不到原支付记录 (the original payment is not known)", 409)
            if not self.forwarder.online:
                raise TillError(
                    "离线：需联网退回原支付方式 (offline: the refund must go back to the original method)", 503
                )
            try:
                response = self.client.refund_payment(payment["id"], network[0][1], reason)
            except Unreachable as exc:
                raise TillError("支付网络无应答，请重试 (the payment network did not answer)", 503) from exc
            if response.status_code != 201:
                raise TillError(f"退款失败 (refund refused): {response.json().get('detail', '')}", 409)
        methods = [{"method": m, "amount_fen": a} for m, a in shares if a > 0]
        self.outbox.add_refund(entry.order_no, amount, reason[:200], {"method": methods[0]["method"]}, methods)
        self.forwarder.wake()
        return {
            "order_no": entry.order_no,
            "amount_fen": amount,
            "method": "+".join(str(m["method"]) for m in methods),
            "methods": methods,
        }

    # --- dead letters: the supervisor fixes and resends, or discards with a reason ----------------------------

    def dead_letters(self) -> list[dict[str, Any]]:
        return [
            {
                "id": e.id,
                "kind": e.kind,
                "order_no": e.order_no,
                "till_seq": e.till_seq,
                "error": e.last_error,
                "attempts": e.attempts,
                "payload": e.payload,
            }
            for e in self.outbox.entries("dead")
        ]

    def _dead(self, entry_id: int) -> Entry:
        entry = self.outbox.get(entry_id)
        if entry is None or entry.state != "dead":
            raise TillError(f"没有这条待处理记录 (no dead letter {entry_id})", 404)
        return entry

    def fix_dead(self, entry_id: int, lines: list[CartLine]) -> dict[str, Any]:
        """A dead sale with its lines' SKU codes and quantities corrected, priced again, back in the queue.

        A changed SKU takes the catalogue cache's name and price; an unchanged one keeps what was sold. The
        total may change only for a sale paid wholly in cash (its cash follows the new total): an electronic
        payment has already moved that amount through the network."""
        entry = self._dead(entry_id)
        if entry.kind != "sale":
            return self.resend_dead(entry_id)
        order = entry.payload
        if len(lines) != len(order["lines"]):
            raise TillError("行数不符 (the fix must give every line of the sale)")
        rows = []
        for n, (line, fix) in enumerate(zip(order["lines"], lines, strict=True), start=1):
            if fix.quantity <= 0 or fix.quantity > 9999:
                raise TillError(f"第 {n} 行数量无效 (line {n}: bad quantity {fix.quantity})")
            row = dict(line)
            code = fix.code.strip()
            if code != line["sku"]:
                item = self.lookup(code)
                row.update(sku=item["sku"], name=item["name"][:120], unit_price_fen=item["price_fen"])
            gross = row["unit_price_fen"] * fix.quantity
            row.update(quantity=fix.quantity, discount_fen=min(row["discount_fen"], gross))
            row["total_fen"] = gross - row["discount_fen"]
            rows.append(row)
        subtotal = sum(row["total_fen"] for row in rows)
        discount = min(order["discount_fen"], subtotal)
        total = subtotal - discount
        payments = order["payments"]
        if total != order["total_fen"]:
            if any(p["method"] != "cash" for p in payments):
                raise TillError(
                    f"已电子支付 {receipt.yuan(order['total_fen'])} 元，合计不能改变；请作废并另行处理 "
                    "(paid electronically: the total must stay the same; discard it instead)",
                    409,
                )
            payments = [{"method": "cash", "amount_fen": total}] if total > 0 else []
        fixed = {**order, "lines": rows, "subtotal_fen": subtotal, "discount_fen": discount, "total_fen": total}
        fixed["payments"] = payments
        self.outbox.resend(entry_id, fixed)
        self.forwarder.wake()
        return {"id": entry_id, "state": "queued", "order_no": entry.order_no, "total_fen": total}

    def resend_dead(self, entry_id: int, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        self._dead(entry_id)
        entry = self.outbox.resend(entry_id, payload)
        self.forwarder.wake()
        return {"id": entry.id, "state": entry.state, "order_no": entry.order_no}

    def discard_dead(self, entry_id: int, reason: str) -> dict[str, Any]:
        reason = reason.strip()
        if len(reason) < 2:
            raise TillError("请写明作废原因 (give the reason for discarding it)")
        self._dead(entry_id)
        entry = self.outbox.discard(entry_id, reason[:200])
        log.warning("dead letter %s (%s) discarded: %s", entry.id, entry.order_no, reason)
        self.forwarder.wake()  # the store hears of it in the next round (its missing-sale alarm closes)
        return {"id": entry.id, "state": entry.state, "order_no": entry.order_no}

    # --- the shift ------------------------------------------------------------------------------------------

    def close_shift(self) -> dict[str, Any]:
        """Flush the outbox first; refuse (saying why) while sales are still queued or dead-lettered."""
        left = self.forwarder.flush(self.settings.flush_wait_s)
        dead = self.outbox.counts()["dead"]
        pending = len(self.outbox.pending())
        if left or dead or pending:
            raise TillError(
                f"不能结班：{left} 笔待上传，{dead} 笔需主管处理，{pending} 笔支付待确认 "
                f"(cannot close: {left} queued, {dead} dead letters, {pending} payments pending)",
                409,
            )
        self.outbox.set_meta("shift_state", "closed")
        self.forwarder.heartbeat()
        return {"shift": "closed"}

    def open_shift(self) -> dict[str, Any]:
        self.outbox.set_meta("shift_state", "open")
        return {"shift": "open"}
