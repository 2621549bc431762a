"""Online orders in the back office (issue 11 item 3): the mini-program's orders by status, with their payment,
fulfilment (pick-up or delivery with the promise fixed at placement) and live session; addresses masked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from admin.deps import StaffContext, require_role
from admin.i18n import N_
from admin.pages.formats import yuan
from admin.render import render
from store.auth.models import Role
from store.db import SessionDep
from store.mall import service as mall_service
from store.mall.schemas import MallStatus
from store.premises import service as premises_service

router = APIRouter(prefix="/admin", include_in_schema=False)

OrderReader = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.marketing, Role.tenant))]
STATUSES = {
    "awaiting_payment": N_("Awaiting payment"),
    "payment_pending": N_("Payment being confirmed"),
    "paid": N_("Payment received"),
    "collected": N_("Picked up"),
    "cancelled": N_("Cancelled"),
}
FULFILMENTS = {"pickup": N_("Pick-up in store"), "delivery": N_("Delivery")}
LEVELS = {"same_day": N_("Same day"), "next_day": N_("Next day")}
CHANNELS = {"online": N_("Online (mini-program)"), "live": N_("Live")}
PAGE = 50


def _mask(address: str) -> str:
    return address[:6] + "****" if address else ""


@router.get("/online-orders", response_class=HTMLResponse)
def online_orders(
    request: Request, session: SessionDep, staff: OrderReader, status: str | None = None, page: int = 1
) -> HTMLResponse:
    """The mini-program's orders, newest first (tenant staff: their shop's), filtered by status."""
    chosen = MallStatus(status) if status in STATUSES else None
    page = max(page, 1)
    rows, total = mall_service.list_orders(
        session, staff.store_id, viewer=staff, status=chosen, limit=PAGE, offset=(page - 1) * PAGE
    )
    shops = {s.id: s for s in premises_service.list_shops(session, staff.store_id)}
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(staff.store_timezone)
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max((total + PAGE - 1) // PAGE, 1),
        "status": chosen.value if chosen else "",
        "statuses": STATUSES,
        "fulfilments": FULFILMENTS,
        "levels": LEVELS,
        "channels": CHANNELS,
        "shops": shops,
        "yuan": yuan,
        "mask": _mask,
        "local": lambda moment: "—" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
    }
    return render(request, "omni/online_orders.html", context, staff=staff)
