"""Self-service rentals in the back office (C4 智能自助服务设施): stations (desks, charging stations, vending
machines registered as facility devices) with their usage counts, the assets and their status, the rentals,
and the overdue list the worker flags (``store.rentals.jobs``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from admin import i18n
from admin.deps import CheckedForm, StaffContext, require_role
from admin.forms import blank_to_none, validate
from admin.i18n import N_
from admin.pages.premises import save
from admin.render import render
from store.assessment.rules_rentals import C4_NAMES
from store.auth.models import Role
from store.clock import utcnow
from store.db import SessionDep
from store.members.models import Member
from store.rentals import service as rentals_service
from store.rentals.schemas import AssetCreate, StationCreate

router = APIRouter(prefix="/admin/rentals", include_in_schema=False)

Operator = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.security))]
Editor = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
USAGE_DAYS = 30
KINDS = {
    "power_bank": N_("Power bank"),
    "wheelchair": N_("Wheelchair"),
    "stroller": N_("Stroller"),
    "umbrella": N_("Umbrella"),
}
STATION_KINDS = {"rental": N_("Rental desk"), "charging": N_("Phone charging"), "vending": N_("Vending machine")}
STATUSES = {
    "available": N_("Available"),
    "out": N_("Rented out"),
    "retired": N_("Retired"),
    "returned": N_("Returned"),
    "cancelled": N_("Cancelled"),
}


def _labels() -> dict[str, Any]:
    return {"kinds": KINDS, "station_kinds": STATION_KINDS, "statuses": STATUSES}


def _context(session: Session, staff: StaffContext) -> dict[str, Any]:
    now = utcnow()
    usage = rentals_service.station_usage(session, staff.store_id, now - timedelta(days=USAGE_DAYS), now)
    by_kind = rentals_service.usage_by_kind(session, staff.store_id, now - timedelta(days=USAGE_DAYS), now)
    stations = {u.station.id: u.station for u in usage}
    return _labels() | {
        "usage": usage,
        "assets": [(a, stations.get(a.station_id)) for a in rentals_service.list_assets(session, staff.store_id)],
        "c4": [(zh, en, by_kind.get(key, 0)) for key, (zh, en) in C4_NAMES.items()],
        "rental_stations": [s for s in stations.values() if s.kind == "rental"],
        "overdue": len(rentals_service.overdue(session, staff.store_id, now)),
        "can_edit": staff.role in (Role.admin, Role.manager),
        "values": {},
        "errors": {},
    }


@router.get("")
def index(request: Request, session: SessionDep, staff: Operator) -> Response:
    """Stations with their usage counts, assets with their status, and the C4 kinds in use."""
    return render(request, "rentals/index.html", _context(session, staff), staff=staff)


def _rows(session: Session, rentals: list[Any]) -> list[tuple[Any, Member | None]]:
    return [(r, rentals_service.member_of(session, r)) for r in rentals]


@router.get("/list")
def rentals_list(request: Request, session: SessionDep, staff: Operator) -> Response:
    """The latest rentals (members shown by number and masked phone only)."""
    rows = _rows(session, rentals_service.list_rentals(session, staff.store_id))
    context = _labels() | {"rows": rows, "overdue_only": False, "now": utcnow(), "assets": _assets(session, staff)}
    return render(request, "rentals/rentals.html", context, staff=staff)


@router.get("/overdue")
def overdue_list(request: Request, session: SessionDep, staff: Operator) -> Response:
    """Rentals past due and not back: the alerts of the rentals desk, longest overdue first."""
    rows = _rows(session, rentals_service.overdue(session, staff.store_id, utcnow()))
    context = _labels() | {"rows": rows, "overdue_only": True, "now": utcnow(), "assets": _assets(session, staff)}
    return render(request, "rentals/rentals.html", context, staff=staff)


def _assets(session: Session, staff: StaffContext) -> dict[int, Any]:
    return {a.id: a for a in rentals_service.list_assets(session, staff.store_id)}  # type: ignore[misc]


def _refused(
    request: Request, session: SessionDep, staff: StaffContext, values: dict[str, str], errors: Any
) -> Response:
    context = _context(session, staff) | {"values": values, "errors": errors}
    return render(request, "rentals/index.html", context, staff=staff, status_code=400)


@router.post("/stations")
def add_station(request: Request, session: SessionDep, form: CheckedForm, staff: Editor) -> Response:
    """Add a station; a charging station or vending machine is registered as a facility device too."""
    locale = i18n.negotiate(request)
    fields = ("code", "name", "name_en", "kind", "location", "device_code")
    values = {name: form.get(name, "") for name in fields}
    data, errors = validate(StationCreate, values, locale)
    if not errors:
        _row, failure = save(
            session, lambda: rentals_service.create_station(session, staff.store_id, **data.model_dump())
        )
        errors = {"__all__": failure.message} if failure else {}
    if errors:
        return _refused(request, session, staff, values, errors)
    return RedirectResponse("/admin/rentals?saved=1#stations", status_code=303)


@router.post("/assets")
def add_asset(request: Request, session: SessionDep, form: CheckedForm, staff: Editor) -> Response:
    """Add an asset to a rental desk (deposit in yuan; 0 means free for members)."""
    locale = i18n.negotiate(request)
    fields = ("code", "station_code", "kind", "deposit_yuan", "loan_minutes")
    values = {name: form.get(name, "") for name in fields}
    raw = blank_to_none(values, ("deposit_yuan", "loan_minutes"))
    try:
        deposit = round(float(raw.pop("deposit_yuan") or 0) * 100)
    except ValueError:
        deposit = -1
    data, errors = validate(
        AssetCreate, raw | {"deposit_fen": deposit, "loan_minutes": raw["loan_minutes"] or 240}, locale
    )
    if not errors:
        _row, failure = save(
            session, lambda: rentals_service.create_asset(session, staff.store_id, **data.model_dump())
        )
        errors = {"__all__": failure.message} if failure else {}
    if errors:
        errors = {("deposit_yuan" if k == "deposit_fen" else k): v for k, v in errors.items()}
        return _refused(request, session, staff, values, errors)
    return RedirectResponse("/admin/rentals?saved=1#assets", status_code=303)


@router.post("/return/{rental_no}")
def take_back(request: Request, session: SessionDep, form: CheckedForm, staff: Operator, rental_no: str) -> Response:
    """The desk takes an asset back without the member's code (left behind); the deposit is refunded."""
    _row, failure = save(
        session, lambda: rentals_service.return_by_staff(session, staff.store_id, rental_no[:24], by=staff.username)
    )
    if failure is not None:
        rows = _rows(session, rentals_service.list_rentals(session, staff.store_id))
        context = _labels() | {
            "rows": rows,
            "overdue_only": False,
            "now": utcnow(),
            "assets": _assets(session, staff),
            "error": i18n.gettext(failure.title, i18n.negotiate(request)),
        }
        return render(request, "rentals/rentals.html", context, staff=staff, status_code=failure.status_code)
    return RedirectResponse("/admin/rentals/list?saved=1", status_code=303)
