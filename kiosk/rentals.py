"""Self-service rentals on the kiosk (C4 智能自助服务设施): what each station has free, rent and return by
scanning the asset's label and the member QR, and the phone page "rental status" that the receipt QR opens.

No personal data stays on screen: the member code is never echoed back, the receipt shows the rental number,
the asset and the due time only. A refusal (asset already out, unknown asset, expired member code) shows a
clear message and changes nothing (the service runs the rent in a savepoint).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from kiosk import guide, i18n
from kiosk.credit import FORM_EXPIRED, form_token, form_token_ok
from store import signed_codes
from store.clock import utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.members import errors as member_errors
from store.rentals import errors as rental_errors
from store.rentals import service as rentals_service
from store.rentals.models import AssetKind, AssetStatus, Rental, RentalStatus, StationKind
from store.wayfinding.models import KioskFunction

router = APIRouter(prefix="/kiosk", include_in_schema=False)
STATUS_PURPOSE = "rental-status"
STATUS_TTL = timedelta(days=7)
FORM_PATH = "/kiosk/rentals"  # one form token for both buttons (rent and return)
N_ = guide.N_

KINDS = {
    AssetKind.power_bank: N_("Power bank"),
    AssetKind.wheelchair: N_("Wheelchair"),
    AssetKind.stroller: N_("Stroller"),
    AssetKind.umbrella: N_("Umbrella"),
}
STATION_KINDS = {
    StationKind.rental: N_("Rental desk"),
    StationKind.charging: N_("Phone charging"),
    StationKind.vending: N_("Vending machine"),
}
# What the shopper reads for each refusal (the service's own messages carry codes and are English).
REFUSALS: dict[type[StoreError], str] = {
    rental_errors.AssetNotFound: N_("No asset has this code: scan the label on the asset again."),
    rental_errors.AssetNotAvailable: N_("This asset is already out: please take another one."),
    rental_errors.RentalNotFound: N_("This asset is not out: there is nothing to return."),
    rental_errors.NotYourRental: N_("This asset was rented with another member's code."),
    rental_errors.DepositNotPaid: N_("The deposit was not paid: the asset stays here."),
    rental_errors.StationNotFound: N_("Rental station not found"),
    member_errors.MemberCodeExpired: N_("Your member code has expired: refresh it in the app and scan again."),
    member_errors.MemberCodeUsed: N_("This member code was used already: refresh it in the app and scan again."),
    member_errors.MemberCodeInvalid: N_("This is not a member code: open the member QR in the app and scan it."),
    member_errors.MemberCodeOtherStore: N_("This member code belongs to another store."),
    member_errors.MemberInactive: N_("This membership is closed."),
    signed_codes.CodeExpired: N_("This link has expired."),
    signed_codes.CodeInvalid: N_("This link is not valid."),
}
TEXTS = (N_("Rental not found"), N_("Asset not available"), N_("Member code expired"), N_("Deposit not paid"))


def _local(moment: datetime | None, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%m-%d %H:%M") if moment else ""


def _times(rental: Rental, tz: str) -> dict[str, str]:
    return {name: _local(getattr(rental, name), tz) for name in ("rented_at", "due_at", "returned_at")}


def _refusal(exc: StoreError, locale: str) -> str:
    for kind, text in REFUSALS.items():
        if isinstance(exc, kind):
            return i18n.gettext(text, locale)
    return i18n.gettext(exc.title, locale)


def _board(request: Request, session: SessionDep, sc: guide.Screen) -> dict[str, Any]:
    """Each station with its free assets per kind (the same for every shopper)."""
    store_id = sc.store.id or 0
    assets = rentals_service.list_assets(session, store_id)
    stations = []
    for station in rentals_service.list_stations(session, store_id):
        if not station.active:
            continue
        free: dict[str, list[int]] = {}
        for asset in assets:
            if asset.station_id == station.id:
                counts = free.setdefault(asset.kind, [0, 0])
                counts[0] += asset.status == AssetStatus.available
                counts[1] += asset.status != AssetStatus.retired
        stations.append((station, sorted(free.items())))
    return {
        "stations": stations,
        "kinds": KINDS,
        "station_kinds": STATION_KINDS,
        "csrf_token": form_token(FORM_PATH),
    }


@router.get("/rentals")
def rentals_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The rental stations and what they have free; scan an asset and the member QR to rent or return."""
    sc = guide.screen(request, session, KioskFunction.rentals)
    return guide.page(request, sc, "rentals.html", _board(request, session, sc) | {"asset_code": "", "refusal": ""})


def _status_link(request: Request, rental: Rental, store_id: int) -> str:
    code = signed_codes.sign(STATUS_PURPOSE, {"r": rental.rental_no, "s": store_id}, max_age=STATUS_TTL)
    return "/kiosk/m/rentals?" + urlencode({"c": code})


def _act(request: Request, session: SessionDep, action: str, asset_code: str, member_code: str, token: str) -> Response:
    sc = guide.screen(request, session, KioskFunction.rentals)
    locale = i18n.negotiate(request)
    store_id = sc.store.id or 0
    try:
        if not form_token_ok(token, FORM_PATH):
            raise signed_codes.CodeExpired(FORM_EXPIRED)
        if action == "rent":
            rental = rentals_service.rent(session, store_id, asset_code[:32], member_code[:200])
        else:
            rental = rentals_service.give_back(session, store_id, asset_code[:32], member_code[:200])
    except StoreError as exc:
        refusal = i18n.gettext(FORM_EXPIRED, locale) if not form_token_ok(token, FORM_PATH) else _refusal(exc, locale)
        context = _board(request, session, sc) | {"asset_code": asset_code[:32], "refusal": refusal, "action": action}
        return guide.page(request, sc, "rentals.html", context, status_code=exc.status_code)
    asset = next(a for a in rentals_service.list_assets(session, store_id) if a.id == rental.asset_id)
    link = _status_link(request, rental, store_id)
    context = {
        "rental": rental,
        "asset": asset,
        "kind": KINDS[asset.kind],
        "returned": rental.status == RentalStatus.returned,
        "qr": guide.qr_svg(str(request.base_url).rstrip("/") + link),
        "link": link,
        "times": _times(rental, sc.store.timezone),
    }
    return guide.page(request, sc, "rental_done.html", context)


@router.post("/rentals/rent")
def rent(
    request: Request,
    session: SessionDep,
    asset_code: Annotated[str, Form()] = "",
    member_code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Rent the scanned asset with the scanned member code; the receipt has a QR to follow it on the phone."""
    return _act(request, session, "rent", asset_code.strip(), member_code.strip(), csrf_token)


@router.post("/rentals/return")
def give_back(
    request: Request,
    session: SessionDep,
    asset_code: Annotated[str, Form()] = "",
    member_code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Return the scanned asset with the renter's member code; the deposit goes back."""
    return _act(request, session, "return", asset_code.strip(), member_code.strip(), csrf_token)


@router.get("/m/rentals")
def rental_status(request: Request, session: SessionDep, c: str = "") -> HTMLResponse:
    """The phone page a rental receipt's QR opens: the asset, when it is due, whether it is back."""
    sc = guide.screen(request, session, None)
    locale = i18n.negotiate(request)
    try:
        payload = signed_codes.verify(STATUS_PURPOSE, c[:600])
        if payload.get("s") != sc.store.id:
            raise rental_errors.RentalNotFound("this rental is not in this store")
        rental = rentals_service.get_rental(session, sc.store.id or 0, str(payload.get("r", "")))
    except StoreError as exc:
        context = {"status": exc.status_code, "title": i18n.gettext(exc.title, locale), "detail": _refusal(exc, locale)}
        return guide.page(request, sc, "error.html", context, status_code=exc.status_code)
    asset = next(a for a in rentals_service.list_assets(session, sc.store.id or 0) if a.id == rental.asset_id)
    stations = {s.id: s for s in rentals_service.list_stations(session, sc.store.id or 0)}
    context = {
        "rental": rental,
        "asset": asset,
        "kind": KINDS[asset.kind],
        "station": stations.get(rental.return_station_id or rental.station_id),
        "overdue": rental.status == RentalStatus.out and rental.due_at < utcnow(),
        "times": _times(rental, sc.store.timezone),
    }
    return guide.page(request, sc, "rental_phone.html", context)
