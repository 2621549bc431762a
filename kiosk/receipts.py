"""The e-receipt: the phone page a till receipt's QR code opens (issue 12), ``/kiosk/m/receipts/{token}``.

The token is a ``store.signed_codes`` code the till signs with its own receipt key (``GET /pos/receipt-key``),
offline too: ``[device id, order number]``, good for 400 days. Without the key nobody can make one, so a
receipt cannot be found by guessing order numbers. The page shows the store and shop, the lines, totals,
payments (one row per method of a split tender), refunds and the member's points; a sale without a member
shows what a member would earn and how to claim it. A sale the till has not forwarded yet says so.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kiosk import i18n
from kiosk.web import render
from store.db import SessionDep
from store.errors import StoreError
from store.pos import service as pos_service

router = APIRouter(prefix="/kiosk", include_in_schema=False)


def N_(message: str) -> str:
    return message


METHODS = {
    "cash": N_("Cash"),
    "unionpay": N_("Bank card"),
    "wechat": N_("WeChat Pay"),
    "alipay": N_("Alipay"),
    "ecny": N_("e-CNY"),
    "stored_value": N_("Stored-value card"),
    "points": N_("Paid with points"),
    "coupon": N_("Coupon"),
    "other": N_("Other"),
}
TEXTS = (N_("this receipt link is not valid"),)


def yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


@router.get("/m/receipts/{token}")
def receipt_page(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    """The sale of a receipt, on the phone (390 px wide first), Chinese first."""
    locale = i18n.negotiate(request)
    try:
        view = pos_service.open_receipt(session, token[:600])
    except StoreError as exc:
        context = {
            "status": exc.status_code,
            "title": i18n.gettext(exc.title, locale),
            "detail": i18n.gettext(exc.message, locale),
            "store": None,
        }
        return render(request, "error.html", context, status_code=exc.status_code)
    tz = ZoneInfo(view.store.timezone)
    shop_name = ""
    if view.shop is not None:
        shop_name = (view.shop.name_en or view.shop.name) if locale == "en" else view.shop.name
    context = {
        "store": view.store,
        "view": view,
        "yuan": yuan,
        "method_name": lambda m: i18n.gettext(METHODS.get(str(m), str(m)), locale),
        "ordered_at": view.order.ordered_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if view.order else "",
        "shop_name": shop_name,
    }
    response = render(request, "receipt.html", context, status_code=200 if view.order else 404)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is the key: never sent on to another site
    return response
