"""The guide screens beyond the home page: search (hanzi, pinyin, first letters), the directory by category,
shop pages, floor maps, routes drawn floor by floor with a QR to continue on the phone, promotions and the
coupon claim QR; plus the kiosk's own plumbing (reset after idle, heartbeat, elderly mode).

Every page logs which function was used on which kiosk (no shopper data) for C1. A kiosk knows which it is
from the ``kiosk`` cookie, a signed value (store/signed_codes.py): a hand-made cookie names no kiosk. Opening
any page with ``?kiosk=<code>`` sets one that names the kiosk for the usage log only, since any browser can
open that URL. A heartbeat (``POST /kiosk/beat``) counts only from a screen that proved it is the kiosk's
device: installed once through ``/kiosk/install`` with the kiosk device's key (``smartstore device create
--kind kiosk``), which sets a cookie bound to that device; revoking the device stops its beats.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from kiosk import i18n, qr, shop_credit
from kiosk.web import render
from store import signed_codes
from store.auth import service as auth_service
from store.auth.models import Device, DeviceKind
from store.catalog import service as catalog_service
from store.catalog.models import Promotion
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.i18n import LANG_COOKIE
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES
from store.premises.errors import ShopNotFound
from store.premises.models import Shop, Store
from store.wayfinding import routing, search
from store.wayfinding import service as wayfinding_service
from store.wayfinding.errors import MapNotReady, PlaceNotFound
from store.wayfinding.models import Kiosk, KioskFunction

router = APIRouter(prefix="/kiosk", include_in_schema=False)
KIOSK_COOKIE = "kiosk"
CARE_COOKIE = "care"
KIOSK_PURPOSE = "kiosk-id"
KIOSK_COOKIE_AGE = timedelta(days=3650)
INSTALL_PURPOSE = "kiosk-install"  # the install form's token (signed for its path, an hour)
INSTALL_FORM_AGE = timedelta(hours=1)
CLAIM_PURPOSE = "kiosk-claim"
CLAIM_TTL = timedelta(minutes=10)
MAX_QUERY = 40
# Modules other issues add; until they are installed their tile says the service is not available.
OPTIONAL_MODULES = {
    "parking": ("store.parking", "/kiosk/parking"),
    "rentals": ("store.rentals", "/kiosk/rentals"),
}
MARKETING_MODULE = "store.marketing"


def N_(message: str) -> str:
    return message


TEXTS = (
    N_("The store map is not ready"),
    N_("Place not found"),
    N_("No route"),
    N_("Shop not found"),
    N_("Code expired"),
    N_("no step-free route: the lifts that would lead there are out of service"),
    N_("these two places are not connected on the map"),
    N_("this promotion has ended or does not exist"),
    N_("this screen has no 'you are here' point: scan the QR on a kiosk, or ask at the service desk"),
    N_("the store has no map yet: generate it from the premises or import an IMDF archive"),
)


@dataclass(frozen=True)
class Screen:
    store: Store
    today: date
    kiosk: Kiosk | None
    care: bool


def screen(request: Request, session: Session, function: KioskFunction | None) -> Screen:
    """The store, today, this kiosk (if the screen is one) and the elderly mode; logs the function used."""
    store = premises_service.default_store(session)
    code = request.query_params.get("kiosk") or kiosk_of_cookie(request, store.id or 0)
    kiosk = wayfinding_service.kiosk_by_code(session, store.id or 0, code[:32]) if code else None
    if function is not None:
        wayfinding_service.log_use(session, store.id or 0, kiosk.id if kiosk else None, function)
    care = _flag(request.query_params.get("care"), request.cookies.get(CARE_COOKIE))
    return Screen(store, business_day(utcnow(), store.timezone), kiosk, care)


def kiosk_cookie(kiosk: Kiosk, device_id: int | None = None) -> str:
    """The kiosk's identity as a signed value: a cookie typed by hand (``kiosk=K1``) names no kiosk. With
    ``device_id`` (set by ``/kiosk/install`` after the device's key was checked) its heartbeats count."""
    payload: dict[str, Any] = {"k": kiosk.code, "s": kiosk.store_id}
    if device_id is not None:
        payload["d"] = device_id
    return signed_codes.sign(KIOSK_PURPOSE, payload, max_age=KIOSK_COOKIE_AGE)


def _identity(request: Request, store_id: int) -> dict[str, Any]:
    """The signed kiosk cookie's payload (of this store), or {} for none or a forged one."""
    raw = request.cookies.get(KIOSK_COOKIE, "")
    if not raw:
        return {}
    try:
        payload = signed_codes.verify(KIOSK_PURPOSE, raw[:200])
    except (StoreError, ValueError):
        return {}
    return payload if isinstance(payload, dict) and payload.get("s") == store_id else {}


def kiosk_of_cookie(request: Request, store_id: int) -> str:
    """The code of the kiosk whose signed cookie this is (of this store), or "" for none or a forged one."""
    return str(_identity(request, store_id).get("k", ""))[:32]


def proven_kiosk(request: Request, session: Session, store_id: int) -> Kiosk | None:
    """The kiosk whose screen this is, only if its cookie is bound to the kiosk's own device, still active."""
    identity = _identity(request, store_id)
    code, device_id = str(identity.get("k", ""))[:32], identity.get("d")
    if not code or not isinstance(device_id, int):
        return None
    kiosk = wayfinding_service.kiosk_by_code(session, store_id, code)
    if kiosk is None or kiosk.device_id != device_id:
        return None
    device = session.get(Device, device_id)
    if device is None or device.revoked_at is not None or device.kind != DeviceKind.kiosk:
        return None
    return kiosk


def _flag(param: str | None, cookie: str | None) -> bool:
    if param is not None:
        return param == "1"
    return cookie == "1"


def page(request: Request, sc: Screen, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render with the kiosk's state; keep ``?kiosk=`` and ``?care=`` choices in cookies."""
    pristine = request.url.path.rstrip("/") == "/kiosk" and not sc.care and i18n.negotiate(request) == "zh_CN"
    values = {
        "store": sc.store,
        "kiosk": sc.kiosk,
        "care": sc.care,
        "idle": not request.url.path.startswith("/kiosk/m/") and not pristine,
        "care_url": _with(request, care="0" if sc.care else "1"),
    }
    response = render(request, template, values | context, status_code=status_code)
    if request.query_params.get("kiosk") and sc.kiosk is not None:
        held = _identity(request, sc.store.id or 0)
        if held.get("k") != sc.kiosk.code or "d" not in held:  # an installed kiosk keeps its device-bound cookie
            age = int(KIOSK_COOKIE_AGE.total_seconds())
            response.set_cookie(KIOSK_COOKIE, kiosk_cookie(sc.kiosk), max_age=age, samesite="lax", httponly=True)
    if request.query_params.get("care") in ("0", "1"):
        response.set_cookie(CARE_COOKIE, request.query_params["care"], samesite="lax", httponly=True)
    return response


def _with(request: Request, **params: str) -> str:
    merged = dict(request.query_params) | params
    return request.url.path + "?" + urlencode(merged)


def error(request: Request, sc: Screen, exc: StoreError) -> HTMLResponse:
    locale = i18n.negotiate(request)
    context = {
        "status": exc.status_code,
        "title": i18n.gettext(exc.title, locale),
        "detail": i18n.gettext(exc.message, locale),
    }
    return page(request, sc, "error.html", context, status_code=exc.status_code)


def name_of(shop: Shop, locale: str) -> str:
    return shop.name if locale == "zh_CN" else (shop.name_en or shop.name)


def category_of(code: str, locale: str) -> str:
    zh, en = CATEGORIES.get(code, (code, code))
    return zh if locale == "zh_CN" else en


def qr_svg(text: str) -> Markup:
    """A QR code as inline SVG (kiosk/qr.py: one path, fixed mask, cached)."""
    return qr.svg(text)


def current_promotions(session: Session, store_id: int) -> list[Promotion]:
    now = utcnow()
    return [p for p in catalog_service.list_promotions(session, store_id) if p.starts_at <= now < p.ends_at]


def module_tiles() -> dict[str, str | None]:
    """Each optional module's page, or None while it is not installed (its tile says so)."""
    return {
        key: (url if importlib.util.find_spec(module) is not None else None)
        for key, (module, url) in OPTIONAL_MODULES.items()
    }


# --- search and directory --------------------------------------------------------------------------------------


@router.get("/search")
def search_page(request: Request, session: SessionDep, q: str = "") -> HTMLResponse:
    """Search shops by name, brand or product: 汉字, full pinyin or first letters ("nk" finds 耐克)."""
    sc = screen(request, session, KioskFunction.search)
    locale = i18n.negotiate(request)
    query = q.strip()[:MAX_QUERY]
    hits: list[search.Hit] = []
    if query:
        index = wayfinding_service.search_index(session, sc.store.id or 0, sc.today)
        hits = search.find(index, query)
    shops = (
        {s.code: s for s in premises_service.list_shops(session, sc.store.id or 0, open_on=sc.today)} if hits else {}
    )
    floors = {f.id: f for f in premises_service.list_floors(session, sc.store.id or 0)}
    rows = []
    for hit in hits:
        shop = shops.get(hit.entry.key.removeprefix("shop:"))
        if shop is None:
            continue
        matched = hit.matched if hit.matched not in (shop.name, shop.name_en) else ""
        rows.append((shop, floors[shop.floor_id], category_of(shop.category, locale), matched))
    return page(request, sc, "search.html", {"q": query, "rows": rows, "keys": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


@router.get("/directory")
def directory(request: Request, session: SessionDep, category: str = "") -> HTMLResponse:
    """The shop directory by category: the categories with their shop counts, or one category's shops."""
    sc = screen(request, session, KioskFunction.shop_guide)
    locale = i18n.negotiate(request)
    shops = premises_service.list_shops(session, sc.store.id or 0, open_on=sc.today)
    floors = {f.id: f for f in premises_service.list_floors(session, sc.store.id or 0)}
    counts: dict[str, int] = {}
    for shop in shops:
        counts[shop.category] = counts.get(shop.category, 0) + 1
    categories = sorted(((code, category_of(code, locale), n) for code, n in counts.items()), key=lambda c: -c[2])
    chosen = [s for s in shops if s.category == category] if category else []
    rows = [(s, floors[s.floor_id]) for s in sorted(chosen, key=lambda s: (floors[s.floor_id].level, s.code))]
    context = {
        "categories": categories,
        "category": category,
        "category_name": category_of(category, locale),
        "rows": rows,
    }
    return page(request, sc, "directory.html", context)


@router.get("/shops/{code}")
def shop_page(request: Request, session: SessionDep, code: str) -> HTMLResponse:
    """A shop: floor, unit number, hours, brands, current promotions, and the way there."""
    sc = screen(request, session, KioskFunction.shop_guide)
    try:
        shop = premises_service.get_shop_by_code(session, sc.store.id or 0, code[:32])
        if shop.closed_on is not None and shop.closed_on < sc.today:
            raise ShopNotFound(f"shop {code} has closed")
    except StoreError as exc:
        return error(request, sc, exc)
    floor = premises_service.get_floor(session, sc.store.id or 0, shop.floor_id)
    hours = {h.weekday: h for h in premises_service.list_opening_hours(session, sc.store.id or 0)}.get(
        sc.today.weekday()
    )
    brands = sorted(
        {b for sid, _n, b in catalog_service.product_names(session, sc.store.id or 0, shop_id=shop.id) if b}
    )
    promotions = [
        p
        for p in current_promotions(session, sc.store.id or 0)
        if (p.category is None and p.sku_id is None) or p.category == shop.category
    ]
    context = {
        "shop": shop,
        "floor": floor,
        "hours": hours,
        "brands": brands[:12],
        "promotions": promotions,
        "category": category_of(shop.category, i18n.negotiate(request)),
        "credit": shop_credit.current(session, sc.store.id or 0, shop.id or 0),  # issue 15: the shop's rating
        "route_url": _route_url(sc, f"shop:{shop.code}", "default"),
        "route_url_accessible": _route_url(sc, f"shop:{shop.code}", "accessible"),
    }
    return page(request, sc, "shop.html", context)


def _route_url(sc: Screen, goal: str, mode: str, start: str = "") -> str:
    if not start and sc.kiosk is not None and sc.kiosk.anchor_id:
        start = f"anchor:{sc.kiosk.anchor_id}"
    params = {"to": goal} | ({"from": start} if start else {}) | ({"mode": mode} if mode != "default" else {})
    return "/kiosk/route?" + urlencode(params)


# --- maps and routes -------------------------------------------------------------------------------------------


def unit_labels(loaded: wayfinding_service.LoadedMap, locale: str) -> dict[str, tuple[str, str]]:
    """Unit id → (occupant's name, unit number) for drawing."""
    labels = {}
    for occupant in loaded.data.by_type.get("occupant", []):
        unit = loaded.data.unit_of.get(str(occupant["properties"].get("anchor_id")))
        if unit:
            labels[unit] = (loaded.data.name(occupant, locale), str(occupant["properties"].get("shop_code", "")))
    return labels


def floor_map(session: Session, sc: Screen, floor_code: str, locale: str, highlight_shop: str = "") -> Markup | None:
    """The floor's SVG with "you are here" when the kiosk stands on it; None when the store has no map."""
    try:
        loaded = wayfinding_service.load(session, sc.store.id or 0)
    except MapNotReady:
        return None
    level = next((lv for lv in loaded.data.levels() if lv["properties"]["short_name"]["zh"] == floor_code), None)
    if level is None:
        return None
    here = None
    if sc.kiosk is not None and sc.kiosk.anchor_id in loaded.data.features:
        anchor = sc.kiosk.anchor_id
        if loaded.data.level_of.get(anchor) == level["id"]:
            here = loaded.graphs[routing.Profile.default].xy.get(anchor)
    highlight = None
    if highlight_shop and highlight_shop in loaded.occupant_by_shop:
        highlight = loaded.data.unit_of.get(str(loaded.occupant_by_shop[highlight_shop]["properties"]["anchor_id"]))
    from store.wayfinding import svg

    drawn = svg.level_svg(
        loaded.data,
        level["id"],
        locale=locale,
        labels=unit_labels(loaded, locale),
        here=here,
        highlight=highlight,
        closed=wayfinding_service.closed_units(loaded),
    )
    return Markup(drawn)


@router.get("/route")
def route_page(request: Request, session: SessionDep, to: str = "", mode: str = "default") -> HTMLResponse:
    """The route to a place, floor by floor, with a QR to continue on the phone (the stable route URL)."""
    sc = screen(request, session, KioskFunction.route)
    locale = i18n.negotiate(request)
    start = request.query_params.get("from", "")[:80]
    profile = routing.Profile.accessible if mode == "accessible" else routing.Profile.default
    if not start and sc.kiosk is not None and sc.kiosk.anchor_id:
        start = f"anchor:{sc.kiosk.anchor_id}"
    try:
        if not start:
            raise PlaceNotFound(
                "this screen has no 'you are here' point: scan the QR on a kiosk, or ask at the service desk"
            )
        found = wayfinding_service.route(session, sc.store.id or 0, start, to[:80], profile)
        loaded = wayfinding_service.load(session, sc.store.id or 0)
    except StoreError as exc:
        return error(request, sc, exc)
    target = _target_name(loaded, to, locale)
    from store.wayfinding import svg

    legs = []
    labels = unit_labels(loaded, locale)
    steps = routing.describe(loaded.data, found, target, locale)
    goal_unit = loaded.data.unit_of.get(wayfinding_service.resolve_place(loaded, to[:80]))
    for i, leg in enumerate(found.legs):
        level = loaded.data.features[leg.level_id]
        drawn = svg.level_svg(
            loaded.data,
            leg.level_id,
            locale=locale,
            labels=labels,
            route=leg.points,
            here=leg.points[0] if i == 0 else None,
            highlight=goal_unit if i == len(found.legs) - 1 else None,
            closed=wayfinding_service.closed_units(loaded),
        )
        legs.append({"level": level["properties"]["short_name"]["zh"], "step": steps[i], "svg": Markup(drawn)})
    link = _route_url(sc, to[:80], profile.value, start)
    phone_url = str(request.base_url).rstrip("/") + link + "&via=qr"
    context = {
        "target": target,
        "to": to[:80],
        "legs": legs,
        "minutes": max(1, round(found.seconds / 60)),
        "metres": found.metres,
        "accessible": profile is routing.Profile.accessible,
        "other_mode_url": _route_url(
            sc, to[:80], "default" if profile is routing.Profile.accessible else "accessible", start
        ),
        "qr": qr_svg(phone_url),
        "phone_url": link,
    }
    return page(request, sc, "route.html", context)


def _target_name(loaded: wayfinding_service.LoadedMap, place: str, locale: str) -> str:
    kind, _, value = place.partition(":")
    if kind == "shop" and value in loaded.occupant_by_shop:
        return loaded.data.name(loaded.occupant_by_shop[value], locale)
    feature = loaded.data.features.get(value)
    return loaded.data.name(feature, locale) if feature else place


# --- promotions and coupon claim ---------------------------------------------------------------------------------


@router.get("/promotions")
def promotions(request: Request, session: SessionDep) -> HTMLResponse:
    """Current promotions and events; each has a QR to claim it on the phone."""
    sc = screen(request, session, KioskFunction.promotions)
    rows = current_promotions(session, sc.store.id or 0)
    return page(request, sc, "promotions.html", {"promotions": rows})


@router.get("/promotions/{promotion_id}/claim")
def claim_qr(request: Request, session: SessionDep, promotion_id: int) -> HTMLResponse:
    """The claim QR of a promotion (valid 10 minutes): the phone opens it, a logged-in member claims there."""
    sc = screen(request, session, KioskFunction.coupon)
    found = next((p for p in current_promotions(session, sc.store.id or 0) if p.id == promotion_id), None)
    if found is None:
        return error(request, sc, PlaceNotFound("this promotion has ended or does not exist"))
    code = signed_codes.sign(CLAIM_PURPOSE, {"p": found.id, "s": sc.store.id}, max_age=CLAIM_TTL)
    link = "/kiosk/m/claim?" + urlencode({"c": code})
    return page(
        request,
        sc,
        "claim_qr.html",
        {
            "promotion": found,
            "qr": qr_svg(str(request.base_url).rstrip("/") + link),
            "link": link,
            "minutes": int(CLAIM_TTL.total_seconds() // 60),
        },
    )


def claim_hook() -> Any | None:
    """The marketing module's coupon claim for a promotion, once it is installed (``store.marketing``):
    ``kiosk_claim(session, store_id, promotion_id, request)`` returning a response. None until then."""
    home = f"{MARKETING_MODULE}.kiosk"  # the hook's agreed home (docs/contracts.md)
    if importlib.util.find_spec(MARKETING_MODULE) is None or importlib.util.find_spec(home) is None:
        return None  # marketing without its kiosk hook yet: the page shows the promotion
    return getattr(importlib.import_module(home), "kiosk_claim", None)


@router.get("/m/claim")
def claim_phone(request: Request, session: SessionDep, c: str = "") -> Response:
    """The phone page a claim QR opens: the promotion, and the claim once coupons are live."""
    sc = screen(request, session, None)
    try:
        payload = signed_codes.verify(CLAIM_PURPOSE, c[:600])
    except StoreError as exc:
        return error(request, sc, exc)
    found = next(
        (p for p in catalog_service.list_promotions(session, sc.store.id or 0) if p.id == payload.get("p")), None
    )
    if found is None or payload.get("s") != sc.store.id:
        return error(request, sc, PlaceNotFound("this promotion has ended or does not exist"))
    hook = claim_hook()
    if hook is not None:
        return hook(session, sc.store.id, found.id, request)  # type: ignore[no-any-return]
    return page(request, sc, "claim_phone.html", {"promotion": found, "coupons_live": False})


# --- kiosk plumbing ------------------------------------------------------------------------------------------------


@router.get("/reset")
def reset() -> RedirectResponse:
    """Back to a fresh home screen: Chinese, standard mode, nothing of the last shopper left."""
    response = RedirectResponse("/kiosk/", status_code=303)
    response.delete_cookie(LANG_COOKIE)
    response.delete_cookie(CARE_COOKIE)
    return response


@router.post("/beat")
def beat(request: Request, session: SessionDep) -> Response:
    """The kiosk screen's heartbeat (every minute while it shows a page). It counts only from a screen installed
    with its kiosk device's key (``/kiosk/install``); any other caller gets the same 204 and changes nothing."""
    store = premises_service.default_store(session)
    kiosk = proven_kiosk(request, session, store.id or 0)
    if kiosk is not None:
        wayfinding_service.beat(session, kiosk)
    return Response(status_code=204)


INSTALL_ERRORS = (
    N_("That key is not an active kiosk device of this store."),
    N_("No kiosk with that code: place it in the admin first."),
    N_("That kiosk belongs to another device."),
    N_("The form expired: please enter the code and key again."),
)


def _install_page(
    request: Request, session: Session, error: str = "", code: str = "", status_code: int = 200
) -> HTMLResponse:
    store = premises_service.default_store(session)
    context = {
        "store": store,
        "kiosk": None,
        "error": i18n.gettext(error, i18n.negotiate(request)) if error else "",
        "code": code,
        "csrf_token": signed_codes.sign(INSTALL_PURPOSE, "/kiosk/install", max_age=INSTALL_FORM_AGE),
    }
    return render(request, "install.html", context, status_code=status_code)


@router.get("/install")
def install_form(request: Request, session: SessionDep) -> HTMLResponse:
    """Installing a kiosk screen: the kiosk's code and its device key (``smartstore device create --kind kiosk``)."""
    return _install_page(request, session)


@router.post("/install")
def install(
    request: Request,
    session: SessionDep,
    kiosk: Annotated[str, Form(max_length=32)] = "",
    key: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """Bind this screen to its kiosk device: the key is checked (an active kiosk device of this store, the
    kiosk's own or, for a kiosk without one yet, bound to it now); then a device-bound cookie is set, so its
    heartbeats count. Refused: the form again with the reason, nothing changed."""
    store = premises_service.default_store(session)
    code = kiosk.strip()
    try:
        token_ok = signed_codes.verify(INSTALL_PURPOSE, csrf_token) == "/kiosk/install" if csrf_token else False
    except (StoreError, ValueError):
        token_ok = False
    if not token_ok:
        return _install_page(request, session, INSTALL_ERRORS[3], code, status_code=400)
    device = auth_service.resolve_device(session, key.strip()) if key.strip() else None
    if device is None or device.kind != DeviceKind.kiosk or device.store_id != store.id:
        return _install_page(request, session, INSTALL_ERRORS[0], code, status_code=400)
    found = wayfinding_service.kiosk_by_code(session, store.id or 0, code) if code else None
    if found is None:
        return _install_page(request, session, INSTALL_ERRORS[1], code, status_code=400)
    if found.device_id is not None and found.device_id != device.id:
        return _install_page(request, session, INSTALL_ERRORS[2], code, status_code=400)
    if found.device_id is None:
        found.device_id = device.id
        session.add(found)
        session.flush()
    response = RedirectResponse(f"/kiosk/?{urlencode({'kiosk': found.code})}", status_code=303)
    age = int(KIOSK_COOKIE_AGE.total_seconds())
    response.set_cookie(KIOSK_COOKIE, kiosk_cookie(found, device.id), max_age=age, samesite="lax", httponly=True)
    return response
