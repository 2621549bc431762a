"""智能停车 Parking: the cars in the car park with what each owes, the gates and their last read, the fee rule."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from admin.deps import CheckedForm, StaffContext, require_role
from admin.pages.formats import yuan
from admin.pages.premises import save
from admin.render import render
from store.auth.models import Role
from store.clock import utcnow
from store.db import SessionDep
from store.errors import InvalidInput, StoreError
from store.parking import plates
from store.parking import service as parking_service
from store.parking.schemas import FeeRuleUpdate

router = APIRouter(prefix="/admin/parking", include_in_schema=False)

Viewer = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.security))]
Editor = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
GATE_SILENT_S = 3_600  # a gate with no read for an hour is shown as quiet


def _page(
    request: Request, session: Session, staff: StaffContext, failure: StoreError | None = None, status: int = 200
) -> Response:
    zone = ZoneInfo(staff.store_timezone)
    now = utcnow()

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"

    zones = {z.id: z for z in parking_service.list_zones(session, staff.store_id)}
    stays = []
    for stay in parking_service.in_lot(session, staff.store_id, limit=200):
        quote = parking_service.quote(session, stay, now=now)
        found = zones.get(stay.zone_id or 0)
        stays.append(
            {
                "plate": plates.mask(stay.plate) if staff.role == Role.security else stay.plate,
                "zone": found.code if found else "—",
                "space": stay.space or "—",
                "entered": local(stay.entered_at),
                "minutes": quote.stay_s // 60,
                "paid": quote.paid_fen,
                "owed": quote.owed_fen,
                "member": stay.member_id is not None,
            }
        )
    gates = [
        {
            "gate": g,
            "zone": zones[g.zone_id].code if g.zone_id in zones else "—",
            "last": local(g.last_event_at),
            "quiet": g.last_event_at is None or (now - g.last_event_at).total_seconds() > GATE_SILENT_S,
        }
        for g in parking_service.list_gates(session, staff.store_id)
    ]
    context = {
        "stays": stays,
        "in_lot": parking_service.count_in_lot(session, staff.store_id),
        "gates": gates,
        "zones": list(zones.values()),
        "rule": parking_service.rule_row(session, staff.store_id),
        "may_edit": staff.can(Role.admin, Role.manager),
        "failure": failure,
        "saved": request.query_params.get("saved") == "1",
        "yuan": yuan,
    }
    return render(request, "parking/index.html", context, staff=staff, status_code=status)


@router.get("")
def index(request: Request, session: SessionDep, staff: Viewer) -> Response:
    """The car park now: cars in it with their fees, gate status, the fee rule."""
    return _page(request, session, staff)


@router.post("/fee-rule")
def save_rule(form: CheckedForm, request: Request, session: SessionDep, staff: Editor) -> Response:
    """Replace the fee rule; a value out of range is shown and nothing is saved."""
    values = {name: form.get(name, "").strip() for name in FeeRuleUpdate.model_fields}
    try:
        data = FeeRuleUpdate.model_validate({k: int(v) if v.isdigit() else v for k, v in values.items()})
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors() else ""
        return _page(request, session, staff, InvalidInput(f"{field}: a whole number in range"), status=400)
    _row, failure = save(session, lambda: parking_service.save_rule(session, staff.store_id, data))
    if failure:
        return _page(request, session, staff, failure, status=failure.status_code)
    return RedirectResponse("/admin/parking?saved=1", status_code=303)
