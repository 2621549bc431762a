"""Find-my-car and pay on the kiosk and the phone (C5 智能停车).

``/kiosk/parking``: the shopper types the plate on the screen's keyboard. The exact plate shows the car's zone,
space and the way there, and a QR to pay on the phone; otherwise the stays whose plates differ only by misread
characters are listed masked (entry time only), and picking one shows where it is — paying it needs the shopper
to say it is theirs. Nothing here ever closes a stay or opens a barrier: the exit gate does, on the exact plate.

``/kiosk/m/parking?c=``: the phone page the QR opens (a signed code, 10 minutes): the car, the fee, and paying
through the payment plugin (paid, declined or pending).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from kiosk import guide, i18n
from kiosk.credit import FORM_EXPIRED, form_token, form_token_ok
from store import signed_codes
from store.db import SessionDep
from store.errors import StoreError
from store.parking import plates
from store.parking import service as parking_service
from store.parking.errors import FeeChanged, InvalidPlate, NothingToPay, PlateNotFound
from store.parking.models import ParkingSession
from store.payments.errors import AlreadyPaid
from store.payments.schemas import PaymentStatus

router = APIRouter(prefix="/kiosk", include_in_schema=False)
CAR_PURPOSE = "kiosk-car"
CODE_TTL = timedelta(minutes=10)
METHODS = ("wechat", "alipay")
PROVINCES = "沪苏浙皖京津冀晋蒙辽吉黑闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
KEYS = "1234567890ABCDEFGHJKLMNPQRSTUVWXYZ"


def N_(message: str) -> str:
    return message


TEXTS = (
    N_("Find my car"),
    N_("That is not a plate: a province, a letter and 5 letters or digits (6 for new-energy cars)."),
    N_("No car with this plate is in the car park."),
    N_("This code has expired or is not valid: scan the QR on the kiosk again."),
    N_("Nothing to pay: the car may leave now."),
    N_("The fee has changed: check the new amount and pay again."),
    N_("The payment was declined: try again or choose another method."),
    N_("Already paid."),
)


def money(fen: int) -> str:
    return f"¥{fen // 100:,}.{fen % 100:02d}"


def _code(store_id: int, stay_id: int, exact: bool, anchor: str) -> str:
    payload = {"s": store_id, "p": stay_id, "x": 1 if exact else 0, "a": anchor}
    return signed_codes.sign(CAR_PURPOSE, payload, max_age=CODE_TTL)


def _read(session: Session, store_id: int, code: str) -> tuple[ParkingSession, dict[str, Any]]:
    """The open stay a code names; an expired, forged or other store's code, or a stay that ended: a 400/404."""
    payload = signed_codes.verify(CAR_PURPOSE, code[:600])
    if not isinstance(payload, dict) or payload.get("s") != store_id:
        raise signed_codes.CodeInvalid("not a code of this store")
    stay = parking_service.get_session(session, store_id, int(payload.get("p") or 0))
    if stay.exited_at is not None:
        raise PlateNotFound("this car has left the car park")
    return stay, payload


def _message(exc: StoreError) -> str:
    if isinstance(exc, InvalidPlate):
        return TEXTS[1]
    if isinstance(exc, PlateNotFound):
        return TEXTS[2]
    if isinstance(exc, signed_codes.CodeExpired | signed_codes.CodeInvalid):
        return TEXTS[3]
    if isinstance(exc, NothingToPay | AlreadyPaid):
        return TEXTS[4]
    if isinstance(exc, FeeChanged):
        return TEXTS[5]
    return exc.message


def _car(session: Session, sc: guide.Screen, stay: ParkingSession, *, locale: str) -> dict[str, Any]:
    """What the pages show of a car: zone, space, the way there, the fee now."""
    zone = parking_service.zone_of(session, stay)
    quote = parking_service.quote(session, stay)
    tz = ZoneInfo(sc.store.timezone)
    goal = parking_service.route_goal(session, sc.store.id or 0, zone)
    return {
        "zone": zone,
        "zone_name": (zone.name if locale == "zh_CN" else zone.name_en or zone.name) if zone else "",
        "hint": (zone.lobby_hint if locale == "zh_CN" else zone.lobby_hint_en or zone.lobby_hint) if zone else "",
        "space": stay.space,
        "entered": stay.entered_at.astimezone(tz).strftime("%m-%d %H:%M"),
        "stay_min": quote.stay_s // 60,
        "owed": quote.owed_fen,
        "owed_text": money(quote.owed_fen),
        "paid_text": money(quote.paid_fen),
        "grace_until": quote.grace_until.astimezone(tz).strftime("%H:%M") if quote.grace_until else "",
        "goal": goal,
    }


def _render(request: Request, sc: guide.Screen, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    base: dict[str, Any] = {
        "provinces": PROVINCES,
        "keys": KEYS,
        "plate": "",
        "message": "",
        "car": None,
        "candidates": [],
    }
    return guide.page(request, sc, "parking.html", base | context, status_code=status)


@router.get("/parking")
def find_page(request: Request, session: SessionDep, plate: str = "") -> HTMLResponse:
    """Find my car: type the plate; the car's zone, space and route, or masked near matches to pick from."""
    sc = guide.screen(request, session, None)
    locale = i18n.negotiate(request)
    typed = plate.strip()[:16]
    if not typed:
        return _render(request, sc, {})
    store_id = sc.store.id or 0
    try:
        found = parking_service.find(session, store_id, typed)
    except StoreError as exc:
        return _render(request, sc, {"plate": typed, "message": _message(exc)}, status=exc.status_code)
    parking_service.log_lookup(session, store_id, channel="kiosk", found=found.stay is not None)
    anchor = sc.kiosk.anchor_id if sc.kiosk is not None and sc.kiosk.anchor_id else ""
    if found.stay is None:
        tz = ZoneInfo(sc.store.timezone)
        candidates = [
            {
                "masked": c.masked,
                "entered": c.entered_at.astimezone(tz).strftime("%m-%d %H:%M"),
                "url": "/kiosk/parking/car?" + urlencode({"c": _code(store_id, c.session_id, False, anchor)}),
            }
            for c in found.candidates
        ]
        context = {"plate": found.plate, "candidates": candidates}
        if not candidates:
            context["message"] = TEXTS[2]
        return _render(request, sc, context, status=200 if candidates else 404)
    return _car_page(request, session, sc, found.stay, exact=True, locale=locale, anchor=anchor)


def _car_page(
    request: Request,
    session: Session,
    sc: guide.Screen,
    stay: ParkingSession,
    *,
    exact: bool,
    locale: str,
    anchor: str,
    mine: bool = False,
) -> HTMLResponse:
    car = _car(session, sc, stay, locale=locale)
    code = _code(sc.store.id or 0, stay.id, exact or mine, anchor)  # type: ignore[arg-type]
    phone = "/kiosk/m/parking?" + urlencode({"c": code})
    context = {
        "plate": stay.plate if (exact or mine) else plates.mask(stay.plate),
        "car": car,
        "exact": exact or mine,
        "confirm_url": "/kiosk/parking/car?" + urlencode({"c": code, "mine": "1"}),
        "route_url": guide._route_url(sc, car["goal"], "default") if car["goal"] else "",
        "route_url_accessible": guide._route_url(sc, car["goal"], "accessible") if car["goal"] else "",
        "qr": guide.qr_svg(str(request.base_url).rstrip("/") + phone) if (exact or mine) else None,
        "phone_url": phone,
    }
    return _render(request, sc, context)


@router.get("/parking/car")
def car_page(request: Request, session: SessionDep, c: str = "", mine: str = "") -> HTMLResponse:
    """A car picked from the near matches: where it is; paying needs the shopper to say it is theirs."""
    sc = guide.screen(request, session, None)
    try:
        stay, payload = _read(session, sc.store.id or 0, c)
    except StoreError as exc:
        return _render(request, sc, {"message": _message(exc)}, status=exc.status_code)
    exact = bool(payload.get("x"))
    return _car_page(
        request,
        session,
        sc,
        stay,
        exact=exact,
        locale=i18n.negotiate(request),
        anchor=str(payload.get("a") or ""),
        mine=mine == "1",
    )


# --- the phone page ------------------------------------------------------------------------------------------------


def _phone(request: Request, sc: guide.Screen, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    base = {"message": "", "car": None, "paid": False, "pending": False, "methods": METHODS, "code": ""}
    return guide.page(request, sc, "parking_phone.html", base | context, status_code=status)


def _phone_car(
    request: Request, session: Session, sc: guide.Screen, code: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    try:
        stay, payload = _read(session, sc.store.id or 0, code)
    except StoreError as exc:
        return _phone(request, sc, {"message": _message(exc)}, status=exc.status_code)
    car = _car(session, sc, stay, locale=i18n.negotiate(request))
    start = f"anchor:{payload['a']}" if payload.get("a") else ""
    route = ""
    if car["goal"]:
        route = "/kiosk/route?" + urlencode({"to": car["goal"], **({"from": start} if start else {})})
    context = {
        "plate": stay.plate if payload.get("x") else plates.mask(stay.plate),
        "car": car,
        "code": code,
        "may_pay": bool(payload.get("x")),
        "route_url": route,
        "csrf_token": form_token(PAY_PATH),  # a pay form posted from another site is refused
    }
    return _phone(request, sc, context | extra, status=status)


@router.get("/m/parking")
def phone_page(request: Request, session: SessionDep, c: str = "") -> HTMLResponse:
    """The phone page of a find-my-car QR: where the car is, the way from the lift lobby, the fee and paying."""
    sc = guide.screen(request, session, None)
    return _phone_car(request, session, sc, c)


PAY_PATH = "/kiosk/m/parking/pay"


@router.post("/m/parking/pay")  # PAY_PATH under the router's /kiosk
def phone_pay(
    request: Request,
    session: SessionDep,
    c: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Pay the fee shown (through the payment plugin); a changed fee, a second payment, a bad code or a form
    without this site's token change nothing."""
    sc = guide.screen(request, session, None)
    if not form_token_ok(csrf_token, PAY_PATH):
        return _phone_car(request, session, sc, c, status=400, message=FORM_EXPIRED)
    try:
        stay, payload = _read(session, sc.store.id or 0, c)
        if not payload.get("x") or method not in METHODS or not amount.isdigit():
            raise signed_codes.CodeInvalid("this code may not pay")
        payment = parking_service.pay(session, sc.store.id or 0, stay.id, expected_fen=int(amount), method=method)  # type: ignore[arg-type]
    except StoreError as exc:
        return _phone_car(request, session, sc, c, status=exc.status_code, message=_message(exc))
    if payment.status == PaymentStatus.declined:
        return _phone_car(request, session, sc, c, message=TEXTS[6])
    return _phone_car(
        request,
        session,
        sc,
        c,
        paid=payment.status == PaymentStatus.paid,
        pending=payment.status == PaymentStatus.pending,
    )
