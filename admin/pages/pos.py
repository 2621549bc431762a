"""收银 POS: the store's own tills — status, last heartbeat, outbox backlog, missing-sale alarms, price books.

Capture boxes, parse templates and the review queue (tenants' own POS) have their pages under
``/admin/pos/capture…``; this page is the section's front: the terminals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from admin.deps import StaffContext, require_role
from admin.i18n import N_
from admin.render import render
from store.auth.models import Role
from store.db import SessionDep
from store.pos import service as pos_service
from store.premises import service as premises_service

router = APIRouter(prefix="/admin/pos", include_in_schema=False)

Viewer = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.tenant))]
STATE_LABELS = {"online": N_("Online"), "silent": N_("Silent"), "never": N_("Never reported")}


@router.get("")
def terminals(request: Request, session: SessionDep, staff: Viewer) -> Response:
    """The tills: heartbeat, outbox backlog, dead letters, missing sales, price-book version."""
    page = pos_service.tills(session, staff.store_id, shop_id=staff.shop_id)
    shops = {s.id: f"{s.code} · {s.name}" for s in premises_service.list_shops(session, staff.store_id)}
    zone = ZoneInfo(staff.store_timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"

    context = {"page": page, "shops": shops, "local": local, "state_labels": STATE_LABELS}
    return render(request, "pos/terminals.html", context, staff=staff)
