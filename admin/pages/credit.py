"""Credit pages (S9 信用信息服务): the overview, a shop's credit detail, QR posters and keys, patrol scans,
and the register of credit services with their referrals. Complaints have their own module."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from admin.deps import CheckedForm, StaffContext, require_role
from admin.i18n import N_, gettext, negotiate
from admin.render import render
from store.assessment.render.pdf import CJK_FONT_CANDIDATES, cjk_font
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.credit import codes, complaints, posters, rules, service, shopfront
from store.credit.models import ReferralOutcome
from store.db import SessionDep
from store.errors import StoreError
from store.premises import service as premises_service
from store.premises.models import Shop

router = APIRouter(prefix="/admin/credit", include_in_schema=False)

CreditKeeper = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager))]
CreditEntry = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.tenant, Role.security))]
KeyKeeper = Annotated[StaffContext, Depends(require_role(Role.admin))]
Patrol = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.security))]
BAD_DATE = N_("Enter a date as YYYY-MM-DD.")
BAD_NUMBER = N_("Enter a whole number.")


def _today(staff: StaffContext) -> date:
    return business_day(utcnow(), staff.store_timezone)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise StoreError(BAD_DATE) from exc


def _int(text: str) -> int:
    try:
        return int(text or "0")
    except ValueError as exc:
        raise StoreError(BAD_NUMBER) from exc


def _error(request: Request, exc: StoreError) -> str:
    return gettext(exc.message, negotiate(request))


def poster_url(request: Request, code: str) -> str:
    return str(request.base_url).rstrip("/") + f"/kiosk/q/{code}"


@router.get("", response_class=HTMLResponse)
def overview(request: Request, session: SessionDep, staff: CreditEntry) -> Response:
    """Credit overview: rating distribution, expiring permits, overdue complaints, every open shop's score."""
    if staff.role == Role.tenant:  # the section's entry for tenant staff: their shop's complaints
        return RedirectResponse("/admin/credit/complaints", status_code=303)
    if staff.role == Role.security:  # and for the patrol: the scans
        return RedirectResponse("/admin/credit/scans", status_code=303)
    found = service.overview(session, staff.store_id)
    shops = premises_service.list_shops(session, staff.store_id, open_on=_today(staff))
    profiles = service.profiles_by_shop(session, staff.store_id)
    rows = sorted(
        ((shop, profiles.get(shop.id or 0)) for shop in shops), key=lambda r: (r[1].score if r[1] else 101, r[0].code)
    )
    names = service.shops_by_id(session, staff.store_id, [c.shop_id for c in found.overdue])
    context = {"overview": found, "rows": rows, "total": len(shops), "overdue_shops": names, "today": _today(staff)}
    return render(request, "credit/overview.html", context, staff=staff)


def _detail(
    request: Request, session: Session, staff: StaffContext, shop_id: int, *, error: str = "", status_code: int = 200
) -> HTMLResponse:
    shop = premises_service.get_shop(session, staff.store_id, shop_id)
    store_id = staff.store_id
    profile = service.profile(session, store_id, shop_id)
    current = codes.current_codes(session, store_id).get(shop_id)
    context = {
        "shop": shop,
        "floor": premises_service.get_floor(session, store_id, shop.floor_id),
        "profile": profile,
        "reasons": service.reasons(session, store_id, shop_id),
        "permits": service.permits(session, store_id, shop_id),
        "permit_kinds": service.PERMIT_KINDS,
        "inspections": service.inspections(session, store_id, shop_id, limit=20),
        "qr": current,
        "shopfront": shopfront.version(session, store_id, shop_id),
        "max_photo_mb": shopfront.MAX_BYTES // (1024 * 1024),
        "qr_url": poster_url(request, current.code) if current else "",
        "complaints": [c for c in complaints.list_for(session, staff) if c.shop_id == shop_id][:20],
        "today": _today(staff),
        "error": error,
        "saved": request.query_params.get("saved"),
    }
    return render(request, "credit/shop.html", context, staff=staff, status_code=status_code)


@router.get("/shops/{shop_id}", response_class=HTMLResponse)
def shop_detail(request: Request, session: SessionDep, staff: CreditKeeper, shop_id: int) -> HTMLResponse:
    """One shop's credit: score and reasons (each linked to its record), licence, permits, inspections, code."""
    return _detail(request, session, staff, shop_id)


def _saved(shop_id: int, what: str) -> Response:
    return RedirectResponse(f"/admin/credit/shops/{shop_id}?saved={what}#{what}", status_code=303)


@router.post("/shops/{shop_id}/profile", response_class=HTMLResponse)
def save_profile(
    request: Request, session: SessionDep, staff: CreditKeeper, form: CheckedForm, shop_id: int
) -> Response:
    """Licence, contact and late rent months of a shop (the score is recomputed)."""
    try:
        service.update_profile(
            session,
            staff.store_id,
            shop_id,
            licence_no=form.get("licence_no", ""),
            licence_name=form.get("licence_name", ""),
            contact_name=form.get("contact_name", ""),
            rent_late_months=_int(form.get("rent_late_months", "0")),
        )
    except StoreError as exc:
        return _detail(request, session, staff, shop_id, error=_error(request, exc), status_code=exc.status_code)
    return _saved(shop_id, "profile")


@router.post("/shops/{shop_id}/permits", response_class=HTMLResponse)
def add_permit(request: Request, session: SessionDep, staff: CreditKeeper, form: CheckedForm, shop_id: int) -> Response:
    """Record a permit (a renewal is a new record with the same number and a later expiry)."""
    try:
        service.add_permit(
            session,
            staff.store_id,
            shop_id,
            kind=form.get("kind", ""),
            number=form.get("number", ""),
            expires_on=_date(form.get("expires_on", "")),
        )
    except StoreError as exc:
        return _detail(request, session, staff, shop_id, error=_error(request, exc), status_code=exc.status_code)
    return _saved(shop_id, "permits")


@router.post("/shops/{shop_id}/inspections", response_class=HTMLResponse)
def add_inspection(
    request: Request, session: SessionDep, staff: CreditKeeper, form: CheckedForm, shop_id: int
) -> Response:
    """Record an inspection and its result."""
    try:
        service.add_inspection(
            session,
            staff.store_id,
            shop_id,
            inspected_on=_date(form.get("inspected_on", "")),
            passed=form.get("result") == "passed",
            note=form.get("note", ""),
        )
    except StoreError as exc:
        return _detail(request, session, staff, shop_id, error=_error(request, exc), status_code=exc.status_code)
    return _saved(shop_id, "inspections")


@router.post("/shops/{shop_id}/shopfront", response_class=HTMLResponse)
def upload_shopfront(
    request: Request,
    session: SessionDep,
    staff: CreditKeeper,
    form: CheckedForm,
    shop_id: int,
    photo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The shopfront photo the public page shows (an image, at most 5 MB; stored as our own JPEG)."""
    data = photo.file.read(shopfront.MAX_BYTES + 1) if photo is not None else b""
    try:
        shopfront.set_photo(session, staff.store_id, shop_id, data, uploaded_by=staff.username)
    except StoreError as exc:
        return _detail(request, session, staff, shop_id, error=_error(request, exc), status_code=exc.status_code)
    return _saved(shop_id, "shopfront")


@router.get("/shops/{shop_id}/shopfront.jpg")
def shopfront_photo(session: SessionDep, staff: CreditKeeper, shop_id: int) -> Response:
    """The shop's shopfront photo as stored (for the detail page)."""
    premises_service.get_shop(session, staff.store_id, shop_id)
    row = shopfront.photo(session, staff.store_id, shop_id)
    if row is None:
        return Response(status_code=404)
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}
    return Response(row.data, media_type=row.content_type, headers=headers | {"Cache-Control": "private, no-cache"})


@router.post("/shops/{shop_id}/qr", response_class=HTMLResponse)
def reissue_code(session: SessionDep, staff: CreditKeeper, form: CheckedForm, shop_id: int) -> Response:
    """Print a new version of the shop's code; the old one then says it is superseded."""
    codes.issue(session, staff.store_id, shop_id)
    return _saved(shop_id, "qr")


def _poster_shop(request: Request, session: Session, shop: Shop, floors: dict[Any, Any], qr: Any) -> posters.PosterShop:
    floor = floors[shop.floor_id]
    return posters.PosterShop(
        poster_url(request, qr.code), shop.name, shop.name_en, f"{floor.code} {floor.name}", shop.code, qr.version
    )


def _font_path() -> str | None:
    return next((path for path, _index in CJK_FONT_CANDIDATES if Path(path).exists()), None)


@router.get("/shops/{shop_id}/poster.png")
def poster_png(request: Request, session: SessionDep, staff: CreditKeeper, shop_id: int) -> Response:
    """The shop's poster as a PNG (code, name, floor and unit)."""
    shop = premises_service.get_shop(session, staff.store_id, shop_id)
    qr = codes.current_codes(session, staff.store_id).get(shop_id) or codes.issue(session, staff.store_id, shop_id)
    floors = {f.id: f for f in premises_service.list_floors(session, staff.store_id)}
    image = posters.poster_png(_poster_shop(request, session, shop, floors, qr), _font_path())
    headers = {"Content-Disposition": f'inline; filename="credit-{shop.code}-v{qr.version}.png"'}
    return Response(image, media_type="image/png", headers=headers)


@router.get("/posters", response_class=HTMLResponse)
def posters_page(request: Request, session: SessionDep, staff: CreditKeeper) -> HTMLResponse:
    """QR posters of every open shop, the PDF sheet, and the signing keys."""
    shops = premises_service.list_shops(session, staff.store_id, open_on=_today(staff))
    current = codes.current_codes(session, staff.store_id)
    stale = [s for s in shops if s.id not in current or current[s.id].unit != s.code]  # type: ignore[index]
    keys = codes.public_keys(session, staff.store_id)
    context = {
        "shops": shops,
        "current": current,
        "stale": stale,
        "keys": sorted(keys),
        "done": request.query_params.get("done"),
    }
    return render(request, "credit/posters.html", context, staff=staff)


@router.post("/posters/refresh", response_class=HTMLResponse)
def refresh_codes(session: SessionDep, staff: CreditKeeper, form: CheckedForm) -> Response:
    """Issue codes to new shops and reissue those whose unit changed."""
    issued = codes.refresh(session, staff.store_id, on=_today(staff))
    return RedirectResponse(f"/admin/credit/posters?done=refresh&n={issued}", status_code=303)


@router.get("/posters.pdf")
def posters_pdf(request: Request, session: SessionDep, staff: CreditKeeper) -> Response:
    """One PDF of every open shop's poster (six a page), in Chinese."""
    codes.refresh(session, staff.store_id, on=_today(staff))
    shops = premises_service.list_shops(session, staff.store_id, open_on=_today(staff))
    current = codes.current_codes(session, staff.store_id)
    floors = {f.id: f for f in premises_service.list_floors(session, staff.store_id)}
    items = [_poster_shop(request, session, s, floors, current[s.id]) for s in shops if s.id in current]  # type: ignore[index,arg-type]
    pdf = posters.sheet_pdf(items, title=f"{staff.store_name} · 商户信用码", font=cjk_font())
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": 'inline; filename="credit-posters.pdf"'}
    )


@router.post("/keys/rotate", response_class=HTMLResponse)
def rotate_key(session: SessionDep, form: CheckedForm, staff: KeyKeeper) -> Response:  # the CSRF check first
    """A new signing key; with "revoke", the old keys stop verifying and every code is reissued."""
    codes.rotate_key(session, staff.store_id, revoke_old=form.get("revoke") == "on")
    return RedirectResponse("/admin/credit/posters?done=rotate", status_code=303)


def _scans_page(
    request: Request, session: Session, staff: StaffContext, *, result: str = "", status_code: int = 200
) -> HTMLResponse:
    today = _today(staff)
    shops, missing = codes.shops_missing_valid_scan(session, staff.store_id, today)
    names = {s.id: s for s in premises_service.list_shops(session, staff.store_id)}
    context = {
        "shops": shops,
        "missing": missing,
        "scans": codes.recent_scans(session, staff.store_id),
        "names": names,
        "result": result or request.query_params.get("result", ""),
        "window": codes.SCAN_VALID_DAYS,
    }
    return render(request, "credit/scans.html", context, staff=staff, status_code=status_code)


@router.get("/scans", response_class=HTMLResponse)
def scans_page(request: Request, session: SessionDep, staff: Patrol) -> HTMLResponse:
    """Patrol re-scans of the posters, and the open shops without a valid code (S9 evidence)."""
    return _scans_page(request, session, staff)


@router.post("/scans", response_class=HTMLResponse)
def record_scan(request: Request, session: SessionDep, staff: Patrol, form: CheckedForm) -> Response:
    """Record what the patrol found at a shop's unit: the scanned code (URL or code) or nothing."""
    text = form.get("code", "")
    code = text.rsplit("/kiosk/q/", 1)[-1].split("?")[0] if text else ""
    try:
        scan = codes.record_scan(
            session, staff.store_id, at_shop_id=_int(form.get("shop_id", "")), code=code, by=staff.username
        )
    except StoreError as exc:
        return _scans_page(request, session, staff, result=_error(request, exc), status_code=exc.status_code)
    return RedirectResponse(f"/admin/credit/scans?result={scan.outcome}", status_code=303)


def _services_page(
    request: Request, session: Session, staff: StaffContext, *, error: str = "", status_code: int = 200
) -> HTMLResponse:
    services = service.list_services(session, staff.store_id)
    context = {
        "services": services,
        "by_id": {s.id: s for s in services},
        "referrals": service.list_referrals(session, staff.store_id),
        "shops": premises_service.list_shops(session, staff.store_id, open_on=_today(staff)),
        "names": {s.id: s for s in premises_service.list_shops(session, staff.store_id)},
        "kinds": service.SERVICE_KINDS,
        "outcomes": [o.value for o in ReferralOutcome],
        "profiles": service.profiles_by_shop(session, staff.store_id),
        "error": error,
        "today": _today(staff),
    }
    return render(request, "credit/services.html", context, staff=staff, status_code=status_code)


@router.get("/services", response_class=HTMLResponse)
def services_page(request: Request, session: SessionDep, staff: CreditKeeper) -> HTMLResponse:
    """Credit-based financial services of partners, and the shops referred to them with the outcomes."""
    return _services_page(request, session, staff)


@router.post("/services", response_class=HTMLResponse)
def add_service(request: Request, session: SessionDep, staff: CreditKeeper, form: CheckedForm) -> Response:
    """Register a partner's credit service."""
    try:
        service.add_service(
            session,
            staff.store_id,
            kind=form.get("kind", ""),
            partner=form.get("partner", ""),
            name=form.get("name", ""),
            min_rating=form.get("min_rating", "C") or "C",
        )
    except StoreError as exc:
        return _services_page(request, session, staff, error=_error(request, exc), status_code=exc.status_code)
    return RedirectResponse("/admin/credit/services", status_code=303)


@router.post("/referrals", response_class=HTMLResponse)
def add_referral(request: Request, session: SessionDep, staff: CreditKeeper, form: CheckedForm) -> Response:
    """Refer a shop to a credit service."""
    try:
        service.refer(
            session,
            staff.store_id,
            service_id=_int(form.get("service_id", "")),
            shop_id=_int(form.get("shop_id", "")),
            referred_on=_date(form.get("referred_on", "")),
        )
    except StoreError as exc:
        return _services_page(request, session, staff, error=_error(request, exc), status_code=exc.status_code)
    return RedirectResponse("/admin/credit/services#referrals", status_code=303)


@router.post("/referrals/{referral_id}/outcome", response_class=HTMLResponse)
def referral_outcome(
    request: Request, session: SessionDep, staff: CreditKeeper, form: CheckedForm, referral_id: int
) -> Response:
    """What the partner decided, and the amount granted (yuan)."""
    try:
        amount_fen = round(float(form.get("amount_yuan") or 0) * 100)
        service.set_referral_outcome(session, staff.store_id, referral_id, form.get("outcome", ""), amount_fen)
    except ValueError:
        return _services_page(request, session, staff, error=gettext(BAD_NUMBER, negotiate(request)), status_code=400)
    except StoreError as exc:
        return _services_page(request, session, staff, error=_error(request, exc), status_code=exc.status_code)
    return RedirectResponse("/admin/credit/services#referrals", status_code=303)


RULES = rules.RULES  # the templates list them beside the reasons

# Values the templates translate with _(value): complaint statuses, queue filters, scan outcomes, referral outcomes.
VALUE_TEXTS = (
    N_("open"),
    N_("assigned"),
    N_("responded"),
    N_("resolved"),
    N_("rejected"),
    N_("active"),
    N_("all"),
    N_("valid"),
    N_("moved"),
    N_("superseded"),
    N_("invalid"),
    N_("missing"),
    N_("no_scan"),
    N_("pending"),
    N_("approved"),
    N_("declined"),
    N_("the licence number (统一社会信用代码) has 18 letters and digits"),
    N_("late months are between 0 and 12"),
    N_("a permit needs a kind (food, other) and a number"),
    N_("an inspection cannot be in the future"),
    N_("a service needs a kind, a partner and a name"),
    N_("outcome is pending, approved or declined; the amount is not negative"),
    N_("name the store officer in charge"),
    N_("write the response"),
    N_("give the reason"),
    N_("this complaint is already closed"),
)
