"""客流 Footfall as the entrance cameras count it: per entrance and day, per hour of a day, and occupancy."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from admin.deps import StaffContext, require_role
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.patrol import service as patrol_service
from store.premises import service as premises_service
from store.premises.models import ZoneKind

router = APIRouter(prefix="/admin", include_in_schema=False)

Reader = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.marketing, Role.security))]
DAYS = 14


@router.get("/footfall")
def footfall(request: Request, session: SessionDep, staff: Reader, day: str | None = None) -> Response:
    """Entrances × the last 14 days, the chosen day by hour, and each zone's latest occupancy."""
    today = business_day(utcnow(), staff.store_timezone)
    try:
        chosen = date.fromisoformat(day) if day else today
    except ValueError:
        chosen = today
    chosen = min(chosen, today)
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    entrances = premises_service.list_zones(session, staff.store_id, kind=ZoneKind.entrance)
    zones = {z.id: z for z in premises_service.list_zones(session, staff.store_id)}
    by_day = patrol_service.footfall_by_entrance_day(session, staff.store_id, days[0], days[-1])
    hours = patrol_service.footfall_by_hour(session, staff.store_id, chosen, staff.store_timezone)
    tz = ZoneInfo(staff.store_timezone)
    occupancy = [
        (zones[z].name if z in zones else z, at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), people)
        for z, at, people in patrol_service.latest_occupancy(session, staff.store_id)
    ]
    context = {
        "days": days,
        "entrances": entrances,
        "by_day": by_day,
        "day_totals": {d: sum(by_day.get((z.id or 0, d), (0, 0))[0] for z in entrances) for d in days},
        "chosen": chosen,
        "hours": hours,
        "peak": max((i for i, _ in hours.values()), default=0) or 1,
        "occupancy": occupancy,
    }
    return render(request, "patrol/footfall.html", context, staff=staff)
