"""The phone pages a shop's credit QR code opens (S9 信用信息服务), the complaint form and its tracking page.

``/kiosk/q/{code}``: the shop a genuine code leads to (name, unit and floor to compare with the shop in
front of you, rating and its reasons, licence partly masked, permits, recent inspections, a complaint
button); an altered or forged code gets a clear refusal and nothing is recorded. Complaints need no
login; the form is rate-limited per device (address) and per phone and carries a small sum to answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from kiosk import i18n
from kiosk.web import render
from store import ratelimit, signed_codes
from store.auth.deps import client_address
from store.clock import business_day, utcnow
from store.config import get_settings
from store.credit import codes, complaints, rules, service, shopfront
from store.credit.codes import Scanned
from store.credit.errors import ComplaintNotFound
from store.credit.models import ComplaintStatus, CreditComplaint
from store.db import SessionDep
from store.errors import StoreError
from store.premises import service as premises_service

router = APIRouter(prefix="/kiosk", include_in_schema=False)
HOUR = 3600


def N_(message: str) -> str:
    return message


STATUS_TEXT = {
    ComplaintStatus.open: N_("Received"),
    ComplaintStatus.assigned: N_("Being handled"),
    ComplaintStatus.responded: N_("Answered"),
    ComplaintStatus.resolved: N_("Resolved"),
    ComplaintStatus.rejected: N_("Not upheld"),
}
# Messages the services raise, shown beside the form in the shopper's language.
FORM_TEXTS = (
    N_("describe the problem in at least 5 characters"),
    N_("at most 2000 characters"),
    N_("a mobile number has 11 digits and starts with 1"),
    N_("at most 3 photos"),
    N_("a photo may be at most 2 MB"),
    N_("only JPEG, PNG or WebP photos are accepted"),
    N_("the check question has expired: answer the new one"),
    N_("the answer to the check question is wrong"),
    N_("this code is not valid"),
    N_("no complaint with this tracking number"),
    N_("the complaint is not closed yet"),
    N_("the result has already been rated"),
    N_("rate from 1 to 5"),
)


FORM_PURPOSE = "kiosk-form"
FORM_AGE = timedelta(hours=1)
FORM_EXPIRED = N_("The form expired. Reload the page and try again.")


def form_token(path: str) -> str:
    """A hidden field for a public form: signed for the path it posts to, for an hour (no session to bind to)."""
    return signed_codes.sign(FORM_PURPOSE, path, max_age=FORM_AGE)


def form_token_ok(token: str, path: str) -> bool:
    try:
        return bool(token) and signed_codes.verify(FORM_PURPOSE, token) == path
    except (signed_codes.CodeInvalid, signed_codes.CodeExpired, ValueError):
        return False


def _scanned(session: Session, code: str) -> Scanned:
    try:
        return codes.verify(session, code)
    except signed_codes.CodeInvalid as exc:
        raise InvalidCode("this code is not valid") from exc


class InvalidCode(StoreError):
    status_code = 400
    type = "code-invalid"
    title = "Invalid code"


def _shop_context(session: Session, scanned: Scanned) -> dict[str, Any]:
    shop, store_id = scanned.shop, scanned.shop.store_id
    store = premises_service.get_store(session, store_id)
    floor = premises_service.get_floor(session, store_id, shop.floor_id)
    today = business_day(utcnow(), store.timezone)
    profile = service.profile(session, store_id, shop.id)  # type: ignore[arg-type]
    if profile.computed_at is None:
        service.recompute_shop(session, store_id, shop.id)  # type: ignore[arg-type]
    return {
        "store": store,
        "shop": shop,
        "floor": floor,
        "scanned": scanned,
        "outcome": scanned.outcome.value,
        "profile": profile,
        "licence": service.mask_licence(profile.licence_no),
        "reasons": service.reasons(session, store_id, shop.id),  # type: ignore[arg-type]
        "permits": service.permits(session, store_id, shop.id),  # type: ignore[arg-type]
        "permit_kinds": service.PERMIT_KINDS,
        "inspections": service.inspections(session, store_id, shop.id, limit=5),  # type: ignore[arg-type]
        "today": today,
        "code": scanned.qr.code,
        "shopfront": shopfront.version(session, store_id, shop.id),  # type: ignore[arg-type]
    }


@router.get("/q/{code}")
def shop_page(request: Request, session: SessionDep, code: str) -> HTMLResponse:
    """The shop's public credit page that its QR code opens."""
    return render(request, "credit/shop.html", _shop_context(session, _scanned(session, code)))


@router.get("/q/{code}/shopfront.jpg")
def shopfront_photo(session: SessionDep, code: str) -> Response:
    """The shop's shopfront photo (our own JPEG re-encoding, served as an image and nothing else)."""
    scanned = _scanned(session, code)
    row = shopfront.photo(session, scanned.shop.store_id, scanned.shop.id)  # type: ignore[arg-type]
    if row is None:  # an image URL: a bare 404 (nothing to roll back, nothing to render)
        return Response(status_code=404, headers={"X-Content-Type-Options": "nosniff"})
    return Response(
        row.data,
        media_type=row.content_type,
        headers={
            "Cache-Control": "public, max-age=86400",  # the URL carries the photo's version
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Content-Disposition": 'inline; filename="shopfront.jpg"',
        },
    )


@router.get("/credit/rules")
def rules_page(request: Request, session: SessionDep) -> HTMLResponse:
    """How the credit score is computed: every rule, its points, and the ratings."""
    store = premises_service.default_store(session)
    context = {"store": store, "rules": rules.RULES, "ratings": rules.RATINGS, "lookback": rules.LOOKBACK_DAYS}
    context["hours"] = get_settings().credit_response_hours
    return render(request, "credit/rules.html", context)


def _form(
    request: Request,
    session: Session,
    scanned: Scanned,
    *,
    error: str = "",
    text: str = "",
    phone: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    locale = i18n.negotiate(request)
    challenge = complaints.new_challenge()
    context = {
        "store": premises_service.get_store(session, scanned.shop.store_id),
        "shop": scanned.shop,
        "code": scanned.qr.code,
        "challenge": challenge,
        "csrf_token": form_token(f"/kiosk/q/{scanned.qr.code}/complaint"),
        "error": i18n.gettext(error, locale) if error else "",
        "text": text,
        "phone": phone,
        "max_photos": complaints.MAX_PHOTOS,
        "hours": get_settings().credit_response_hours,
    }
    return render(request, "credit/complaint.html", context, status_code=status_code)


@router.get("/q/{code}/complaint")
def complaint_form(request: Request, session: SessionDep, code: str) -> HTMLResponse:
    """The complaint form about the shop of this code (no login)."""
    return _form(request, session, _scanned(session, code))


def _photos(uploads: list[UploadFile]) -> list[complaints.Photo]:
    found = []
    for upload in uploads:
        if not upload.filename and not upload.size:
            continue  # the browser's empty file field
        data = upload.file.read(complaints.MAX_PHOTO_BYTES + 1)
        found.append(complaints.Photo(upload.content_type or "", data))
    return found


def _limited(session: Session, request: Request, phone: str) -> ratelimit.Decision | None:
    """The first bucket over its limit (device, then phone), or None; every attempt counts."""
    settings = get_settings()
    buckets = [(f"complaint:device:{client_address(request) or '-'}", settings.credit_complaints_per_device_hour)]
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits:
        buckets.append((f"complaint:phone:{digits[-11:]}", settings.credit_complaints_per_phone_hour))
    for bucket, limit in buckets:
        decision = ratelimit.hit(session, bucket, limit=limit, window_s=HOUR)
        if not decision.allowed:
            return decision
    return None


@router.post("/q/{code}/complaint")
def file_complaint(
    request: Request,
    session: SessionDep,
    code: str,
    text: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    challenge: Annotated[str, Form()] = "",
    answer: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """File a complaint; a refusal (empty, bad photo, wrong answer, too many) stores no complaint."""
    scanned = _scanned(session, code)
    limited = _limited(session, request, phone)
    if limited is not None:
        minutes = max(1, round(limited.retry_after_s / 60))
        template = N_("Too many complaints from this phone or device. Try again in %(minutes)s minutes.")
        message = i18n.gettext(template, i18n.negotiate(request)) % {"minutes": minutes}
        page = _form(request, session, scanned, error=message, text=text, phone=phone, status_code=429)
        page.headers["Retry-After"] = str(max(1, int(limited.retry_after_s)))
        return page
    if not form_token_ok(csrf_token, request.url.path):
        return _form(request, session, scanned, error=FORM_EXPIRED, text=text, phone=phone, status_code=403)
    try:
        complaints.check_challenge(challenge, answer)
        filed = complaints.file(
            session,
            scanned.shop.store_id,
            scanned.shop.id or 0,
            text=text,
            phone=phone,
            photos=_photos(photos or []),  # type: ignore[arg-type]
        )
    except StoreError as exc:
        return _form(request, session, scanned, error=str(exc.message), text=text, phone=phone, status_code=400)
    return RedirectResponse(f"/kiosk/complaints/{filed.tracking_no}?new=1", status_code=303)


@router.get("/complaints")
def track_form(request: Request, session: SessionDep, no: str = "") -> Response:
    """Follow a complaint by its tracking number."""
    if no.strip():
        return RedirectResponse(f"/kiosk/complaints/{no.strip().upper()[:16]}", status_code=303)
    return render(request, "credit/track.html", {"store": premises_service.default_store(session)})


def _status_context(session: Session, complaint: CreditComplaint, now: datetime) -> dict[str, Any]:
    shop = premises_service.get_shop(session, complaint.store_id, complaint.shop_id)
    overdue = complaint.responded_at is None and now > complaint.due_at and complaint.status not in complaints.CLOSED
    return {
        "store": premises_service.get_store(session, complaint.store_id),
        "shop": shop,
        "complaint": complaint,
        "status_text": STATUS_TEXT[ComplaintStatus(complaint.status)],
        "phone": service.mask_phone(complaint.phone),
        "overdue": overdue,
        "regulator": complaints.regulator_details(session, complaint) if overdue else None,
        "closed": complaint.status in complaints.CLOSED,
        "photos": len(complaints.photos(session, complaint)),
    }


@router.get("/complaints/{tracking_no}")
def complaint_status(request: Request, session: SessionDep, tracking_no: str) -> HTMLResponse:
    """Where a complaint stands: its status, the answer, and the 12315 route once it is overdue."""
    complaint = complaints.by_tracking(session, tracking_no)
    context = _status_context(session, complaint, utcnow())
    context["csrf_token"] = form_token(f"/kiosk/complaints/{complaint.tracking_no}/rating")
    context["new"] = request.query_params.get("new") == "1"
    context["rated"] = request.query_params.get("rated") == "1"
    return render(request, "credit/status.html", context)


@router.post("/complaints/{tracking_no}/rating")
def rate_result(
    request: Request,
    session: SessionDep,
    tracking_no: str,
    satisfaction: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The complainant rates how the complaint was handled (1–5)."""
    if not form_token_ok(csrf_token, request.url.path):
        complaint = complaints.by_tracking(session, tracking_no)
        context = _status_context(session, complaint, utcnow())
        context["error"] = i18n.gettext(FORM_EXPIRED, i18n.negotiate(request))
        context["csrf_token"] = form_token(request.url.path)
        return render(request, "credit/status.html", context, status_code=403)
    try:
        value = int(satisfaction)
    except ValueError:
        value = 0
    try:
        complaint = complaints.rate(session, tracking_no, value)
    except ComplaintNotFound:
        raise
    except StoreError as exc:
        complaint = complaints.by_tracking(session, tracking_no)
        context = _status_context(session, complaint, utcnow())
        context["error"] = i18n.gettext(exc.message, i18n.negotiate(request))
        context["csrf_token"] = form_token(request.url.path)
        return render(request, "credit/status.html", context, status_code=exc.status_code)
    return RedirectResponse(f"/kiosk/complaints/{complaint.tracking_no}?rated=1", status_code=303)
