"""即时送达 and 直播服务 in the back office: delivery SLA per month, the live calendar and a session's sales.

S7: each month's delivery orders measured against the promise fixed when they were placed (same day,
next working day). S8: the live programme as a month calendar, each session's type, and the orders its
link, QR code or coupons brought (stamped when the order was created).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from admin import i18n
from admin.deps import CheckedForm, StaffContext, require_role
from admin.i18n import N_
from admin.pages.formats import number, yuan
from admin.render import render
from store import workdays
from store.auth.models import Role
from store.clock import business_day, month_key, utcnow
from store.db import SessionDep
from store.delivery import service as delivery_service
from store.errors import StoreError
from store.kpi.errors import PeriodError
from store.kpi.periods import add_months, parse_month
from store.live import service as live_service
from store.live.schemas import BEYOND_SELLING, LiveProductIn, LiveSessionCreate, Platform, SessionKind
from store.premises import service as premises_service

router = APIRouter(prefix="/admin", include_in_schema=False)

OmniReader = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.marketing))]
SLA_MONTHS = 12
LEVELS = {"same_day": N_("Same day"), "next_day": N_("Next day")}
STATUSES = {
    "placed": N_("Placed"),
    "dispatched": N_("Dispatched"),
    "handed_over": N_("Handed over"),
    "delivered": N_("Delivered"),
    "cancelled": N_("Cancelled"),
}
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
KINDS = {"selling": N_("Selling"), "brand_pick": N_("Brand pick"), "launch": N_("Launch"), "event": N_("Event")}
PLATFORMS = {
    "douyin": N_("Douyin"),
    "wechat_channels": N_("WeChat Channels"),
    "taobao": N_("Taobao Live"),
    "kuaishou": N_("Kuaishou"),
    "xiaohongshu": N_("Xiaohongshu"),
    "own": N_("Own mini-program"),
    "other": N_("Other"),
}


def _local(tz: str) -> object:
    zone = ZoneInfo(tz)

    def show(moment: datetime | None, spec: str = "%Y-%m-%d %H:%M") -> str:
        return "—" if moment is None else moment.astimezone(zone).strftime(spec)

    return show


def _due(tz: str) -> object:
    """The promised day of an exclusive deadline (the next day's midnight): the day it ends."""
    zone = ZoneInfo(tz)

    def show(deadline: datetime) -> str:
        return (deadline - timedelta(microseconds=1)).astimezone(zone).strftime("%Y-%m-%d")

    return show


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


@dataclass(frozen=True)
class SlaRow:
    month: str
    measured: int
    open: int
    same_day: str
    next_day: str
    promise: str
    full_next_day: bool


@router.get("/deliveries", response_class=HTMLResponse)
def deliveries(request: Request, session: SessionDep, staff: OmniReader) -> HTMLResponse:
    """Delivery SLA per month against the promise fixed at placement, and the latest deliveries."""
    today = business_day(utcnow(), staff.store_timezone)
    first = add_months(today.replace(day=1), -(SLA_MONTHS - 1))
    months = delivery_service.monthly_sla(session, staff.store_id, first, today)
    rows = [
        SlaRow(
            m.label,
            m.measured,
            m.open,
            _pct(m.same_day_met, m.measured),
            _pct(m.next_day_met, m.measured),
            _pct(m.promise_met, m.measured),
            m.measured > 0 and m.next_day_met == m.measured,
        )
        for m in reversed(months)
    ]
    recent = delivery_service.list_deliveries(session, staff.store_id, today - timedelta(days=30), today, limit=50)
    ahead = {today.year, (today + timedelta(days=45)).year}
    context = {
        "unpublished": ", ".join(str(y) for y in sorted(ahead) if not workdays.is_published(y)),
        "rows": rows,
        "recent": recent,
        "cutoff": delivery_service.cutoff(session, staff.store_id).strftime("%H:%M"),
        "levels": LEVELS,
        "statuses": STATUSES,
        "local": _local(staff.store_timezone),
        "due": _due(staff.store_timezone),
    }
    return render(request, "omni/deliveries.html", context, staff=staff)


@router.get("/live", response_class=HTMLResponse)
def live_calendar(request: Request, session: SessionDep, staff: OmniReader, month: str | None = None) -> HTMLResponse:
    """The live programme of one month as a calendar, with the sessions beyond pure selling counted (S8)."""
    today = business_day(utcnow(), staff.store_timezone)
    try:
        first = parse_month(month, name="month") if month else today.replace(day=1)
    except PeriodError:
        first = today.replace(day=1)
    last = add_months(first, 1) - timedelta(days=1)
    sessions = live_service.list_between(session, staff.store_id, first, last, staff.store_timezone)
    totals = live_service.attributed_totals(session, staff.store_id, [s.id for s in sessions])  # type: ignore[misc]
    by_day: dict[date, list] = {}
    for row in sessions:
        by_day.setdefault(business_day(row.starts_at, staff.store_timezone), []).append(row)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    context = {
        "month": month_key(first),
        "previous": month_key(add_months(first, -1)),
        "next": month_key(add_months(first, 1)),
        "weeks": weeks,
        "first": first,
        "by_day": by_day,
        "totals": totals,
        "count": len(sessions),
        "beyond": sum(1 for s in sessions if s.kind in BEYOND_SELLING),
        "kinds": KINDS,
        "platforms": PLATFORMS,
        "local": _local(staff.store_timezone),
        "today": today,
        "weekdays": WEEKDAYS,
    }
    return render(request, "omni/live_calendar.html", context, staff=staff)


LiveProgrammer = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.marketing))]
LIVE_FIELDS = ("title", "platform", "kind", "host", "shop_id", "starts_at", "ends_at", "skus", "coupons")


def _live_form(
    request: Request, session: Any, staff: StaffContext, *, values: dict[str, str], error: str = "", status: int = 200
) -> HTMLResponse:
    context = {
        "values": values,
        "error": error,
        "kinds": KINDS,
        "platforms": PLATFORMS,
        "shops": premises_service.list_shops(session, staff.store_id),
    }
    return render(request, "omni/live_new.html", context, staff=staff, status_code=status)


def _live_of(form: dict[str, str], tz: str) -> LiveSessionCreate:
    """The form as a session; a time that is no date and time is refused clearly."""

    def moment(name: str) -> datetime:
        raw = form.get(name, "").strip()
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=ZoneInfo(tz))
        except ValueError:
            raise StoreError(f"{raw!r} is not a date and time") from None

    def items(name: str) -> list[str]:
        return [x for x in re.split(r"[\s,，;；]+", form.get(name, "")) if x]

    try:
        return LiveSessionCreate(
            title=form.get("title", "").strip(),
            platform=Platform(form.get("platform") or "own"),
            kind=SessionKind(form.get("kind") or "selling"),
            host=form.get("host", "").strip()[:60],
            shop_id=int(form["shop_id"]) if form.get("shop_id", "").isdigit() else None,
            starts_at=moment("starts_at"),
            ends_at=moment("ends_at"),
            products=[LiveProductIn(sku=sku) for sku in items("skus")],
            coupons=items("coupons"),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise StoreError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


@router.get("/live/new", response_class=HTMLResponse)
def new_live_session(request: Request, session: SessionDep, staff: LiveProgrammer) -> HTMLResponse:
    """The form to schedule a live session with its products and session-bound coupons."""
    return _live_form(request, session, staff, values={"platform": "douyin", "kind": "selling"})


@router.post("/live/new", response_class=HTMLResponse)
def schedule_live_session(request: Request, session: SessionDep, staff: LiveProgrammer, form: CheckedForm) -> Response:
    """Schedule the session (products priced by the one resolver); nothing is written on an error."""
    values = {k: form.get(k, "") for k in LIVE_FIELDS}
    try:
        data = _live_of(form, staff.store_timezone)
        with session.begin_nested():
            row = live_service.schedule(session, staff.store_id, data)
    except StoreError as exc:
        message = i18n.gettext(exc.message, i18n.negotiate(request))
        return _live_form(request, session, staff, values=values, error=message, status=400)
    return RedirectResponse(f"/admin/live/{row.id}", status_code=303)


@router.get("/live/{session_id}", response_class=HTMLResponse)
def live_session(request: Request, session: SessionDep, staff: OmniReader, session_id: int) -> HTMLResponse:
    """One live session: schedule, products shown, coupons, and the orders attributed to it."""
    row = live_service.get(session, staff.store_id, session_id, viewer=staff)
    orders = live_service.attributed_orders(session, staff.store_id, session_id)
    count, revenue = live_service.attributed_totals(session, staff.store_id, [session_id]).get(session_id, (0, 0))
    shop = premises_service.get_shop(session, staff.store_id, row.shop_id) if row.shop_id else None
    context = {
        "live": row,
        "shop": shop,
        "products": live_service.products(session, session_id),
        "coupons": live_service.coupons(session, session_id),
        "orders": orders,
        "count": number(count),
        "revenue": yuan(revenue),
        "yuan": yuan,
        "kinds": KINDS,
        "platforms": PLATFORMS,
        "local": _local(staff.store_timezone),
    }
    return render(request, "omni/live_session.html", context, staff=staff)
