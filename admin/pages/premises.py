"""The premises page: floors, shops with their selling areas (坪效's m²) and staff (人效's headcount)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from admin import i18n
from admin.deps import BACK_OFFICE, CheckedForm, StaffContext, require_role
from admin.forms import FieldErrors, blank_to_none, store_error_fields, validate
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES
from store.premises.models import Floor, Shop, StaffHeadcount
from store.premises.schemas import HeadcountSet, ShopCreate, ShopUpdate

router = APIRouter(prefix="/admin/premises", include_in_schema=False)

# Everyone in the back office may look (tenant staff at their own shop); cashiers work at the till.
Viewer = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE, Role.marketing, Role.security, Role.tenant))]
Editor = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE))]
HeadcountEditor = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE, Role.tenant))]
SHOP_FIELDS = (
    "code",
    "name",
    "name_en",
    "tenant",
    "category",
    "floor_code",
    "selling_area_m2",
    "area_from",
    "opened_on",
    "closed_on",
)
OPTIONAL_INPUTS = ("selling_area_m2", "area_from", "opened_on", "closed_on")


@dataclass(frozen=True)
class FloorRow:
    floor: Floor
    shops: int
    area_m2: float
    staff: int


@dataclass(frozen=True)
class ShopRow:
    shop: Shop
    floor: Floor | None
    trading: bool
    staff: int


def today_of(staff: StaffContext) -> date:
    return business_day(utcnow(), staff.store_timezone)


def latest_headcount(entries: list[StaffHeadcount], day: date) -> dict[int | None, int]:
    current: dict[int | None, int] = {}
    for entry in entries:  # sorted by effective_on: a later entry replaces an earlier one
        if entry.effective_on <= day:
            current[entry.shop_id] = entry.headcount
    return current


def overview(session: Session, staff: StaffContext, floor_id: int | None, locale: str) -> dict[str, Any]:
    """Floors with their trading shops, area and staff today; the shops (of one floor when filtered)."""
    today = today_of(staff)
    floors = premises_service.list_floors(session, staff.store_id)
    by_id = {floor.id: floor for floor in floors}
    shops, _total = premises_service.shops_for(session, staff, limit=100_000)
    headcount = latest_headcount(premises_service.headcount_for(session, staff), today)
    rows = [ShopRow(shop, by_id.get(shop.floor_id), _trading(shop, today), headcount.get(shop.id, 0)) for shop in shops]
    floor_rows = []
    for floor in floors:
        trading = [r for r in rows if r.shop.floor_id == floor.id and r.trading]
        if staff.shop_id is not None and not trading:
            continue  # tenant staff see only their own shop's floor
        floor_rows.append(
            FloorRow(floor, len(trading), sum(r.shop.selling_area_m2 for r in trading), sum(r.staff for r in trading))
        )
    return {
        "floors": floor_rows,
        "all_floors": floors if staff.shop_id is None else [r.floor for r in floor_rows],
        "shops": [r for r in rows if floor_id is None or r.shop.floor_id == floor_id],
        "floor_id": floor_id,
        "store_staff": headcount.get(None, 0) if staff.shop_id is None else None,
        "total_area": sum(r.area_m2 for r in floor_rows),
        "total_shops": sum(r.shops for r in floor_rows),
        "total_staff": sum(r.staff for r in floor_rows) + (headcount.get(None, 0) if staff.shop_id is None else 0),
        "today": today,
        "can_edit": staff.can(*BACK_OFFICE),
        "can_set_staff": staff.can(*BACK_OFFICE, Role.tenant),
        "categories": _categories(locale),
    }


def headcount_cell(shop: Shop, locale: str) -> dict[str, str]:
    """Where a shop's staff cell posts to, and its label."""
    return {
        "action": f"/admin/premises/shops/{shop.id}/headcount",
        "field_id": f"headcount-{shop.id}",
        "label": i18n.gettext("Staff of %(shop)s", locale) % {"shop": shop.code},
    }


def _trading(shop: Shop, day: date) -> bool:
    return shop.opened_on <= day and (shop.closed_on is None or shop.closed_on >= day)


def _floor_name(floor: Floor, locale: str) -> str:
    return floor.name if locale == "zh_CN" else (floor.name_en or floor.name)


def _categories(locale: str) -> dict[str, str]:
    return {code: (zh if locale == "zh_CN" else en) for code, (zh, en) in CATEGORIES.items()}


@router.get("")
def premises(request: Request, session: SessionDep, staff: Viewer, floor: int | None = None) -> Response:
    """Floors and shops, with area and staff; filter the shops by floor."""
    context = overview(session, staff, floor, i18n.negotiate(request))
    return render(request, "premises/index.html", context, staff=staff)


def _shop_form(
    request: Request,
    session: Session,
    staff: StaffContext,
    *,
    shop: Shop | None,
    values: dict[str, Any],
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> Response:
    locale = i18n.negotiate(request)
    floors = premises_service.list_floors(session, staff.store_id)
    context = {
        "shop": shop,
        "values": values,
        "errors": errors or {},
        "floor_options": [(f.code, f"{f.code} · {_floor_name(f, locale)}") for f in floors],
        "categories": _categories(locale),
        # The shop's selling area over time: each record holds from its day until the next (坪效).
        "areas": premises_service.areas_for(session, staff, shop.id) if shop is not None and shop.id else [],
    }
    return render(request, "premises/shop_form.html", context, staff=staff, status_code=status_code)


def _values_of(shop: Shop, floor_code: str) -> dict[str, Any]:
    values = {field: getattr(shop, field, "") for field in SHOP_FIELDS if field != "floor_code"}
    values["floor_code"] = floor_code
    return {key: ("" if value is None else value) for key, value in values.items()}


def save(session: Session, action: Any) -> tuple[Any, StoreError | None]:
    """Run a service write in a savepoint: a refused write leaves nothing behind."""
    try:
        with session.begin_nested():
            return action(), None
    except StoreError as exc:
        return None, exc


@router.get("/shops/new")
def new_shop(request: Request, session: SessionDep, staff: Editor) -> Response:
    """The form for a new shop."""
    return _shop_form(request, session, staff, shop=None, values={"opened_on": today_of(staff).isoformat()})


@router.post("/shops/new")
def create_shop(request: Request, session: SessionDep, staff: Editor, form: CheckedForm) -> Response:
    """Create a shop; errors are shown beside their fields and nothing is written."""
    locale = i18n.negotiate(request)
    values = {field: form.get(field, "") for field in SHOP_FIELDS}
    data, errors = validate(ShopCreate, blank_to_none(values, OPTIONAL_INPUTS), locale)
    if not errors:
        _shop, failure = save(session, lambda: premises_service.create_shop(session, staff.store_id, data))
        errors = store_error_fields(failure, locale) if failure else {}
    if errors:
        return _shop_form(request, session, staff, shop=None, values=values, errors=errors, status_code=400)
    return RedirectResponse("/admin/premises?saved=1", status_code=303)


@router.get("/shops/{shop_id}/edit")
def edit_shop(request: Request, session: SessionDep, staff: Editor, shop_id: int) -> Response:
    """The form to change a shop."""
    shop = premises_service.shop_for(session, staff, shop_id)
    floor = premises_service.get_floor(session, staff.store_id, shop.floor_id)
    return _shop_form(request, session, staff, shop=shop, values=_values_of(shop, floor.code))


@router.post("/shops/{shop_id}/edit")
def update_shop(request: Request, session: SessionDep, staff: Editor, form: CheckedForm, shop_id: int) -> Response:
    """Save a shop's changes; errors are shown beside their fields and nothing is written."""
    locale = i18n.negotiate(request)
    shop = premises_service.shop_for(session, staff, shop_id)
    values = {field: form.get(field, "") for field in SHOP_FIELDS if field != "code"}
    values["code"] = shop.code  # the code is the shop's key in imports and receipts: it stays
    data, errors = validate(ShopUpdate, blank_to_none(values, OPTIONAL_INPUTS), locale)
    for required in ("selling_area_m2", "opened_on"):
        if values[required] == "":
            errors.setdefault(required, i18n.gettext("Required.", locale))
    if not errors:
        _shop, failure = save(session, lambda: premises_service.update_shop(session, staff.store_id, shop_id, data))
        errors = store_error_fields(failure, locale) if failure else {}
    if errors:
        return _shop_form(request, session, staff, shop=shop, values=values, errors=errors, status_code=400)
    return RedirectResponse("/admin/premises?saved=1", status_code=303)


@router.post("/shops/{shop_id}/headcount")
def set_shop_headcount(
    request: Request, session: SessionDep, staff: HeadcountEditor, form: CheckedForm, shop_id: int
) -> Response:
    """Set a shop's staff from today (or the day given); htmx swaps the cell in place."""
    locale = i18n.negotiate(request)
    shop = premises_service.shop_for(session, staff, shop_id)
    raw = {
        "shop_id": shop_id,
        "headcount": form.get("headcount", ""),
        "effective_on": form.get("effective_on") or today_of(staff).isoformat(),
    }
    data, errors = validate(HeadcountSet, raw, locale)
    if not errors:
        _row, failure = save(
            session,
            lambda: premises_service.set_headcount(
                session, staff.store_id, shop_id=shop.id, effective_on=data.effective_on, headcount=data.headcount
            ),
        )
        errors = store_error_fields(failure, locale) if failure else {}
    if request.headers.get("HX-Request"):
        entries = premises_service.headcount_for(session, staff, shop_id=shop.id)
        current = latest_headcount(entries, today_of(staff)).get(shop.id, 0)
        context = {
            **headcount_cell(shop, locale),
            "row_staff": current if not errors else raw["headcount"],
            "row_error": next(iter(errors.values()), ""),
            "saved": not errors,
            "can_set_staff": True,
        }
        return render(request, "premises/_headcount.html", context, staff=staff)
    if errors:
        context = overview(session, staff, None, locale)
        context.update({"headcount_errors": {shop.id: next(iter(errors.values()))}})
        return render(request, "premises/index.html", context, staff=staff, status_code=400)
    return RedirectResponse("/admin/premises?saved=1", status_code=303)
