"""Premises, continued: adding a floor, and the store's own staff (the rest of 人效's headcount)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from admin import i18n
from admin.deps import CheckedForm, StaffContext
from admin.forms import FieldErrors, blank_to_none, store_error_fields, validate
from admin.pages.premises import Editor, latest_headcount, overview, save, today_of
from admin.render import render
from store.db import SessionDep
from store.premises import service as premises_service
from store.premises.models import Floor
from store.premises.schemas import FloorCreate, FloorUpdate, HeadcountSet
from store.wire import RowId

router = APIRouter(prefix="/admin/premises", include_in_schema=False)
FLOOR_FIELDS = ("code", "name", "name_en", "level")


def _floor_form(
    request: Request,
    values: dict[str, str],
    errors: FieldErrors,
    status_code: int,
    staff: StaffContext,
    floor: Floor | None = None,
) -> Response:
    context = {"values": values, "errors": errors, "floor": floor}
    return render(request, "premises/floor_form.html", context, staff=staff, status_code=status_code)


@router.get("/floors/new")
def new_floor(request: Request, staff: Editor) -> Response:
    """The form for a new floor."""
    return _floor_form(request, {}, {}, 200, staff)


@router.post("/floors/new")
def create_floor(request: Request, session: SessionDep, staff: Editor, form: CheckedForm) -> Response:
    """Add a floor; a code already used is shown beside the code and nothing is written."""
    locale = i18n.negotiate(request)
    values = {field: form.get(field, "") for field in FLOOR_FIELDS}
    data, errors = validate(FloorCreate, blank_to_none(values, ("level",)), locale)
    if not errors:
        _floor, failure = save(session, lambda: premises_service.create_floor(session, staff.store_id, data))
        errors = store_error_fields(failure, locale) if failure else {}
    if errors:
        return _floor_form(request, values, errors, 400, staff)
    return RedirectResponse("/admin/premises?saved=1", status_code=303)


@router.get("/floors/{floor_id}/edit")
def edit_floor(request: Request, session: SessionDep, staff: Editor, floor_id: RowId) -> Response:
    """The form to rename or re-level a floor (its code stays: shops and reports know it by it)."""
    floor = premises_service.get_floor(session, staff.store_id, floor_id)
    values = {"code": floor.code, "name": floor.name, "name_en": floor.name_en, "level": str(floor.level)}
    return _floor_form(request, values, {}, 200, staff, floor)


@router.post("/floors/{floor_id}/edit")
def update_floor(request: Request, session: SessionDep, staff: Editor, floor_id: RowId, form: CheckedForm) -> Response:
    """Save a floor's names and level; errors beside the fields and nothing written."""
    locale = i18n.negotiate(request)
    floor = premises_service.get_floor(session, staff.store_id, floor_id)
    values = {field: form.get(field, "") for field in FLOOR_FIELDS if field != "code"} | {"code": floor.code}
    data, errors = validate(
        FloorUpdate, blank_to_none({k: v for k, v in values.items() if k != "code"}, ("level",)), locale
    )
    if not errors:
        _floor, failure = save(session, lambda: premises_service.update_floor(session, staff.store_id, floor_id, data))
        errors = store_error_fields(failure, locale) if failure else {}
    if errors:
        return _floor_form(request, values, errors, 400, staff, floor)
    return RedirectResponse("/admin/premises?saved=1", status_code=303)


def _store_staff(session: Session, staff: StaffContext) -> int:
    return latest_headcount(premises_service.headcount_entries(session, staff.store_id), today_of(staff)).get(None, 0)


@router.post("/staff")
def set_store_staff(request: Request, session: SessionDep, staff: Editor, form: CheckedForm) -> Response:
    """Set the store's own staff (not in any shop) from today; htmx swaps the cell in place."""
    locale = i18n.negotiate(request)
    raw = {"shop_id": None, "headcount": form.get("headcount", ""), "effective_on": today_of(staff).isoformat()}
    data, errors = validate(HeadcountSet, raw, locale)
    if not errors:
        _row, failure = save(
            session,
            lambda: premises_service.set_headcount(
                session, staff.store_id, shop_id=None, effective_on=data.effective_on, headcount=data.headcount
            ),
        )
        errors = store_error_fields(failure, locale) if failure else {}
    error = next(iter(errors.values()), "")
    if request.headers.get("HX-Request"):
        context = {
            "action": "/admin/premises/staff",
            "field_id": "store-staff",
            "label": i18n.gettext("Store's own staff", locale),
            "row_staff": raw["headcount"] if errors else _store_staff(session, staff),
            "row_error": error,
            "saved": not errors,
            "can_set_staff": True,
        }
        return render(request, "premises/_headcount.html", context, staff=staff)
    if errors:
        context = overview(session, staff, None, locale)
        context["store_staff_error"] = error
        return render(request, "premises/index.html", context, staff=staff, status_code=400)
    return RedirectResponse("/admin/premises?saved=1", status_code=303)
