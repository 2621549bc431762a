"""The phone page a kiosk's coupon claim QR opens (``/kiosk/m/claim``; the kiosk's ``claim_hook`` calls
:func:`kiosk_claim`): the promotion, the coupon of the campaign linked to it, and the claim.

The member signs in on the page with the phone and a one-time SMS code (``POST /api/v1/members/sign-in/code``
then ``/sign-in``, the mini-program's own sign-in), and claims with that member token
(``POST /api/v1/marketing/coupons/{id}/claim``, channel ``kiosk``): the per-member limit, the total quantity and
the validity are the service's checks, and a refusal is shown as a readable sentence beside the button. The page
script is ``/kiosk/static/coupon-claim.js`` (the CSP allows no inline script). A coupon that cannot be claimed
(not started, ended, sold out) is said on the page itself, with no form.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from store.catalog import service as catalog_service
from store.clock import utcnow
from store.i18n import PageTexts
from store.marketing import service
from store.marketing.models import Coupon
from store.premises import service as premises_service

PAGES = PageTexts(Path(__file__).parent / "phone", cookie_max_age_s=3600)
STATUS = {"open": 200, "none": 200, "not-started": 400, "ended": 400, "sold-out": 409}


def yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen / 100:.2f}"


def coupon_terms(coupon: Coupon) -> dict[str, Any]:
    """The figures a coupon card shows (the template words them in the page's language)."""
    return {
        "kind": coupon.kind,
        "amount": yuan(coupon.amount_off_fen),
        "percent": coupon.percent_off,
        "discount": f"{(100 - coupon.percent_off) / 10:g}",  # 20 % off → 8 折
        "cap": yuan(coupon.cap_fen) if coupon.cap_fen else "",
        "threshold": yuan(coupon.threshold_fen) if coupon.threshold_fen else "",
        "left": max(coupon.total_quantity - coupon.issued_count, 0),
        "limit": coupon.per_member_limit,
    }


def _switch(request: Request, lang: str) -> str:
    return str(request.url.include_query_params(lang=lang).replace(scheme="", netloc=""))


def kiosk_claim(session: Session, store_id: int, promotion_id: int, request: Request) -> Response:
    """The claim page of ``promotion_id`` (the kiosk checked the signed code and the promotion's store)."""
    locale = PAGES.negotiate(request)
    store = premises_service.get_store(session, store_id)
    promotion = next(p for p in catalog_service.list_promotions(session, store_id, limit=1000) if p.id == promotion_id)
    offer = service.kiosk_offer(session, store_id, promotion_id, utcnow())
    zone = ZoneInfo(store.timezone)

    def local(moment: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return moment.astimezone(zone).strftime(fmt)

    coupon = offer.coupon
    context = {
        "request": request,
        "store": store,
        "promotion": promotion,
        "promotion_until": local(promotion.ends_at, "%Y-%m-%d"),
        "offer": offer,
        "terms": coupon_terms(coupon) if coupon else None,
        "valid_from": local(coupon.valid_from) if coupon else "",
        "valid_until": local(coupon.valid_until) if coupon else "",
        "url_zh": _switch(request, "zh"),
        "url_en": _switch(request, "en"),
    }
    html = PAGES.environment(locale).get_template("claim.html").render(context)
    response = HTMLResponse(html, status_code=STATUS[offer.state])
    PAGES.remember_choice(request, response)
    return response
