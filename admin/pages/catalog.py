"""The catalogue pages: products and SKUs, price books, price changes with approval, the S6 parity report."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from admin import i18n
from admin.deps import BACK_OFFICE, CheckedForm, StaffContext, require_role
from admin.pages.formats import yuan
from admin.render import render
from store.auth.models import Device, Role
from store.catalog import parity as parity_service
from store.catalog import service as catalog_service
from store.catalog.schemas import ChangeStatus, PriceChangeCreate, PriceChannel
from store.clock import utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES
from store.wire import NotBool

router = APIRouter(prefix="/admin/catalog", include_in_schema=False)

Viewer = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE, Role.marketing, Role.tenant))]
Requester = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE, Role.tenant))]
Approver = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE))]
PAGE = 50
STALE_DAYS = 30
SHOPS_SHOWN = 20  # the shops furthest from parity first
DRIFTED_SHOWN = 50  # the API (`GET /api/v1/catalog/parity`) lists them all


def _categories(request: Request) -> dict[str, str]:
    zh = i18n.negotiate(request) == "zh_CN"
    return {code: (names[0] if zh else names[1]) for code, names in CATEGORIES.items()}


def _shops(session: SessionDep, staff: StaffContext) -> dict[int, str]:
    return {s.id: f"{s.code} · {s.name}" for s in premises_service.list_shops(session, staff.store_id)}  # type: ignore[misc]


@router.get("")
def products(
    request: Request,
    session: SessionDep,
    staff: Viewer,
    q: Annotated[str, Query(max_length=60)] = "",
    page: Annotated[int, Query(ge=1, le=100_000), NotBool] = 1,
) -> Response:
    """Products and SKUs with their effective price on each channel now; the tills' price-book versions."""
    rows, total = catalog_service.list_skus(
        session, staff.store_id, q=q.strip(), shop_id=staff.shop_id, limit=PAGE, offset=(page - 1) * PAGE
    )
    now = utcnow()
    version = catalog_service.current_version(session, staff.store_id)
    stale, named = catalog_service.stale_sales(session, staff.store_id, now - timedelta(days=STALE_DAYS), now)
    tills = []
    for device_id, till_version, last_at in catalog_service.tills_on_books(session, staff.store_id):
        device = session.get(Device, device_id)
        if staff.shop_id is not None and (device is None or device.shop_id != staff.shop_id):
            continue  # tenant staff see their own shop's tills
        name = device.name if device is not None else str(device_id)
        tills.append({"name": name, "version": till_version, "last_at": last_at, "stale": till_version < version})
    context = {
        "rows": rows,
        "total": total,
        "q": q,
        "page": page,
        "pages": max(1, -(-total // PAGE)),
        "shops": _shops(session, staff),
        "categories": _categories(request),
        "version": version,
        "stale": stale,
        "named": named,
        "stale_days": STALE_DAYS,
        "tills": tills,
        "yuan": yuan,
    }
    return render(request, "catalog/products.html", context, staff=staff)


@router.get("/price-books")
def price_books(request: Request, session: SessionDep, staff: Viewer) -> Response:
    """The three price books (till, online mall / mini-program, live) and the promotions."""
    context = {
        "books": catalog_service.book_summary(session, staff.store_id),
        "promotions": catalog_service.list_promotions(session, staff.store_id),
        "version": catalog_service.current_version(session, staff.store_id),
        "now": utcnow(),
    }
    return render(request, "catalog/price_books.html", context, staff=staff)


def _changes_page(
    request: Request,
    session: SessionDep,
    staff: StaffContext,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
    preview: str = "",
    status_code: int = 200,
) -> Response:
    changes = catalog_service.list_changes(session, staff.store_id, viewer=staff)
    context = {
        "changes": changes,
        "values": values or {"channel": "offline"},
        "error": error,
        "preview": preview,
        "channels": [c.value for c in PriceChannel],
        "can_approve": staff.can(*BACK_OFFICE),
        "user_id": staff.user_id,
        "yuan": yuan,
    }
    return render(request, "catalog/price_changes.html", context, staff=staff, status_code=status_code)


@router.get("/price-changes")
def price_changes(request: Request, session: SessionDep, staff: Requester) -> Response:
    """Price changes waiting for approval and decided ones; the form to ask for one, with its parity check."""
    return _changes_page(request, session, staff)


def _change_of(form: dict[str, str], staff: StaffContext) -> PriceChangeCreate:
    """The form as a change; a price that is not an amount in yuan, or below zero, is refused clearly."""
    raw = form.get("price_yuan", "").strip().lstrip("¥￥")
    try:
        fen = round(float(raw) * 100)
    except ValueError:
        raise StoreError(f"{raw!r} is not an amount in yuan") from None
    effective = form.get("effective_at", "").strip()
    at = None
    if effective:
        try:
            at = datetime.fromisoformat(effective).replace(tzinfo=ZoneInfo(staff.store_timezone))
        except ValueError:
            raise StoreError(f"{effective!r} is not a date and time") from None
    return PriceChangeCreate(
        sku=form.get("sku", "").strip() or "-",
        channel=PriceChannel(form.get("channel") or "offline"),
        price_fen=fen,
        effective_at=at,
        note=form.get("note", "")[:200],
    )


@router.post("/price-changes")
def request_change(request: Request, session: SessionDep, staff: Requester, form: CheckedForm) -> Response:
    """Check a change against parity ("S6 share 31.2% → 29.8%") or ask for it; nothing is written on an error."""
    values = {k: form.get(k, "") for k in ("sku", "channel", "price_yuan", "effective_at", "note")}
    locale = i18n.negotiate(request)
    try:
        data = _change_of(form, staff)
        with session.begin_nested():
            catalog_service.get_sku_by_code(session, staff.store_id, data.sku, viewer=staff)
            shown = parity_service.preview(
                session, staff.store_id, data.sku, data.channel, data.price_fen, data.effective_at or utcnow()
            )
            if form.get("action") == "preview":
                return _changes_page(request, session, staff, values=values, preview=shown.message)
            catalog_service.request_change(session, staff, data, user_id=staff.user_id)
    except StoreError as exc:
        message = i18n.gettext(exc.message, locale)
        return _changes_page(request, session, staff, values=values, error=message, status_code=400)
    return RedirectResponse(f"/admin/catalog/price-changes?saved=1&parity={quote(shown.message)}", status_code=303)


@router.post("/price-changes/{change_id}/{decision}")
def decide(
    request: Request, session: SessionDep, staff: Approver, form: CheckedForm, change_id: int, decision: str
) -> Response:
    """Approve or reject a pending change (not one's own)."""
    if decision not in ("approve", "reject"):
        raise StoreError(f"{decision!r} is neither approve nor reject", status_code=404, type="not-found")
    try:
        with session.begin_nested():
            catalog_service.decide(
                session, staff.store_id, change_id, approve=decision == "approve", user_id=staff.user_id
            )
    except StoreError as exc:
        message = i18n.gettext(exc.message, i18n.negotiate(request))
        return _changes_page(request, session, staff, error=message, status_code=exc.status_code)
    return RedirectResponse("/admin/catalog/price-changes?saved=1", status_code=303)


@router.get("/parity")
def parity(
    request: Request,
    session: SessionDep,
    staff: Approver,
    days: Annotated[int, Query(ge=1, le=366), NotBool] = 30,
    shop: Annotated[int | None, Query(ge=1, le=2**31 - 1), NotBool] = None,
) -> Response:
    """S6 同品同质同价: the share of SKUs at one price online and offline, per shop and category, drifted SKUs."""
    end = utcnow()
    found = parity_service.report(session, staff.store_id, end - timedelta(days=days), end, shop_id=shop)
    shops = _shops(session, staff)
    context: dict[str, Any] = {
        "report": found,
        "days": days,
        "shop": shop,
        "shops": shops,
        "by_shop": sorted(found.by_shop.items(), key=lambda kv: (kv[1].fraction, kv[0]))[:SHOPS_SHOWN],
        "shops_total": len(found.by_shop),
        "categories": _categories(request),
        "by_category": sorted(found.by_category.items(), key=lambda kv: (kv[1].fraction, kv[0])),
        "drifted": found.drifted[:DRIFTED_SHOWN],
        "yuan": yuan,
        "tz": ZoneInfo(staff.store_timezone),
        "locale": i18n.negotiate(request),
        "status": ChangeStatus,
    }
    return render(request, "catalog/parity.html", context, staff=staff)
