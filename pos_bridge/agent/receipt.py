"""The paper receipt as ESC/POS bytes (python-escpos), Chinese in GB18030, on 58 mm or 80 mm paper.

Widths at 203 dpi with font A: 80 mm = 48 columns, 58 mm = 32; a CJK character takes two columns. Chinese text
is sent in the printer's Chinese mode (``FS &``) as GB18030 bytes: python-escpos's code-page encoder knows no
double-byte pages, so text goes through ``_raw`` and layout (align, bold, size, QR, cut) through its API.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

COLUMNS = {58: 32, 80: 48}
METHOD_NAMES = {
    "cash": "现金",
    "unionpay": "银行卡",
    "wechat": "微信支付",
    "alipay": "支付宝",
    "ecny": "数字人民币",
}


@dataclass
class ReceiptLine:
    name: str
    sku: str
    quantity: int
    unit_price_fen: int
    total_fen: int


@dataclass
class Receipt:
    store_name: str
    shop_name: str
    order_no: str
    till_code: str
    ordered_at: datetime
    lines: list[ReceiptLine]
    subtotal_fen: int
    discount_fen: int
    total_fen: int
    payments: list[tuple[str, int]]  # (method, fen)
    member_no: str | None = None
    points_estimate: int | None = None  # the member's points for this sale (awarded by the store)
    qr_url: str = ""
    reprint: bool = False
    refund_fen: int = 0
    notes: list[str] = field(default_factory=list)


def width(text: str) -> int:
    """Columns the text takes on the paper (East Asian wide and full-width characters: two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, columns: int) -> str:
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > columns:
            break
        out, used = out + ch, used + w
    return out


def spread(left: str, right: str, columns: int) -> str:
    """``left`` and ``right`` on one line, ``right`` flush to the edge (``left`` cut to fit)."""
    left = fit(left, columns - width(right) - 1)
    return left + " " * (columns - width(left) - width(right)) + right


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def render(receipt: Receipt, *, paper_mm: int = 80) -> bytes:
    """The receipt's bytes, ready for any ESC/POS printer."""
    if paper_mm not in COLUMNS:
        raise ValueError(f"paper must be 58 or 80 mm, not {paper_mm}")
    from escpos.printer import Dummy  # python-escpos loads its printer database (about a second): not at start-up

    cols = COLUMNS[paper_mm]
    p = Dummy()

    def text(line: str = "") -> None:
        p._raw(line.encode("gb18030") + b"\n")

    p.hw("INIT")
    p._raw(b"\x1c\x26")  # FS &: Chinese (double-byte) mode, GB18030 text from here on
    p.set(align="center", bold=True, double_height=True, double_width=True)
    text(fit(receipt.store_name, cols // 2))
    p.set(normal_textsize=True, bold=False, align="center")
    text(fit(receipt.shop_name, cols))
    if receipt.reprint:
        p.set(bold=True)
        text("** 重打小票 REPRINT **")
        p.set(bold=False)
    p.set(align="left")
    text(spread("单号", receipt.order_no, cols))
    text(spread("收银台", receipt.till_code, cols))
    text(spread("时间", receipt.ordered_at.strftime("%Y-%m-%d %H:%M:%S"), cols))
    text("-" * cols)
    for line in receipt.lines:
        text(fit(line.name or line.sku, cols))
        text(spread(f"  {line.sku} {line.quantity} x {yuan(line.unit_price_fen)}", yuan(line.total_fen), cols))
    text("-" * cols)
    text(spread("小计", yuan(receipt.subtotal_fen), cols))
    if receipt.discount_fen:
        text(spread("优惠", yuan(-receipt.discount_fen), cols))
    p.set(bold=True, double_height=True)
    text(spread("合计", "￥" + yuan(receipt.total_fen), cols))
    p.set(bold=False, normal_textsize=True)
    for method, fen in receipt.payments:
        text(spread(METHOD_NAMES.get(method, method), yuan(fen), cols))
    if receipt.refund_fen:
        text(spread("已退款", yuan(-receipt.refund_fen), cols))
    if receipt.member_no:
        text(spread("会员", receipt.member_no, cols))
        if receipt.points_estimate is not None:
            text(spread("本单积分", f"+{receipt.points_estimate}", cols))
    for note in receipt.notes:
        text(fit(note, cols))
    if receipt.qr_url:
        p.set(align="center")
        text("扫码查看电子小票" if receipt.member_no else "扫码领取积分 / 电子小票")
        p.qr(receipt.qr_url, native=True, size=6 if paper_mm == 80 else 4)
    p.set(align="center")
    text("谢谢惠顾 欢迎再次光临")
    p.cut()
    return bytes(p.output)
