"""The coupon hook of the cashier screen: marketing (``store/marketing``) plugs its redeemer in here.

The screen's coupon field calls :func:`get_redeemer().quote`; until a redeemer is registered the answer is
"coupons are not available at this till yet" and the sale goes on without a discount. A redeemer quotes the
discount for a cart (it may call the store's marketing API with the till's key); the till then sends the
discount as the order's ``discount_fen`` and the code in the sale's receipt data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CouponQuote:
    ok: bool
    discount_fen: int = 0
    message: str = ""


class CouponRedeemer(Protocol):
    def quote(self, code: str, subtotal_fen: int, member_id: int | None) -> CouponQuote: ...


class NoCoupons:
    def quote(self, code: str, subtotal_fen: int, member_id: int | None) -> CouponQuote:
        return CouponQuote(False, 0, "本收银台暂不支持优惠券 (coupons are not available at this till yet)")


_REDEEMER: CouponRedeemer = NoCoupons()


def register(redeemer: CouponRedeemer) -> None:
    global _REDEEMER
    _REDEEMER = redeemer


def get_redeemer() -> CouponRedeemer:
    return _REDEEMER
