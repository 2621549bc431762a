"""A decoded receipt + a tenant's template → a parsed sale, or the reason it is not one (pure).

The health score of one receipt: 70 points for the fields found (receipt number, time, total, item lines,
payments: 14 each), 30 for the lines adding up to the total (and payments, when read, to the total too).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from store.capture.escpos import Decoded, decode
from store.capture.schemas import JobKind, ParsedLine, ParsedPayment, ParsedReceipt, TemplateSpec
from store.sales.schemas import Channel, OrderCreate, OrderLineIn, PaymentIn, PaymentMethod, Source

MAX_FEN = 10**13  # ¥100 billion: anything larger read from a receipt is not money
FIELDS = ("receipt_no", "time", "total", "lines", "payments")
_AMOUNT = re.compile(r"-?\d[\d,]*(?:\.\d{1,2})?|-?\.\d{1,2}")
# A receipt with fewer text lines than this beside an image was printed as a picture.
IMAGE_TEXT_LINES = 3


def amount_fen(text: str) -> int | None:
    """``"¥1,234.5"`` → 123450; None when there is no amount in ``text``."""
    found = _AMOUNT.search(text.replace("￥", "").replace("¥", "").replace(" ", ""))
    if found is None:
        return None
    try:
        fen = int((Decimal(found.group().replace(",", "")) * 100).to_integral_value())
    except InvalidOperation:
        return None
    return fen if abs(fen) < MAX_FEN else None  # a run of digits, not an amount


def _first(pattern: str, text: str) -> str | None:
    if not pattern:
        return None
    found = re.search(pattern, text, re.MULTILINE)
    if found is None:
        return None
    value = found.group(1) if found.groups() else found.group()
    return value.strip() if value is not None else None  # an optional group that did not take part


def _quantity(text: str | None) -> int:
    if not text:
        return 1
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return 1
    return int(value) if value == value.to_integral_value() and 0 < value < 100_000 else 1


def _lines(spec: TemplateSpec, lines: list[str]) -> list[ParsedLine]:
    if not spec.line:
        return []
    pattern, found = re.compile(spec.line), []
    for text in lines:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        qty = _quantity(groups.get("qty"))
        price = amount_fen(groups["price"]) if groups.get("price") else None
        amount = amount_fen(groups["amount"]) if groups.get("amount") else None
        if amount is None and price is not None:
            amount = price * qty
        if price is None and amount is not None:
            price, qty = (amount // qty, qty) if amount % qty == 0 else (amount, 1)
        if amount is None or price is None:
            continue
        if price * qty != amount:  # a line discount: keep the arithmetic whole (the API checks it)
            price, qty = amount, 1
        name = (groups.get("name") or "").strip()[:120] or "item"
        sku = (groups.get("sku") or "").strip()[:64]
        found.append(ParsedLine(name=name, sku=sku, quantity=qty, unit_price_fen=price, total_fen=amount))
    return found


def _payments(spec: TemplateSpec, lines: list[str]) -> list[ParsedPayment]:
    if not spec.payment:
        return []
    pattern, found = re.compile(spec.payment), []
    methods = {key.lower(): value for key, value in spec.payment_methods.items()}
    for text in lines:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        label = (groups.get("method") or "").strip().lower()
        amount = amount_fen(groups.get("amount") or "")
        method = next((m for key, m in methods.items() if key and key in label), None)
        if amount is None or amount <= 0 or method is None:
            continue
        found.append(ParsedPayment(method=method, amount_fen=amount))
    return found


def score(found: dict[str, bool], adds_up: bool) -> int:
    """0–100: 14 per field found (of five), 30 when the lines and payments add up to the total."""
    return 14 * sum(found.get(name, False) for name in FIELDS) + (30 if adds_up else 0)


def _time(spec: TemplateSpec, text: str) -> datetime | None:
    raw = _first(spec.time, text)
    if raw is None:
        return None
    try:
        return datetime.strptime(raw, spec.time_format)
    except ValueError:
        return None


def parse_decoded(decoded: Decoded, spec: TemplateSpec) -> ParsedReceipt:
    """What ``spec`` reads in ``decoded``: a sale, or the kind of slip it is and why it is not a sale."""
    lines = decoded.text_lines
    text = "\n".join(lines)
    if decoded.images and len(lines) < IMAGE_TEXT_LINES:
        reason = (
            f"以图片打印，无文字可读，留待复核 / printed as an image ({decoded.images[0]}): "
            "no text to read, kept for review"
        )
        return ParsedReceipt(kind=JobKind.image, reason=reason)
    if spec.report and re.search(spec.report, text, re.IGNORECASE):
        return ParsedReceipt(kind=JobKind.report, reason="X/Z 报表，非销售 / X/Z report: not a sale", receipt_no=None)
    receipt_no, ordered_at, total = _first(spec.receipt_no, text), _time(spec, text), None
    total_text = _first(spec.total, text)
    if total_text is not None:
        total = amount_fen(total_text)
    discount_text = _first(spec.discount, text)
    discount = abs(amount_fen(discount_text) or 0) if discount_text else 0
    items, payments = _lines(spec, lines), _payments(spec, lines)
    if not spec.line and total is not None:  # a template without item lines: the receipt is one line
        items = [ParsedLine(name="小票合计", quantity=1, unit_price_fen=total + discount, total_fen=total + discount)]
    found = {
        "receipt_no": receipt_no is not None,
        "time": ordered_at is not None,
        "total": total is not None,
        "lines": bool(items),
        "payments": bool(payments),
    }
    adds_up = (
        total is not None
        and bool(items)
        and sum(i.total_fen for i in items) - discount == total
        and (not payments or sum(p.amount_fen for p in payments) == total)
    )
    parsed = ParsedReceipt(
        kind=JobKind.sale,
        receipt_no=receipt_no,
        ordered_at=ordered_at,
        total_fen=total,
        discount_fen=discount,
        lines=items,
        payments=payments,
        missing=[name for name in FIELDS if not found[name]],
        adds_up=adds_up,
        score=score(found, adds_up),
    )
    if decoded.unsure or (decoded.replaced and decoded.replaced * 10 > len(text)):
        parsed.kind, parsed.reason = (
            JobKind.unparsed,
            "文字无法识别：代码页错误或未知 / unreadable text: wrong or unknown code page",
        )
        if decoded.warnings:
            parsed.reason += f" ({decoded.warnings[0]})"
    elif spec.reprint and re.search(spec.reprint, text, re.IGNORECASE):
        parsed.kind, parsed.reason = (
            JobKind.reprint,
            "重打小票：销售只在首次打印时计一次 / reprint (重打): the sale counts once, when first printed",
        )
    elif spec.refund and re.search(spec.refund, text, re.IGNORECASE):
        parsed.kind, parsed.reason = JobKind.refund, "退货单，留待复核 / refund slip: kept for review"
    elif receipt_no is None or total is None or ordered_at is None:
        missing = ", ".join(name for name in ("receipt_no", "time", "total") if not found[name])
        parsed.kind, parsed.reason = JobKind.unparsed, f"模板未找到 {missing} / the template found no {missing}"
    elif not adds_up:
        parsed.kind, parsed.reason = (
            JobKind.unparsed,
            "商品行或支付与合计不符 / the item lines or payments do not add up to the total",
        )
    return parsed


def parse(data: bytes, spec: TemplateSpec) -> ParsedReceipt:
    """Decode ``data`` and read it with ``spec``."""
    return parse_decoded(decode(data, chinese_default=spec.chinese_default), spec)


def order_no(shop_id: int, receipt_no: str) -> str:
    """The store-wide order number of a tenant's receipt: its till's numbers are unique only in its shop."""
    return f"CAP{shop_id}-{receipt_no}"[:64]


def idempotency_key(sha256: str) -> str:
    """One key per receipt's bytes: the same receipt uploaded again (a retry, a replay) is one sale."""
    return f"capture-{sha256}"


def to_order(parsed: ParsedReceipt, shop_id: int, timezone: str) -> OrderCreate:
    """The sale a parsed receipt records (``parsed.kind`` must be ``sale``); the till's clock is local time."""
    assert parsed.receipt_no is not None and parsed.ordered_at is not None and parsed.total_fen is not None
    lines = [
        OrderLineIn(
            sku=line.sku or "CAPTURED",
            name=line.name,
            quantity=line.quantity,
            unit_price_fen=line.unit_price_fen,
            total_fen=line.total_fen,
        )
        for line in parsed.lines
    ]
    payments = [PaymentIn(method=p.method, amount_fen=p.amount_fen) for p in parsed.payments]
    if not payments and parsed.total_fen > 0:
        payments = [PaymentIn(method=PaymentMethod.other, amount_fen=parsed.total_fen)]
    return OrderCreate(
        order_no=order_no(shop_id, parsed.receipt_no),
        shop_id=shop_id,
        channel=Channel.offline,
        source=Source.receipt_capture,
        ordered_at=parsed.ordered_at.replace(tzinfo=ZoneInfo(timezone)),
        subtotal_fen=sum(line.total_fen for line in lines),
        discount_fen=parsed.discount_fen,
        total_fen=parsed.total_fen,
        lines=lines,
        payments=payments,
    )
