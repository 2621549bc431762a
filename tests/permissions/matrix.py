"""THE permission matrix: every route of the app → who may call it, and a request that exercises it.

One table, one place. A route added anywhere (API, admin page, kiosk page) fails
``tests/permissions/test_matrix.py`` until it has a row here; each row names the callers allowed (any of
the six staff roles, the four device kinds, or ``anonymous``) and builds a realistic request against the
world of ``world.py``. Every other caller must be refused (401, 403 or 404; a page may send them to the
login page instead). The API fuzzer (``tests/fuzz``) reads the same rows to fuzz each operation as the
callers allowed to call it.

Adding a route: add ``(METHOD, path template): Rule(<who>, <request>)`` below. A public route says why
in ``public``. Admin page rows say ``page=True``: staff then sign in with a session cookie (and POSTs carry
the session's CSRF token) rather than a bearer token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from store.clock import utcnow
from tests.factories.auth import PASSWORD
from tests.permissions.world import ANONYMOUS, DEVICE_KINDS, MEMBER, PRINCIPALS, ROLES, World

API = "/api/v1"


@dataclass(frozen=True)
class Call:
    """What a cell sends: a concrete path and, where the route takes one, a body or query."""

    path: str
    json: Any = None
    params: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    files: dict[str, Any] | None = None


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    call: Callable[[World], Call]
    page: bool = False  # an admin page: staff sign in with the session cookie, forms carry the CSRF token
    public: str = ""  # why anyone may call it (then ``allowed`` is everyone)
    path_ids: dict[str, Callable[[World], Any]] = field(default_factory=dict)  # for the fuzzer: known ids


def who(*names: str) -> frozenset[str]:
    unknown = set(names) - set(PRINCIPALS)
    assert not unknown, f"unknown principals {unknown}"
    return frozenset(names)


STAFF = who(*ROLES)
BACK_OFFICE = who("admin", "manager")
ADMIN = who("admin")
TILLS = who("pos_terminal", "capture_box")
EVERYONE = who(*PRINCIPALS)
PATROL = who("admin", "manager", "security")
assert set(DEVICE_KINDS) | set(ROLES) | {MEMBER, ANONYMOUS} == set(PRINCIPALS)


def public(reason: str, call: Callable[[World], Call], *, page: bool = False) -> Rule:
    return Rule(EVERYONE, call, page=page, public=reason)


def at(path: str, **kwargs: Any) -> Callable[[World], Call]:
    """A call to a fixed path."""
    return lambda _w: Call(path, **kwargs)


def _recent(w: World) -> str:
    return (utcnow() - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0).isoformat()


def _kiosk_token(_w: World) -> str:
    """The form token the parking phone page puts in its pay form."""
    from kiosk.credit import form_token

    return form_token("/kiosk/m/parking/pay")


def _order_body(w: World) -> dict[str, Any]:
    from tests.factories.sales import order_body

    return order_body(w.home.shop)


FLOORS_CSV = "floor_code,name,level\n9F,九楼,9\n".encode()
SHOP_ID = {"shop_id": lambda w: w.home.shop.id}
ORDER_ID = {"order_id": lambda w: w.home.order.id}

# --- credit (issue 15, S9): the QR phone pages, complaints, and the credit pages of the back office ---------


def _credit_code(w: World) -> str:
    from sqlmodel import Session

    from store.credit import codes

    return codes.issue(Session.object_session(w.home.shop), w.home.store.id, w.home.shop.id).code  # type: ignore[arg-type]


def _complaint(w: World) -> Any:
    from sqlmodel import Session

    from store.credit import complaints
    from store.credit.models import CreditComplaint

    session = Session.object_session(w.home.shop)
    assert session is not None
    # A complaint an earlier cell filed was rolled back with that cell's request; SQLite hands its id out
    # again, so its stale object must leave the session before the new one is flushed.
    for stale in [o for o in session.identity_map.values() if isinstance(o, CreditComplaint)]:
        session.expunge(stale)
    return complaints.file(session, w.home.store.id, w.home.shop.id, text="收银多收了十元", phone="", photos=[])  # type: ignore[arg-type]


def _complaint_path(suffix: str = "") -> Callable[[World], Call]:
    return lambda w: Call(f"/admin/credit/complaints/{_complaint(w).id}{suffix}", data={"reason": "ok", "officer": "o"})


CREDIT_OFFICE = who("admin", "manager")


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


COMPLAINT_HANDLERS = who("admin", "manager", "tenant")
CREDIT_ROWS: dict[tuple[str, str], Rule] = {
    ("GET", "/kiosk/q/{code}"): public(
        "the shop credit page a poster's QR code opens, for shoppers",
        lambda w: Call(f"/kiosk/q/{_credit_code(w)}"),
        page=True,
    ),
    ("GET", "/kiosk/q/{code}/complaint"): public(
        "the public complaint form (no login)", lambda w: Call(f"/kiosk/q/{_credit_code(w)}/complaint"), page=True
    ),
    ("POST", "/kiosk/q/{code}/complaint"): public(
        "files a complaint; rate-limited per device and phone, with a challenge",
        lambda w: Call(f"/kiosk/q/{_credit_code(w)}/complaint", data={"text": "收银多收了十元"}),
        page=True,
    ),
    ("GET", "/kiosk/complaints"): public(
        "look up a complaint by its tracking number", at("/kiosk/complaints"), page=True
    ),
    ("GET", "/kiosk/complaints/{tracking_no}"): public(
        "the complainant follows a complaint by its tracking number",
        lambda w: Call(f"/kiosk/complaints/{_complaint(w).tracking_no}"),
        page=True,
    ),
    ("POST", "/kiosk/complaints/{tracking_no}/rating"): public(
        "the complainant rates the result (once closed)",
        lambda w: Call(f"/kiosk/complaints/{_complaint(w).tracking_no}/rating", data={"satisfaction": "5"}),
        page=True,
    ),
    ("GET", "/kiosk/credit/rules"): public(
        "the public rules of the credit score", at("/kiosk/credit/rules"), page=True
    ),
    ("GET", "/admin/credit"): Rule(who("admin", "manager", "tenant", "security"), at("/admin/credit"), page=True),
    ("GET", "/admin/credit/shops/{shop_id}"): Rule(
        CREDIT_OFFICE, lambda w: Call(f"/admin/credit/shops/{w.home.shop.id}"), page=True
    ),
    ("POST", "/admin/credit/shops/{shop_id}/profile"): Rule(
        CREDIT_OFFICE,
        lambda w: Call(f"/admin/credit/shops/{w.home.shop.id}/profile", data={"licence_name": "某某商贸有限公司"}),
        page=True,
    ),
    ("POST", "/admin/credit/shops/{shop_id}/permits"): Rule(
        CREDIT_OFFICE,
        lambda w: Call(
            f"/admin/credit/shops/{w.home.shop.id}/permits",
            data={"kind": "food", "number": "JY1", "expires_on": "2030-01-01"},
        ),
        page=True,
    ),
    ("POST", "/admin/credit/shops/{shop_id}/inspections"): Rule(
        CREDIT_OFFICE,
        lambda w: Call(
            f"/admin/credit/shops/{w.home.shop.id}/inspections", data={"inspected_on": "2024-01-02", "result": "passed"}
        ),
        page=True,
    ),
    ("GET", "/admin/credit/appeals"): Rule(who("admin", "manager", "tenant"), at("/admin/credit/appeals"), page=True),
    ("POST", "/admin/credit/appeals"): Rule(
        who("tenant"),
        at("/admin/credit/appeals", data={"record_kind": "inspection", "record_id": "1", "text": "检查当天店铺未营业"}),
        page=True,
    ),
    ("POST", "/admin/credit/appeals/{appeal_id}/decision"): Rule(
        CREDIT_OFFICE,
        at("/admin/credit/appeals/1/decision", data={"outcome": "rejected", "decision": "记录无误"}),
        page=True,
    ),
    ("POST", "/admin/credit/shops/{shop_id}/shopfront"): Rule(
        CREDIT_OFFICE,
        lambda w: Call(
            f"/admin/credit/shops/{w.home.shop.id}/shopfront",
            files={"photo": ("front.png", _tiny_png(), "image/png")},
        ),
        page=True,
    ),
    ("GET", "/admin/credit/shops/{shop_id}/shopfront.jpg"): Rule(
        CREDIT_OFFICE, lambda w: Call(f"/admin/credit/shops/{w.home.shop.id}/shopfront.jpg"), page=True
    ),
    ("GET", "/kiosk/q/{code}/shopfront.jpg"): public(
        "the shopfront photo on the public page a poster's QR code opens",
        lambda w: Call(f"/kiosk/q/{_credit_code(w)}/shopfront.jpg"),
        page=True,
    ),
    ("GET", f"{API}/credit/shops"): Rule(STAFF, at(f"{API}/credit/shops")),
    ("GET", f"{API}/credit/shops/{{shop_id}}"): Rule(STAFF, lambda w: Call(f"{API}/credit/shops/{w.home.shop.id}")),
    ("GET", f"{API}/credit/public/{{code}}"): public(
        "what a shop's credit QR code shows, as JSON, for shoppers' apps",
        lambda w: Call(f"{API}/credit/public/{_credit_code(w)}"),
    ),
    ("POST", "/admin/credit/shops/{shop_id}/qr"): Rule(
        CREDIT_OFFICE, lambda w: Call(f"/admin/credit/shops/{w.home.shop.id}/qr"), page=True
    ),
    ("GET", "/admin/credit/shops/{shop_id}/poster.png"): Rule(
        CREDIT_OFFICE, lambda w: Call(f"/admin/credit/shops/{w.home.shop.id}/poster.png"), page=True
    ),
    ("GET", "/admin/credit/posters"): Rule(CREDIT_OFFICE, at("/admin/credit/posters"), page=True),
    ("POST", "/admin/credit/posters/refresh"): Rule(CREDIT_OFFICE, at("/admin/credit/posters/refresh"), page=True),
    ("GET", "/admin/credit/posters.pdf"): Rule(CREDIT_OFFICE, at("/admin/credit/posters.pdf"), page=True),
    ("POST", "/admin/credit/keys/rotate"): Rule(ADMIN, at("/admin/credit/keys/rotate"), page=True),
    ("GET", "/admin/credit/scans"): Rule(who("admin", "manager", "security"), at("/admin/credit/scans"), page=True),
    ("POST", "/admin/credit/scans"): Rule(
        who("admin", "manager", "security"),
        lambda w: Call("/admin/credit/scans", data={"shop_id": str(w.home.shop.id), "code": _credit_code(w)}),
        page=True,
    ),
    ("GET", "/admin/credit/services"): Rule(CREDIT_OFFICE, at("/admin/credit/services"), page=True),
    ("POST", "/admin/credit/services"): Rule(
        CREDIT_OFFICE,
        at("/admin/credit/services", data={"kind": "loan", "partner": "某银行", "name": "信用贷"}),
        page=True,
    ),
    ("POST", "/admin/credit/referrals"): Rule(
        CREDIT_OFFICE,
        at("/admin/credit/referrals", data={"service_id": "1", "shop_id": "1", "referred_on": "2024-01-01"}),
        page=True,
    ),
    ("POST", "/admin/credit/referrals/{referral_id}/outcome"): Rule(
        CREDIT_OFFICE, at("/admin/credit/referrals/1/outcome", data={"outcome": "approved"}), page=True
    ),
    ("GET", "/admin/credit/complaints"): Rule(COMPLAINT_HANDLERS, at("/admin/credit/complaints"), page=True),
    ("GET", "/admin/credit/complaints/{complaint_id}"): Rule(COMPLAINT_HANDLERS, _complaint_path(), page=True),
    ("GET", "/admin/credit/complaints/{complaint_id}/photos/{photo_id}"): Rule(
        COMPLAINT_HANDLERS, _complaint_path("/photos/1"), page=True
    ),
    ("POST", "/admin/credit/complaints/{complaint_id}/assign"): Rule(
        CREDIT_OFFICE, _complaint_path("/assign"), page=True
    ),
    ("POST", "/admin/credit/complaints/{complaint_id}/respond"): Rule(
        COMPLAINT_HANDLERS, _complaint_path("/respond"), page=True
    ),
    ("POST", "/admin/credit/complaints/{complaint_id}/resolve"): Rule(
        CREDIT_OFFICE, _complaint_path("/resolve"), page=True
    ),
    ("POST", "/admin/credit/complaints/{complaint_id}/reject"): Rule(
        CREDIT_OFFICE, _complaint_path("/reject"), page=True
    ),
}


# Members (issue 10): the mini-program's member (member token), tills and kiosks checking member codes.
def _member_code(w: World) -> dict[str, Any]:
    from store.members import codes

    return {"code": codes.current_code(w.home.member).digits}  # type: ignore[arg-type]


ME = who(MEMBER)
CODE_CHECKERS = who("admin", "manager", "cashier", "pos_terminal", "capture_box", "kiosk")
MEMBERS: dict[tuple[str, str], Rule] = {
    ("POST", f"{API}/members/sign-in/code"): public(
        "where a member asks for a sign-in code by SMS; one a minute and five an hour per phone",
        lambda w: Call(f"{API}/members/sign-in/code", json={"store_id": w.home.store.id, "phone": "13700000001"}),
    ),
    ("POST", f"{API}/members/sign-in"): public(
        "where a phone and its SMS code become member tokens; five tries per code",
        lambda w: Call(
            f"{API}/members/sign-in", json={"store_id": w.home.store.id, "phone": "13700000001", "code": "000000"}
        ),
    ),
    ("POST", f"{API}/members/token/refresh"): public(
        "where a refresh token (the credential itself) becomes a new pair",
        lambda w: Call(f"{API}/members/token/refresh", json={"refresh_token": w.home.member_refresh}),
    ),
    ("POST", f"{API}/members/logout"): Rule(ME, at(f"{API}/members/logout")),
    ("GET", f"{API}/members/me"): Rule(ME, at(f"{API}/members/me")),
    ("PATCH", f"{API}/members/me"): Rule(ME, at(f"{API}/members/me", json={"display_name": "小王"})),
    ("DELETE", f"{API}/members/me"): Rule(ME, at(f"{API}/members/me")),
    ("GET", f"{API}/members/me/card"): Rule(ME, at(f"{API}/members/me/card")),
    ("GET", f"{API}/members/me/code.png"): Rule(ME, at(f"{API}/members/me/code.png")),
    ("GET", f"{API}/members/me/code.svg"): Rule(ME, at(f"{API}/members/me/code.svg")),
    ("GET", f"{API}/members/me/orders"): Rule(ME, at(f"{API}/members/me/orders")),
    ("GET", f"{API}/members/me/consents"): Rule(ME, at(f"{API}/members/me/consents")),
    ("PUT", f"{API}/members/me/consents/{{purpose}}"): Rule(
        ME,
        at(f"{API}/members/me/consents/marketing_push", json={"granted": True, "text_version": "2026-01"}),
        path_ids={"purpose": lambda w: "marketing_push"},
    ),
    ("GET", f"{API}/members/me/export"): Rule(ME, at(f"{API}/members/me/export")),
    ("GET", f"{API}/members/me/coupons"): Rule(ME, at(f"{API}/members/me/coupons")),
    ("POST", f"{API}/members/codes/verify"): Rule(
        CODE_CHECKERS, lambda w: Call(f"{API}/members/codes/verify", json=_member_code(w))
    ),
    ("GET", f"{API}/members/codes/offline-snapshot"): Rule(
        who("pos_terminal"), at(f"{API}/members/codes/offline-snapshot")
    ),
    ("GET", "/admin/members"): Rule(who("admin", "manager", "marketing"), at("/admin/members"), page=True),
    # Analytics (S10, M2): store-wide figures and consumer groups; not for tenants, cashiers or security
    ("GET", "/admin/analytics"): Rule(who("admin", "manager", "marketing"), at("/admin/analytics"), page=True),
    ("GET", "/admin/analytics/forecast"): Rule(
        who("admin", "manager", "marketing"), at("/admin/analytics/forecast"), page=True
    ),
    ("GET", "/admin/analytics/profiles"): Rule(
        who("admin", "manager", "marketing"), at("/admin/analytics/profiles"), page=True
    ),
    ("GET", "/admin/members/tiers"): Rule(who("admin", "manager", "marketing"), at("/admin/members/tiers"), page=True),
    ("POST", "/admin/members/tiers"): Rule(
        who("admin", "manager"),
        at("/admin/members/tiers", data={"basic": "0", "silver": "2000", "gold": "6000", "diamond": "20000"}),
        page=True,
    ),
    ("GET", "/admin/members/{member_id}"): Rule(
        who("admin", "manager", "marketing"),
        lambda w: Call(f"/admin/members/{w.home.member.id}"),  # type: ignore[union-attr]
        page=True,
    ),
}


MATRIX: dict[tuple[str, str], Rule] = {
    # Platform
    ("GET", "/healthz"): public("liveness probe", at("/healthz")),
    ("GET", "/readyz"): public("readiness probe", at("/readyz")),
    ("GET", f"{API}/openapi.json"): public("the API's own description", at(f"{API}/openapi.json")),
    ("GET", f"{API}/docs"): public("the API's documentation page", at(f"{API}/docs")),
    # Auth
    ("POST", f"{API}/auth/token"): public(
        "where a password is exchanged for a token; throttled (store.auth.throttle)",
        lambda w: Call(f"{API}/auth/token", json={"username": w.home.users["manager"].username, "password": PASSWORD}),
    ),
    ("GET", f"{API}/auth/me"): Rule(STAFF, at(f"{API}/auth/me")),
    ("POST", f"{API}/auth/logout"): Rule(STAFF, at(f"{API}/auth/logout")),
    ("GET", f"{API}/auth/users"): Rule(ADMIN, at(f"{API}/auth/users")),
    ("POST", f"{API}/auth/users"): Rule(
        ADMIN, at(f"{API}/auth/users", json={"username": "new-cashier", "role": "cashier"})
    ),
    ("POST", f"{API}/auth/users/{{user_id}}/deactivate"): Rule(
        ADMIN,
        lambda w: Call(f"{API}/auth/users/{w.home.victim.id}/deactivate"),  # type: ignore[union-attr]
        path_ids={"user_id": lambda w: w.home.victim.id},  # type: ignore[union-attr]
    ),
    ("GET", f"{API}/auth/devices"): Rule(ADMIN, at(f"{API}/auth/devices")),
    ("POST", f"{API}/auth/devices"): Rule(ADMIN, at(f"{API}/auth/devices", json={"kind": "kiosk", "name": "Kiosk 9"})),
    ("POST", f"{API}/auth/devices/{{device_id}}/revoke"): Rule(
        ADMIN,
        lambda w: Call(f"{API}/auth/devices/{w.home.spare_device.id}/revoke"),  # type: ignore[union-attr]
        path_ids={"device_id": lambda w: w.home.spare_device.id},  # type: ignore[union-attr]
    ),
    # Premises
    ("GET", f"{API}/premises/store"): Rule(STAFF, at(f"{API}/premises/store")),
    ("PATCH", f"{API}/premises/store"): Rule(BACK_OFFICE, at(f"{API}/premises/store", json={"address": "1 Road"})),
    ("GET", f"{API}/premises/floors"): Rule(STAFF, at(f"{API}/premises/floors")),
    ("POST", f"{API}/premises/floors"): Rule(
        BACK_OFFICE, at(f"{API}/premises/floors", json={"code": "9F", "name": "九楼", "level": 9})
    ),
    ("GET", f"{API}/premises/zones"): Rule(STAFF, at(f"{API}/premises/zones")),
    ("POST", f"{API}/premises/zones"): Rule(
        BACK_OFFICE, at(f"{API}/premises/zones", json={"code": "ATRIUM", "name": "中庭", "floor_code": "1F"})
    ),
    ("GET", f"{API}/premises/shops"): Rule(STAFF, at(f"{API}/premises/shops")),
    ("POST", f"{API}/premises/shops"): Rule(
        BACK_OFFICE,
        at(
            f"{API}/premises/shops",
            json={
                "code": "NEW-1",
                "name": "新店",
                "category": "cosmetics",
                "floor_code": "1F",
                "selling_area_m2": 50,
                "opened_on": "2024-01-01",
            },
        ),
    ),
    ("GET", f"{API}/premises/shops/{{shop_id}}"): Rule(
        STAFF, lambda w: Call(f"{API}/premises/shops/{w.home.shop.id}"), path_ids=SHOP_ID
    ),
    ("PATCH", f"{API}/premises/shops/{{shop_id}}"): Rule(
        BACK_OFFICE,
        lambda w: Call(f"{API}/premises/shops/{w.home.shop.id}", json={"tenant": "某公司"}),
        path_ids=SHOP_ID,
    ),
    ("GET", f"{API}/premises/shops/{{shop_id}}/areas"): Rule(
        STAFF, lambda w: Call(f"{API}/premises/shops/{w.home.shop.id}/areas"), path_ids=SHOP_ID
    ),
    ("PUT", f"{API}/premises/shops/{{shop_id}}/areas"): Rule(
        BACK_OFFICE,
        lambda w: Call(
            f"{API}/premises/shops/{w.home.shop.id}/areas",
            json={"effective_on": utcnow().date().isoformat(), "selling_area_m2": 88.5},
        ),
        path_ids=SHOP_ID,
    ),
    ("GET", f"{API}/premises/headcount"): Rule(STAFF, at(f"{API}/premises/headcount")),
    ("PUT", f"{API}/premises/headcount"): Rule(
        BACK_OFFICE,
        lambda w: Call(
            f"{API}/premises/headcount", json={"shop_id": w.home.shop.id, "effective_on": "2024-01-01", "headcount": 3}
        ),
    ),
    ("GET", f"{API}/premises/opening-hours"): Rule(STAFF, at(f"{API}/premises/opening-hours")),
    ("PUT", f"{API}/premises/opening-hours"): Rule(
        BACK_OFFICE,
        at(f"{API}/premises/opening-hours", json={"weekday": 0, "opens_at": "10:00", "closes_at": "22:00"}),
    ),
    # Sales: tills (and the staff who stand in for one) post; staff and tills read, tenants their shop only
    ("POST", f"{API}/sales/orders"): Rule(
        who("admin", "manager", "cashier", *TILLS), lambda w: Call(f"{API}/sales/orders", json=_order_body(w))
    ),
    ("POST", f"{API}/sales/orders/batch"): Rule(
        who("admin", "manager", "cashier", *TILLS),
        lambda w: Call(
            f"{API}/sales/orders/batch", json={"sales": [{"idempotency_key": "matrix-1", "order": _order_body(w)}]}
        ),
    ),
    ("GET", f"{API}/sales/orders"): Rule(
        who("admin", "manager", "cashier", "marketing", "tenant", *TILLS), at(f"{API}/sales/orders")
    ),
    ("GET", f"{API}/sales/orders/{{order_id}}"): Rule(
        who("admin", "manager", "cashier", "marketing", "tenant", *TILLS),
        lambda w: Call(f"{API}/sales/orders/{w.home.order.id}"),
        path_ids=ORDER_ID,
    ),
    ("POST", f"{API}/sales/orders/{{order_id}}/refunds"): Rule(
        who("admin", "manager", "cashier", *TILLS),
        lambda w: Call(f"{API}/sales/orders/{w.home.order.id}/refunds", json={"amount_fen": 100, "reason": "退货"}),
        path_ids=ORDER_ID,
    ),
    # Footfall: camera nodes post; the back office, marketing and security read
    ("POST", f"{API}/footfall/counts"): Rule(
        who("admin", "manager", "camera_node"),
        lambda w: Call(
            f"{API}/footfall/counts",
            json={
                "intervals": [
                    {"zone_id": w.home.entrance.id, "interval_start": _recent(w), "count_in": 5, "count_out": 2}
                ]
            },
        ),
    ),
    ("POST", f"{API}/footfall/occupancy"): Rule(
        who("admin", "manager", "camera_node"),
        lambda w: Call(
            f"{API}/footfall/occupancy",
            json={"readings": [{"zone_id": w.home.entrance.id, "measured_at": _recent(w), "people": 40}]},
        ),
    ),
    ("GET", f"{API}/footfall/counts"): Rule(
        who("admin", "manager", "marketing", "security"), at(f"{API}/footfall/counts")
    ),
    # KPIs: all staff (tenants: their shop's figures only)
    ("GET", f"{API}/kpi/series"): Rule(
        STAFF, at(f"{API}/kpi/series", params={"start": "2024-01-01", "end": "2024-01-31"})
    ),
    ("GET", f"{API}/kpi/dashboard"): Rule(STAFF, at(f"{API}/kpi/dashboard")),
    # Facilities (issue 17): operators read the wall and alerts; the back office registers, commands, surveys
    ("GET", f"{API}/facilities/devices"): Rule(who("admin", "manager", "security"), at(f"{API}/facilities/devices")),
    ("POST", f"{API}/facilities/devices"): Rule(
        BACK_OFFICE,
        at(f"{API}/facilities/devices", json={"code": "AQ-9", "kind": "air_quality", "installed_on": "2025-01-01"}),
    ),
    ("GET", f"{API}/facilities/alerts"): Rule(who("admin", "manager", "security"), at(f"{API}/facilities/alerts")),
    ("POST", f"{API}/facilities/alerts/{{alert_id}}/acknowledge"): Rule(
        who("admin", "manager", "security"), at(f"{API}/facilities/alerts/999999/acknowledge")
    ),
    ("POST", f"{API}/facilities/devices/{{device_id}}/commands"): Rule(
        BACK_OFFICE, at(f"{API}/facilities/devices/999999/commands", json={"action": "switch_off"})
    ),
    ("POST", f"{API}/facilities/surveys"): Rule(
        BACK_OFFICE,
        lambda w: Call(
            f"{API}/facilities/surveys",
            json={"zone_id": w.home.entrance.id, "surveyed_on": "2025-09-01", "wifi_dbm": -60, "wifi_mbps": 80},
        ),
    ),
    ("GET", "/metrics"): public(
        "Prometheus scrapes it: counts and timings by route template, no ids and no personal data", at("/metrics")
    ),
    # Assessment and imports: the back office
    ("GET", f"{API}/assessment/report"): Rule(
        BACK_OFFICE, at(f"{API}/assessment/report", params={"from": "2024-01", "to": "2024-03"})
    ),
    ("GET", f"{API}/assessment/evidence"): Rule(BACK_OFFICE, at(f"{API}/assessment/evidence")),
    ("POST", f"{API}/assessment/evidence"): Rule(
        BACK_OFFICE,
        at(
            f"{API}/assessment/evidence",
            json={"indicator": "M1", "payload": {"paperless": True, "office_system": True}},
        ),
    ),
    ("POST", f"{API}/imports/{{kind}}"): Rule(
        BACK_OFFICE,
        at(f"{API}/imports/floors", files={"file": ("floors.csv", FLOORS_CSV, "text/csv")}, data={"dry_run": "true"}),
    ),
    # Kiosk pages: shoppers, no sign-in
    ("GET", "/kiosk/"): public("the kiosk's home screen, for shoppers", at("/kiosk/"), page=True),
    ("GET", "/kiosk/floors/{code}"): public("a floor's directory, for shoppers", at("/kiosk/floors/1F"), page=True),
    # Guide kiosks and wayfinding (issue 14): shopper pages, the kiosk heartbeat, the map in the back office
    ("GET", "/kiosk/search"): public(
        "shop search on the kiosk and the phone", at("/kiosk/search", params={"q": "nk"}), page=True
    ),
    ("GET", "/kiosk/directory"): public("the shop directory by category", at("/kiosk/directory"), page=True),
    ("GET", "/kiosk/shops/{code}"): public(
        "a shop's page for shoppers", lambda w: Call(f"/kiosk/shops/{w.home.shop.code}"), page=True
    ),
    ("GET", "/kiosk/route"): public(
        "the stable route URL kiosks, phones and other modules link to",
        at("/kiosk/route", params={"to": "shop:X"}),
        page=True,
    ),
    ("GET", "/kiosk/promotions"): public("current promotions for shoppers", at("/kiosk/promotions"), page=True),
    ("GET", "/kiosk/promotions/{promotion_id}/claim"): public(
        "the claim QR of a promotion", at("/kiosk/promotions/999999/claim"), page=True
    ),
    ("GET", "/kiosk/m/claim"): public(
        "the phone page a claim QR opens", at("/kiosk/m/claim", params={"c": "x.y"}), page=True
    ),
    ("GET", "/kiosk/m/receipts/{token}"): public(
        "the e-receipt page a receipt's QR opens (a link signed by the till)", at("/kiosk/m/receipts/x.y"), page=True
    ),
    ("GET", "/kiosk/reset"): public("the kiosk's reset after idle", at("/kiosk/reset"), page=True),
    ("POST", "/kiosk/beat"): public(
        "the kiosk screen's heartbeat (counts only with the cookie /kiosk/install binds to the kiosk's device)",
        at("/kiosk/beat"),
        page=True,
    ),
    ("GET", "/kiosk/install"): public(
        "the kiosk screen's install form (code and device key)", at("/kiosk/install"), page=True
    ),
    ("POST", "/kiosk/install"): public(
        "binds the screen to its kiosk once the kiosk device's key is checked",
        at("/kiosk/install", data={"kiosk": "K-NONE", "key": "sk_nothing"}),
        page=True,
    ),
    ("POST", f"{API}/wayfinding/kiosks/heartbeat"): Rule(
        who("kiosk"), at(f"{API}/wayfinding/kiosks/heartbeat", json={"kiosk": "K-NONE"})
    ),
    ("GET", f"{API}/wayfinding/route"): Rule(
        STAFF | who("kiosk"), at(f"{API}/wayfinding/route", params={"to": "shop:X", "from": "shop:Y"})
    ),
    ("GET", f"{API}/wayfinding/imdf"): Rule(BACK_OFFICE, at(f"{API}/wayfinding/imdf")),
    ("PUT", f"{API}/wayfinding/connectors/{{feature_id}}/status"): Rule(
        PATROL, at(f"{API}/wayfinding/connectors/nope/status", json={"in_service": False})
    ),
    ("GET", "/admin/wayfinding"): Rule(PATROL, at("/admin/wayfinding"), page=True),
    ("POST", "/admin/wayfinding/generate"): Rule(BACK_OFFICE, at("/admin/wayfinding/generate", data={}), page=True),
    ("POST", "/admin/wayfinding/import"): Rule(
        BACK_OFFICE,
        at("/admin/wayfinding/import", files={"file": ("imdf.zip", b"not a zip", "application/zip")}),
        page=True,
    ),
    ("GET", "/admin/wayfinding/imdf.zip"): Rule(BACK_OFFICE, at("/admin/wayfinding/imdf.zip"), page=True),
    ("POST", "/admin/wayfinding/connectors/{feature_id}"): Rule(
        PATROL, at("/admin/wayfinding/connectors/nope", data={"in_service": "0"}), page=True
    ),
    ("POST", "/admin/wayfinding/kiosks"): Rule(
        BACK_OFFICE, at("/admin/wayfinding/kiosks", data={"code": "K9", "anchor_id": "nope"}), page=True
    ),
    # Self-service rentals (issue 14 item 5, C4): kiosks and the desk rent and return; the back office manages
    ("GET", "/kiosk/rentals"): public(
        "the rental stations and the rent / return form", at("/kiosk/rentals"), page=True
    ),
    ("POST", "/kiosk/rentals/rent"): public(
        "rent by scanning the asset and the member code (the member code is the credential)",
        at("/kiosk/rentals/rent", data={"asset_code": "NOPE", "member_code": "1"}),
        page=True,
    ),
    ("POST", "/kiosk/rentals/return"): public(
        "return by scanning the asset and the renter's member code",
        at("/kiosk/rentals/return", data={"asset_code": "NOPE", "member_code": "1"}),
        page=True,
    ),
    ("GET", "/kiosk/m/rentals"): public(
        "the phone page a rental receipt's QR opens (a signed code)",
        at("/kiosk/m/rentals", params={"c": "x.y"}),
        page=True,
    ),
    ("GET", f"{API}/rentals/stations"): Rule(BACK_OFFICE, at(f"{API}/rentals/stations")),
    ("POST", f"{API}/rentals/stations"): Rule(
        BACK_OFFICE, at(f"{API}/rentals/stations", json={"code": "P-DESK", "name": "服务台"})
    ),
    ("GET", f"{API}/rentals/assets"): Rule(BACK_OFFICE, at(f"{API}/rentals/assets")),
    ("POST", f"{API}/rentals/assets"): Rule(
        BACK_OFFICE, at(f"{API}/rentals/assets", json={"code": "P1", "station_code": "NOPE", "kind": "umbrella"})
    ),
    ("POST", f"{API}/rentals/rent"): Rule(
        who("admin", "manager", "kiosk"), at(f"{API}/rentals/rent", json={"asset_code": "NOPE", "member_code": "1"})
    ),
    ("POST", f"{API}/rentals/return"): Rule(
        who("admin", "manager", "kiosk"), at(f"{API}/rentals/return", json={"asset_code": "NOPE", "member_code": "1"})
    ),
    ("GET", f"{API}/rentals/rentals"): Rule(BACK_OFFICE, at(f"{API}/rentals/rentals")),
    ("GET", f"{API}/rentals/overdue"): Rule(BACK_OFFICE, at(f"{API}/rentals/overdue")),
    ("GET", f"{API}/rentals/usage"): Rule(BACK_OFFICE, at(f"{API}/rentals/usage")),
    ("GET", "/admin/rentals"): Rule(PATROL, at("/admin/rentals"), page=True),
    ("GET", "/admin/rentals/list"): Rule(PATROL, at("/admin/rentals/list"), page=True),
    ("GET", "/admin/rentals/overdue"): Rule(PATROL, at("/admin/rentals/overdue"), page=True),
    ("POST", "/admin/rentals/stations"): Rule(
        BACK_OFFICE, at("/admin/rentals/stations", data={"code": "P-DESK2", "name": "服务台"}), page=True
    ),
    ("POST", "/admin/rentals/assets"): Rule(
        BACK_OFFICE,
        at("/admin/rentals/assets", data={"code": "P2", "station_code": "NOPE", "kind": "umbrella"}),
        page=True,
    ),
    ("POST", "/admin/rentals/return/{rental_no}"): Rule(PATROL, at("/admin/rentals/return/RNOPE", data={}), page=True),
    # Catalogue (issue 11): tills sync; managers approve price changes; the parity report is back office
    ("GET", f"{API}/catalog/sync"): Rule(who("admin", "manager", "pos_terminal"), at(f"{API}/catalog/sync")),
    ("GET", f"{API}/catalog/price"): Rule(
        who("admin", "manager", "cashier", "marketing", "pos_terminal"),
        at(f"{API}/catalog/price", params={"sku": "NO-SUCH-SKU", "channel": "offline"}),
    ),
    ("POST", f"{API}/catalog/price-changes/preview"): Rule(
        who("admin", "manager", "tenant"),
        at(f"{API}/catalog/price-changes/preview", json={"sku": "NO-SUCH-SKU", "channel": "online", "price_fen": 1}),
    ),
    ("POST", f"{API}/catalog/price-changes"): Rule(
        who("admin", "manager", "tenant"),
        at(f"{API}/catalog/price-changes", json={"sku": "NO-SUCH-SKU", "channel": "online", "price_fen": 1}),
    ),
    ("GET", f"{API}/catalog/price-changes"): Rule(
        who("admin", "manager", "tenant"), at(f"{API}/catalog/price-changes")
    ),
    ("POST", f"{API}/catalog/price-changes/{{change_id}}/approve"): Rule(
        BACK_OFFICE, at(f"{API}/catalog/price-changes/999999/approve")
    ),
    ("POST", f"{API}/catalog/price-changes/{{change_id}}/reject"): Rule(
        BACK_OFFICE, at(f"{API}/catalog/price-changes/999999/reject")
    ),
    ("POST", f"{API}/catalog/promotions"): Rule(
        who("admin", "manager", "marketing"),
        lambda w: Call(
            f"{API}/catalog/promotions",
            json={
                "name": "店庆",
                "channel": "online",
                "percent_off": 10,
                "starts_at": _recent(w),
                "ends_at": (utcnow() + timedelta(days=1)).isoformat(),
                "category": "beauty",
            },
        ),
    ),
    ("GET", f"{API}/catalog/parity"): Rule(
        BACK_OFFICE,
        lambda w: Call(f"{API}/catalog/parity", params={"start": _recent(w), "end": utcnow().isoformat()}),
    ),
    # Admin pages
    ("GET", "/admin/login"): public("the sign-in page", at("/admin/login"), page=True),
    ("POST", "/admin/login"): public(
        "where a password starts a session; throttled, CSRF-checked", at("/admin/login", data={}), page=True
    ),
    ("POST", "/admin/logout"): Rule(STAFF, at("/admin/logout"), page=True),
    ("GET", "/admin/"): Rule(STAFF, at("/admin/"), page=True),
    ("GET", "/admin/dashboard"): Rule(
        who("admin", "manager", "marketing", "tenant"), at("/admin/dashboard"), page=True
    ),
    ("GET", "/admin/kpi"): Rule(who("admin", "manager", "marketing", "tenant"), at("/admin/kpi"), page=True),
    # issue 9 (manager): footfall hour by hour beside the same weekday before (entrances: not a tenant's)
    ("GET", "/admin/kpi/hours"): Rule(who("admin", "manager", "marketing"), at("/admin/kpi/hours"), page=True),
    # issue 9 (manager): the KPI page's current view as a file, and editing a floor
    ("GET", "/admin/exports/kpi.{ext}"): Rule(
        who("admin", "manager", "marketing"), at("/admin/exports/kpi.csv?by=shop"), page=True
    ),
    ("GET", "/admin/premises/floors/{floor_id}/edit"): Rule(
        BACK_OFFICE, lambda w: Call(f"/admin/premises/floors/{w.home.floor.id}/edit"), page=True
    ),
    ("POST", "/admin/premises/floors/{floor_id}/edit"): Rule(
        BACK_OFFICE,
        lambda w: Call(f"/admin/premises/floors/{w.home.floor.id}/edit", data={"name": "一楼", "level": "1"}),
        page=True,
    ),
    ("GET", "/admin/exports/monthly-kpi.csv"): Rule(
        who("admin", "manager", "marketing"), at("/admin/exports/monthly-kpi.csv"), page=True
    ),
    ("GET", "/admin/exports/monthly-kpi.xlsx"): Rule(
        who("admin", "manager", "marketing"), at("/admin/exports/monthly-kpi.xlsx"), page=True
    ),
    ("GET", "/admin/facilities"): Rule(who("admin", "manager", "security"), at("/admin/facilities"), page=True),
    ("POST", "/admin/facilities/surveys"): Rule(
        BACK_OFFICE,
        lambda w: Call(
            "/admin/facilities/surveys", data={"zone_id": str(w.home.entrance.id), "surveyed_on": "2025-09-01"}
        ),
        page=True,
    ),
    ("GET", "/admin/assessment"): Rule(who("admin", "manager", "marketing"), at("/admin/assessment"), page=True),
    ("GET", "/admin/assessment/report.pdf"): Rule(
        who("admin", "manager", "marketing"), at("/admin/assessment/report.pdf"), page=True
    ),
    ("GET", "/admin/assessment/report.xlsx"): Rule(
        who("admin", "manager", "marketing"), at("/admin/assessment/report.xlsx"), page=True
    ),
    ("GET", "/admin/assessment/report.json"): Rule(
        who("admin", "manager", "marketing"), at("/admin/assessment/report.json"), page=True
    ),
    ("GET", "/admin/assessment/evidence"): Rule(BACK_OFFICE, at("/admin/assessment/evidence"), page=True),
    ("POST", "/admin/assessment/evidence/f1"): Rule(BACK_OFFICE, at("/admin/assessment/evidence/f1"), page=True),
    ("POST", "/admin/assessment/evidence/f3"): Rule(BACK_OFFICE, at("/admin/assessment/evidence/f3"), page=True),
    ("POST", "/admin/assessment/evidence/m1"): Rule(BACK_OFFICE, at("/admin/assessment/evidence/m1"), page=True),
    ("POST", "/admin/assessment/evidence/upgrade"): Rule(
        BACK_OFFICE, at("/admin/assessment/evidence/upgrade"), page=True
    ),
    ("GET", "/admin/premises"): Rule(
        who("admin", "manager", "marketing", "security", "tenant"), at("/admin/premises"), page=True
    ),
    ("GET", "/admin/premises/floors/new"): Rule(BACK_OFFICE, at("/admin/premises/floors/new"), page=True),
    ("POST", "/admin/premises/floors/new"): Rule(
        BACK_OFFICE, at("/admin/premises/floors/new", data={"code": "9F", "name": "九楼", "level": "9"}), page=True
    ),
    ("POST", "/admin/premises/staff"): Rule(
        BACK_OFFICE, at("/admin/premises/staff", data={"headcount": "8"}), page=True
    ),
    ("GET", "/admin/premises/shops/new"): Rule(BACK_OFFICE, at("/admin/premises/shops/new"), page=True),
    ("POST", "/admin/premises/shops/new"): Rule(BACK_OFFICE, at("/admin/premises/shops/new"), page=True),
    ("GET", "/admin/premises/shops/{shop_id}/edit"): Rule(
        BACK_OFFICE, lambda w: Call(f"/admin/premises/shops/{w.home.shop.id}/edit"), page=True
    ),
    ("POST", "/admin/premises/shops/{shop_id}/edit"): Rule(
        BACK_OFFICE, lambda w: Call(f"/admin/premises/shops/{w.home.shop.id}/edit"), page=True
    ),
    ("POST", "/admin/premises/shops/{shop_id}/headcount"): Rule(
        who("admin", "manager", "tenant"),
        lambda w: Call(f"/admin/premises/shops/{w.home.shop.id}/headcount", data={"headcount": "4"}),
        page=True,
    ),
    # Catalogue pages (issue 11)
    ("GET", "/admin/catalog"): Rule(who("admin", "manager", "marketing", "tenant"), at("/admin/catalog"), page=True),
    ("GET", "/admin/catalog/price-books"): Rule(
        who("admin", "manager", "marketing", "tenant"), at("/admin/catalog/price-books"), page=True
    ),
    ("GET", "/admin/catalog/price-changes"): Rule(
        who("admin", "manager", "tenant"), at("/admin/catalog/price-changes"), page=True
    ),
    ("POST", "/admin/catalog/price-changes"): Rule(
        who("admin", "manager", "tenant"),
        at("/admin/catalog/price-changes", data={"sku": "NO-SUCH-SKU", "channel": "online", "price_yuan": "1"}),
        page=True,
    ),
    ("POST", "/admin/catalog/price-changes/{change_id}/{decision}"): Rule(
        BACK_OFFICE, at("/admin/catalog/price-changes/999999/approve"), page=True
    ),
    ("GET", "/admin/catalog/parity"): Rule(BACK_OFFICE, at("/admin/catalog/parity"), page=True),
    **CREDIT_ROWS,
    **MEMBERS,
    # Patrol and vision (issue 13): camera nodes read their cameras and post; security staff watch and act
    ("GET", f"{API}/patrol/node/config"): Rule(who("camera_node"), at(f"{API}/patrol/node/config")),
    ("POST", f"{API}/patrol/node/status"): Rule(
        who("camera_node"), at(f"{API}/patrol/node/status", json={"cameras": []})
    ),
    ("POST", f"{API}/patrol/node/heatmaps"): Rule(
        who("camera_node"), at(f"{API}/patrol/node/heatmaps", json={"heatmaps": []})
    ),
    ("POST", f"{API}/patrol/node/findings"): Rule(
        who("camera_node"), at(f"{API}/patrol/node/findings", json={"events": []})
    ),
    ("GET", f"{API}/patrol/cameras"): Rule(PATROL, at(f"{API}/patrol/cameras")),
    ("POST", f"{API}/patrol/cameras"): Rule(
        BACK_OFFICE, at(f"{API}/patrol/cameras", json={"code": "CAM-M", "name": "入口摄像头", "source": "rtsp://cam/1"})
    ),
    ("POST", f"{API}/patrol/cameras/{{camera_id}}/rebaseline"): Rule(
        PATROL, at(f"{API}/patrol/cameras/999999/rebaseline")
    ),
    ("GET", f"{API}/patrol/findings"): Rule(PATROL, at(f"{API}/patrol/findings", params={"status": "open"})),
    ("POST", f"{API}/patrol/findings/{{finding_id}}/acknowledge"): Rule(
        PATROL, at(f"{API}/patrol/findings/999999/acknowledge")
    ),
    ("POST", f"{API}/patrol/findings/{{finding_id}}/close"): Rule(PATROL, at(f"{API}/patrol/findings/999999/close")),
    ("GET", f"{API}/patrol/routes"): Rule(PATROL, at(f"{API}/patrol/routes")),
    ("POST", f"{API}/patrol/routes"): Rule(
        BACK_OFFICE, at(f"{API}/patrol/routes", json={"name": "夜巡", "stops": [{"camera_id": 999999}]})
    ),
    ("GET", f"{API}/patrol/rounds"): Rule(PATROL, at(f"{API}/patrol/rounds")),
    ("POST", f"{API}/patrol/routes/{{route_id}}/rounds"): Rule(PATROL, at(f"{API}/patrol/routes/999999/rounds")),
    ("POST", f"{API}/patrol/rounds/{{round_id}}/stops"): Rule(
        PATROL, at(f"{API}/patrol/rounds/999999/stops", json={"stop_id": 1, "viewed_s": 12})
    ),
    ("POST", f"{API}/patrol/rounds/{{round_id}}/finish"): Rule(PATROL, at(f"{API}/patrol/rounds/999999/finish")),
    # Patrol and footfall pages (issue 13)
    ("GET", "/admin/patrol"): Rule(PATROL, at("/admin/patrol"), page=True),
    ("GET", "/admin/patrol/privacy"): Rule(PATROL, at("/admin/patrol/privacy"), page=True),
    ("GET", "/admin/patrol/cameras/{camera_id}"): Rule(PATROL, at("/admin/patrol/cameras/999999"), page=True),
    ("GET", "/admin/patrol/cameras/{camera_id}/snapshot.jpg"): Rule(
        PATROL, at("/admin/patrol/cameras/999999/snapshot.jpg"), page=True
    ),
    ("GET", "/admin/patrol/findings/{finding_id}/snapshot.jpg"): Rule(
        PATROL, at("/admin/patrol/findings/999999/snapshot.jpg"), page=True
    ),
    ("POST", "/admin/patrol/findings/{finding_id}/acknowledge"): Rule(
        PATROL, at("/admin/patrol/findings/999999/acknowledge"), page=True
    ),
    ("POST", "/admin/patrol/findings/{finding_id}/close"): Rule(
        PATROL, at("/admin/patrol/findings/999999/close"), page=True
    ),
    ("POST", "/admin/patrol/cameras/{camera_id}/rebaseline"): Rule(
        PATROL, at("/admin/patrol/cameras/999999/rebaseline"), page=True
    ),
    ("POST", "/admin/patrol/routes/{route_id}/rounds"): Rule(
        PATROL, at("/admin/patrol/routes/999999/rounds"), page=True
    ),
    ("GET", "/admin/patrol/rounds/{round_id}"): Rule(PATROL, at("/admin/patrol/rounds/999999"), page=True),
    ("POST", "/admin/patrol/rounds/{round_id}/stops/{stop_id}"): Rule(
        PATROL, at("/admin/patrol/rounds/999999/stops/1"), page=True
    ),
    ("POST", "/admin/patrol/rounds/{round_id}/finish"): Rule(
        PATROL, at("/admin/patrol/rounds/999999/finish"), page=True
    ),
    ("GET", "/admin/footfall"): Rule(
        who("admin", "manager", "marketing", "security"), at("/admin/footfall"), page=True
    ),
    # omni (issue 11): delivery SLA, live calendar and a live session's attributed sales
    ("GET", "/admin/deliveries"): Rule(who("admin", "manager", "marketing"), at("/admin/deliveries"), page=True),
    ("GET", "/admin/online-orders"): Rule(
        who("admin", "manager", "marketing", "tenant"), at("/admin/online-orders"), page=True
    ),
    ("GET", "/admin/live"): Rule(who("admin", "manager", "marketing"), at("/admin/live"), page=True),
    ("GET", "/admin/live/new"): Rule(who("admin", "manager", "marketing"), at("/admin/live/new"), page=True),
    ("POST", "/admin/live/new"): Rule(
        who("admin", "manager", "marketing"),
        at(
            "/admin/live/new",
            data={"title": "周末直播", "starts_at": "2026-05-01T19:00", "ends_at": "2026-05-01T21:00"},
        ),
        page=True,
    ),
    ("GET", "/admin/live/{session_id}"): Rule(
        who("admin", "manager", "marketing"), lambda w: Call(f"/admin/live/{_live_session(w)}"), page=True
    ),
    ("POST", f"{API}/delivery/courier/{{store_id}}/events"): public(
        "where couriers report delivery steps: each callback is signed with the store's courier key (HMAC)",
        lambda w: Call(
            f"{API}/delivery/courier/{w.home.store.id}/events",
            json={"order_no": "NO-SUCH", "kind": "delivered", "at": utcnow().isoformat()},
        ),
    ),
    # omni (issue 11 item 3): the mini-program's online mall (member token) and the shops' online orders
    ("GET", f"{API}/mall/shops"): Rule(ME, at(f"{API}/mall/shops")),
    ("GET", f"{API}/mall/shops/{{shop_id}}/products"): Rule(
        ME, lambda w: Call(f"{API}/mall/shops/{w.home.shop.id}/products")
    ),
    ("GET", f"{API}/mall/live/{{code}}"): Rule(ME, at(f"{API}/mall/live/NO-SUCH-CODE")),
    ("POST", f"{API}/live/sessions"): Rule(
        who("admin", "manager", "marketing"),
        lambda w: Call(
            f"{API}/live/sessions",
            json={
                "title": "周末直播",
                "platform": "douyin",
                "starts_at": utcnow().isoformat(),
                "ends_at": (utcnow() + timedelta(hours=2)).isoformat(),
            },
        ),
    ),
    ("GET", f"{API}/live/sessions"): Rule(who("admin", "manager", "marketing"), at(f"{API}/live/sessions")),
    ("GET", f"{API}/live/sessions/{{session_id}}"): Rule(
        who("admin", "manager", "marketing"), at(f"{API}/live/sessions/999999")
    ),
    ("PUT", f"{API}/live/sessions/{{session_id}}/viewers"): Rule(
        who("admin", "manager", "marketing"), at(f"{API}/live/sessions/999999/viewers", json={"viewers": 10})
    ),
    ("GET", f"{API}/mall/cart"): Rule(ME, at(f"{API}/mall/cart")),
    ("PUT", f"{API}/mall/cart/{{sku}}"): Rule(ME, at(f"{API}/mall/cart/NO-SUCH-SKU", json={"quantity": 1})),
    ("DELETE", f"{API}/mall/cart"): Rule(ME, at(f"{API}/mall/cart")),
    ("POST", f"{API}/mall/orders"): Rule(
        ME,
        lambda w: Call(
            f"{API}/mall/orders", json={"shop_id": w.home.shop.id, "lines": [{"sku": "NO-SUCH", "quantity": 1}]}
        ),
    ),
    ("GET", f"{API}/mall/orders"): Rule(ME, at(f"{API}/mall/orders")),
    ("GET", f"{API}/mall/orders/{{order_id}}"): Rule(ME, at(f"{API}/mall/orders/999999")),
    ("POST", f"{API}/mall/orders/{{order_id}}/pay"): Rule(
        ME, at(f"{API}/mall/orders/999999/pay", json={"method": "wechat"})
    ),
    ("POST", f"{API}/mall/orders/{{order_id}}/cancel"): Rule(ME, at(f"{API}/mall/orders/999999/cancel")),
    ("GET", f"{API}/mall/shop-orders"): Rule(
        who("admin", "manager", "cashier", "tenant"), at(f"{API}/mall/shop-orders")
    ),
    ("POST", f"{API}/mall/shop-orders/{{order_id}}/collected"): Rule(
        who("admin", "manager", "cashier", "tenant"), at(f"{API}/mall/shop-orders/999999/collected", json={})
    ),
    ("POST", f"{API}/mall/shop-orders/{{order_id}}/refunds"): Rule(
        BACK_OFFICE, at(f"{API}/mall/shop-orders/999999/refunds", json={"amount_fen": 100})
    ),
}


# --- points (issue 10): a member of the home store with 1,000 points, made inside each cell -------------------


def _points_member(w: World) -> int:
    from sqlalchemy.orm import object_session

    from store.points import service as points_service
    from tests.factories.points import create_member

    session = object_session(w.home.store)
    assert session is not None
    member = create_member(session, w.home.store)
    points_service.open_balance(session, member_id=member.id, points=1_000, expires_on=None, source="matrix")  # type: ignore[arg-type]
    return member.id  # type: ignore[return-value]


def _points_hold(w: World) -> str:
    from sqlalchemy.orm import object_session

    from store.points import service as points_service

    session = object_session(w.home.store)
    assert session is not None
    points_service.hold(
        session,
        store_id=w.home.store.id,
        member_id=_points_member(w),
        points=10,
        hold_key="M-1",  # type: ignore[arg-type]
    )
    return "M-1"


def _offline_claim(w: World) -> dict[str, Any]:
    from store.members import codes

    order = w.home.order
    step = codes.step_at(order.ordered_at)
    code = codes.make(w.home.store.id, w.home.member.id, step).digits  # type: ignore[arg-type]
    return {"order_no": order.order_no, "code": code, "scanned_at": order.ordered_at.isoformat()}


POINTS_READERS = who("admin", "manager", "cashier", "marketing", "pos_terminal", "capture_box", "kiosk")
POINTS_SPENDERS = who("admin", "manager", "cashier", "pos_terminal", "capture_box", "kiosk")
MATRIX.update(
    {
        ("GET", f"{API}/points/me"): Rule(who("member"), at(f"{API}/points/me")),
        ("GET", f"{API}/points/me/entries"): Rule(who("member"), at(f"{API}/points/me/entries")),
        ("GET", f"{API}/points/me/expiring"): Rule(who("member"), at(f"{API}/points/me/expiring")),
        ("GET", f"{API}/points/members/{{member_id}}"): Rule(
            POINTS_READERS, lambda w: Call(f"{API}/points/members/{_points_member(w)}")
        ),
        ("GET", f"{API}/points/members/{{member_id}}/entries"): Rule(
            POINTS_READERS, lambda w: Call(f"{API}/points/members/{_points_member(w)}/entries")
        ),
        ("GET", f"{API}/points/members/{{member_id}}/expiring"): Rule(
            POINTS_READERS, lambda w: Call(f"{API}/points/members/{_points_member(w)}/expiring")
        ),
        ("POST", f"{API}/points/members/{{member_id}}/redemptions"): Rule(
            POINTS_SPENDERS,
            lambda w: Call(f"{API}/points/members/{_points_member(w)}/redemptions", json={"points": 10}),
        ),
        ("POST", f"{API}/points/members/{{member_id}}/holds"): Rule(
            POINTS_SPENDERS,
            lambda w: Call(f"{API}/points/members/{_points_member(w)}/holds", json={"points": 10, "hold_key": "M-2"}),
        ),
        ("POST", f"{API}/points/holds/{{hold_key}}/confirm"): Rule(
            POINTS_SPENDERS, lambda w: Call(f"{API}/points/holds/{_points_hold(w)}/confirm", json={"order_no": "A-1"})
        ),
        ("POST", f"{API}/points/holds/{{hold_key}}/release"): Rule(
            POINTS_SPENDERS, lambda w: Call(f"{API}/points/holds/{_points_hold(w)}/release")
        ),
        ("POST", f"{API}/points/members/{{member_id}}/adjustments"): Rule(
            BACK_OFFICE,
            lambda w: Call(
                f"{API}/points/members/{_points_member(w)}/adjustments", json={"points": 5, "reason": "goodwill"}
            ),
        ),
        ("POST", f"{API}/points/offline-claims"): Rule(
            who("pos_terminal", "capture_box"),
            lambda w: Call(f"{API}/points/offline-claims", json=_offline_claim(w)),
        ),
        ("GET", f"{API}/points/rules"): Rule(BACK_OFFICE, at(f"{API}/points/rules")),
        ("POST", f"{API}/points/rules"): Rule(BACK_OFFICE, at(f"{API}/points/rules", json={"fen_per_point": 50})),
        ("POST", f"{API}/points/rules/{{rule_id}}/deactivate"): Rule(
            BACK_OFFICE, lambda w: Call(f"{API}/points/rules/{_points_rule(w)}/deactivate")
        ),
        ("GET", "/admin/points"): Rule(who("admin", "manager", "marketing"), at("/admin/points"), page=True),
        ("POST", "/admin/points/rules"): Rule(
            BACK_OFFICE, at("/admin/points/rules", data={"kind": "base", "fen_per_point": "50"}), page=True
        ),
        ("GET", "/admin/points/members/{member_id}"): Rule(
            who("admin", "manager", "marketing"),
            lambda w: Call(f"/admin/points/members/{_points_member(w)}"),
            page=True,
        ),
        ("POST", "/admin/points/members/{member_id}/adjust"): Rule(
            BACK_OFFICE,
            lambda w: Call(
                f"/admin/points/members/{_points_member(w)}/adjust", data={"points": "5", "reason": "goodwill"}
            ),
            page=True,
        ),
        ("GET", f"{API}/points/liability"): Rule(
            BACK_OFFICE, at(f"{API}/points/liability", params={"start": "2026-01", "end": "2026-03"})
        ),
    }
)


def _points_rule(w: World) -> int:
    from sqlalchemy.orm import object_session

    from store.points.models import PointsRule

    session = object_session(w.home.store)
    assert session is not None
    rule = PointsRule(store_id=w.home.store.id, fen_per_point=100)  # type: ignore[arg-type]
    session.add(rule)
    session.flush()
    return rule.id  # type: ignore[return-value]


def _live_session(w: World) -> int:
    """A live session of the home store (made on first use, in the world's own session)."""
    from sqlmodel import Session as DbSession

    from tests.factories.omni import create_session

    found = getattr(w, "_live_session_id", None)
    if found is None:
        db = DbSession.object_session(w.home.store)
        assert db is not None
        found = create_session(db, w.home.store.id, utcnow() - timedelta(days=1)).id  # type: ignore[arg-type]
        object.__setattr__(w, "_live_session_id", found)
    return found  # type: ignore[no-any-return]


# Tills (issue 12): heartbeats from tills; the back office (tenants: their shop) reads the terminals;
# till payments through the plugin network (the simulator here).
def _pos_payment(w: World) -> int:
    """A paid till payment of the home store (made on first use, in the world's own session)."""
    from sqlmodel import Session as DbSession

    from store.pos import service as pos_service
    from store.pos.schemas import PosPaymentCreate, PosPaymentMethod

    found = getattr(w, "_pos_payment_id", None)
    if found is None:
        db = DbSession.object_session(w.home.store)
        assert db is not None
        data = PosPaymentCreate(order_no="MATRIX-PAY", amount_fen=500, method=PosPaymentMethod.wechat)
        found = pos_service.pay(db, w.home.store.id, data).id  # type: ignore[arg-type]
        object.__setattr__(w, "_pos_payment_id", found)
    return found  # type: ignore[no-any-return]


PAYERS = who("admin", "manager", "cashier", "pos_terminal")
MATRIX.update(
    {
        ("POST", f"{API}/pos/heartbeat"): Rule(
            who("pos_terminal"), at(f"{API}/pos/heartbeat", json={"outbox_backlog": 0, "last_seq": 0})
        ),
        ("POST", f"{API}/pos/discards"): Rule(
            who("pos_terminal"),
            at(f"{API}/pos/discards", json={"till_seq": 1, "order_no": "MATRIX-D1", "reason": "matrix check"}),
        ),
        ("GET", f"{API}/pos/tills"): Rule(who("admin", "manager", "tenant"), at(f"{API}/pos/tills")),
        ("GET", f"{API}/pos/receipt-key"): Rule(who("pos_terminal"), at(f"{API}/pos/receipt-key")),
        ("GET", "/admin/pos"): Rule(who("admin", "manager", "tenant"), at("/admin/pos"), page=True),
        ("POST", f"{API}/pos/payments"): Rule(
            PAYERS, at(f"{API}/pos/payments", json={"order_no": "MATRIX-1", "amount_fen": 100, "method": "alipay"})
        ),
        ("GET", f"{API}/pos/payments/{{payment_id}}"): Rule(
            PAYERS,
            lambda w: Call(f"{API}/pos/payments/{_pos_payment(w)}"),
            path_ids={"payment_id": _pos_payment},
        ),
        ("POST", f"{API}/pos/payments/{{payment_id}}/refunds"): Rule(
            PAYERS,
            lambda w: Call(f"{API}/pos/payments/{_pos_payment(w)}/refunds", json={"amount_fen": 100}),
            path_ids={"payment_id": _pos_payment},
        ),
    }
)


# --- receipt capture (issue 12): the box's own calls, templates, review queue, coverage, reconciliation -------


def _capture_job(w: World) -> dict[str, Any]:
    from tests.factories.capture import job_in, receipt

    return job_in(receipt("MX-1")).model_dump(mode="json")


def _capture_template(w: World) -> dict[str, Any]:
    from store.capture.templates import ZH_BASIC

    return {"name": "matrix", "shop_id": w.home.shop.id, "spec": ZH_BASIC.model_dump(mode="json")}


def _capture_template_form(w: World) -> dict[str, Any]:
    from store.capture.templates import ZH_BASIC

    fields = ZH_BASIC.model_dump(mode="json", exclude={"payment_methods", "refund", "chinese_default"})
    return {**fields, "payment_methods": "{}", "action": "test", "sample": "单号: 1\n合计: 1.00"}


# --- marketing (issue 16): a campaign, its coupon, a claimed coupon, a segment and a push plan, made in each cell ---


def _marketing(w: World) -> dict[str, Any]:
    from sqlalchemy.orm import object_session

    from store.marketing import push, segments
    from store.marketing import service as marketing_service
    from store.marketing.schemas import PushPlanCreate, SegmentCreate, SegmentRules
    from tests.factories.marketing import consenting_member, create_campaign, create_coupon

    session = object_session(w.home.store)
    assert session is not None
    campaign = create_campaign(session, w.home.store)
    coupon = create_coupon(session, campaign, shops=[w.home.shop])
    holder = consenting_member(session, w.home.store, tier="gold")
    issue = marketing_service.claim(session, w.home.store.id, holder.id, coupon.id)  # type: ignore[arg-type]
    segment = segments.create(session, w.home.store.id, SegmentCreate(name="m", rules=SegmentRules(tiers=["gold"])))  # type: ignore[arg-type]
    plan = push.create_plan(
        session,
        w.home.store.id,  # type: ignore[arg-type]
        PushPlanCreate(campaign_id=campaign.id, segment_id=segment.id, title="t", body="b"),  # type: ignore[arg-type]
    )
    return {"campaign": campaign.id, "coupon": coupon.id, "code": issue.code, "segment": segment.id, "plan": plan.id}


MARKETERS = who("admin", "manager", "marketing")
COUPON_TILLS = who("admin", "manager", "cashier", "pos_terminal")


def _mk_call(path: str, key: str | None = None, **kwargs: Any) -> Callable[[World], Call]:
    def build(w: World) -> Call:
        found = _marketing(w)
        return Call(path.format(**found) if key else path, **kwargs)

    return build


def _mk_json(path: str, body: Callable[[World, dict[str, Any]], Any]) -> Callable[[World], Call]:
    def build(w: World) -> Call:
        found = _marketing(w)
        return Call(path.format(**found), json=body(w, found))

    return build


def _mk_coupon_form(campaign_id: int) -> dict[str, str]:
    today = utcnow().date()
    return {
        "campaign_id": str(campaign_id),
        "name": "满200减30",
        "kind": "amount",
        "amount_off": "30",
        "threshold": "200",
        "total_quantity": "10",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=10)).isoformat(),
    }


MATRIX.update(
    {
        ("GET", f"{API}/capture/config"): Rule(who("capture_box"), at(f"{API}/capture/config")),
        ("POST", f"{API}/capture/jobs"): Rule(
            who("capture_box"), lambda w: Call(f"{API}/capture/jobs", json=_capture_job(w))
        ),
        ("POST", f"{API}/capture/heartbeat"): Rule(
            who("capture_box"), at(f"{API}/capture/heartbeat", json={"backlog": 0})
        ),
        ("GET", f"{API}/capture/jobs"): Rule(BACK_OFFICE, at(f"{API}/capture/jobs", params={"status": "review"})),
        ("GET", f"{API}/capture/templates"): Rule(BACK_OFFICE, at(f"{API}/capture/templates")),
        ("PUT", f"{API}/capture/templates"): Rule(
            BACK_OFFICE, lambda w: Call(f"{API}/capture/templates", json=_capture_template(w))
        ),
        ("POST", f"{API}/capture/templates/test"): Rule(
            BACK_OFFICE,
            lambda w: Call(
                f"{API}/capture/templates/test", json={"spec": _capture_template(w)["spec"], "text": "合计: 1.00"}
            ),
        ),
        ("GET", f"{API}/capture/coverage"): Rule(
            BACK_OFFICE, at(f"{API}/capture/coverage", params={"start": "2025-09-01", "end": "2025-09-30"})
        ),
        ("GET", f"{API}/capture/reconciliation"): Rule(
            BACK_OFFICE, at(f"{API}/capture/reconciliation", params={"day": "2025-09-01"})
        ),
        ("GET", "/admin/capture"): Rule(BACK_OFFICE, at("/admin/capture"), page=True),
        ("GET", "/admin/capture/templates"): Rule(BACK_OFFICE, at("/admin/capture/templates"), page=True),
        ("POST", "/admin/capture/templates"): Rule(
            BACK_OFFICE, lambda w: Call("/admin/capture/templates", data=_capture_template_form(w)), page=True
        ),
        ("POST", "/admin/capture/templates/{template_id}/reparse"): Rule(
            BACK_OFFICE, at("/admin/capture/templates/999999/reparse", data={"apply": "0"}), page=True
        ),
        ("GET", "/admin/capture/review"): Rule(BACK_OFFICE, at("/admin/capture/review"), page=True),
        ("POST", "/admin/capture/review/{job_id}/resolve"): Rule(
            BACK_OFFICE, at("/admin/capture/review/999999/resolve", data={"note": "x"}), page=True
        ),
        ("GET", "/admin/capture/review/{job_id}/raw.bin"): Rule(
            BACK_OFFICE, at("/admin/capture/review/999999/raw.bin"), page=True
        ),
        ("GET", "/admin/capture/reconciliation"): Rule(BACK_OFFICE, at("/admin/capture/reconciliation"), page=True),
        ("POST", f"{API}/marketing/campaigns"): Rule(
            MARKETERS,
            at(f"{API}/marketing/campaigns", json={"name": "春季", "starts_on": "2026-03-01", "ends_on": "2026-03-31"}),
        ),
        ("GET", f"{API}/marketing/campaigns"): Rule(MARKETERS, at(f"{API}/marketing/campaigns")),
        ("GET", f"{API}/marketing/campaigns/{{campaign_id}}/results"): Rule(
            MARKETERS, _mk_call(API + "/marketing/campaigns/{campaign}/results", key="campaign")
        ),
        ("POST", f"{API}/marketing/coupons"): Rule(
            MARKETERS,
            _mk_json(
                API + "/marketing/coupons",
                lambda w, f: {
                    "campaign_id": f["campaign"],
                    "name": "满200减30",
                    "kind": "amount",
                    "amount_off_fen": 3_000,
                    "threshold_fen": 20_000,
                    "total_quantity": 10,
                    "valid_from": (utcnow() - timedelta(days=1)).isoformat(),
                    "valid_until": (utcnow() + timedelta(days=10)).isoformat(),
                },
            ),
        ),
        ("POST", f"{API}/marketing/coupons/{{coupon_id}}/claim"): Rule(
            who(MEMBER), _mk_json(API + "/marketing/coupons/{coupon}/claim", lambda w, f: {"channel": "kiosk"})
        ),
        ("GET", f"{API}/marketing/me/coupons"): Rule(who(MEMBER), at(f"{API}/marketing/me/coupons")),
        ("POST", f"{API}/marketing/me/channels"): Rule(
            who(MEMBER), at(f"{API}/marketing/me/channels", json={"channel": "miniprogram", "remaining": 1})
        ),
        ("POST", f"{API}/marketing/redemptions"): Rule(
            COUPON_TILLS,
            _mk_json(
                API + "/marketing/redemptions",
                lambda w, f: {"code": f["code"], "shop_id": w.home.shop.id, "basket_fen": 20_000, "order_no": "M-1"},
            ),
        ),
        ("POST", f"{API}/marketing/segments"): Rule(
            MARKETERS, at(f"{API}/marketing/segments", json={"name": "金卡会员", "rules": {"tiers": ["gold"]}})
        ),
        ("POST", f"{API}/marketing/segments/preview"): Rule(
            MARKETERS, at(f"{API}/marketing/segments/preview", json={"tiers": ["gold"]})
        ),
        ("POST", f"{API}/marketing/push/plans"): Rule(
            MARKETERS,
            _mk_json(
                API + "/marketing/push/plans",
                lambda w, f: {"campaign_id": f["campaign"], "segment_id": f["segment"], "title": "t", "body": "b"},
            ),
        ),
        ("POST", f"{API}/marketing/push/plans/{{plan_id}}/weeks"): Rule(
            MARKETERS,
            _mk_json(API + "/marketing/push/plans/{plan}/weeks", lambda w, f: {"week_on": utcnow().date().isoformat()}),
        ),
        ("GET", f"{API}/marketing/push/deliveries"): Rule(MARKETERS, at(f"{API}/marketing/push/deliveries")),
        ("GET", "/admin/marketing"): Rule(MARKETERS, at("/admin/marketing"), page=True),
        ("GET", "/admin/marketing/campaigns/{campaign_id}"): Rule(
            MARKETERS, _mk_call("/admin/marketing/campaigns/{campaign}", key="campaign"), page=True
        ),
        ("GET", "/admin/marketing/coupons"): Rule(MARKETERS, at("/admin/marketing/coupons"), page=True),
        ("GET", "/admin/marketing/segments"): Rule(
            MARKETERS, at("/admin/marketing/segments", params={"tiers": "gold"}), page=True
        ),
        ("GET", "/admin/marketing/push"): Rule(MARKETERS, at("/admin/marketing/push"), page=True),
        ("GET", "/admin/marketing/push/deliveries"): Rule(MARKETERS, at("/admin/marketing/push/deliveries"), page=True),
        ("GET", "/admin/marketing/campaigns/new"): Rule(MARKETERS, at("/admin/marketing/campaigns/new"), page=True),
        ("POST", "/admin/marketing/campaigns/new"): Rule(
            MARKETERS,
            at(
                "/admin/marketing/campaigns/new",
                data={"name": "春季", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
            ),
            page=True,
        ),
        ("GET", "/admin/marketing/campaigns/{campaign_id}/edit"): Rule(
            MARKETERS, _mk_call("/admin/marketing/campaigns/{campaign}/edit", key="campaign"), page=True
        ),
        ("POST", "/admin/marketing/campaigns/{campaign_id}/edit"): Rule(
            MARKETERS,
            lambda w: Call(
                "/admin/marketing/campaigns/{campaign}/edit".format(**_marketing(w)),
                data={"name": "春季", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
            ),
            page=True,
        ),
        ("GET", "/admin/marketing/coupons/new"): Rule(MARKETERS, at("/admin/marketing/coupons/new"), page=True),
        ("POST", "/admin/marketing/coupons/new"): Rule(
            MARKETERS,
            lambda w: Call("/admin/marketing/coupons/new", data=_mk_coupon_form(_marketing(w)["campaign"])),
            page=True,
        ),
        ("GET", "/admin/marketing/coupons/{coupon_id}/edit"): Rule(
            MARKETERS, _mk_call("/admin/marketing/coupons/{coupon}/edit", key="coupon"), page=True
        ),
        ("POST", "/admin/marketing/coupons/{coupon_id}/edit"): Rule(
            MARKETERS,
            lambda w: (
                lambda f: Call(f"/admin/marketing/coupons/{f['coupon']}/edit", data=_mk_coupon_form(f["campaign"]))
            )(_marketing(w)),
            page=True,
        ),
        ("GET", "/admin/marketing/segments/new"): Rule(MARKETERS, at("/admin/marketing/segments/new"), page=True),
        ("POST", "/admin/marketing/segments/new"): Rule(
            MARKETERS, at("/admin/marketing/segments/new", data={"tiers": "gold", "action": "preview"}), page=True
        ),
        ("GET", "/admin/marketing/segments/{segment_id}/edit"): Rule(
            MARKETERS, _mk_call("/admin/marketing/segments/{segment}/edit", key="segment"), page=True
        ),
        ("POST", "/admin/marketing/segments/{segment_id}/edit"): Rule(
            MARKETERS,
            lambda w: Call(
                "/admin/marketing/segments/{segment}/edit".format(**_marketing(w)),
                data={"name": "m", "tiers": "gold", "action": "save"},
            ),
            page=True,
        ),
    }
)


# --- parking (issue 14 item 4, C5): gates bound to the home store's gate controller, made in each cell ---


def _car_park(w: World) -> None:
    from sqlalchemy.orm import object_session

    from store.parking import service as parking_service
    from store.parking.models import Direction

    session = object_session(w.home.store)
    assert session is not None
    if parking_service.list_gates(session, w.home.store.id):  # type: ignore[arg-type]
        return
    device = w.home.devices["gate_controller"]
    parking_service.add_gate(
        session, w.home.store.id, code="G-IN", name="入口", direction=Direction.entry, device_id=device.id
    )


def _gate_call(w: World) -> Call:
    _car_park(w)
    return Call(f"{API}/parking/gate-events", json={"gate": "G-IN", "direction": "in", "plate": "沪A12345"})


def _parking_code(w: World) -> str:
    from store import signed_codes

    return signed_codes.sign("kiosk-car", {"s": w.home.store.id, "p": 1, "x": 1, "a": ""}, max_age=timedelta(minutes=5))


PARKING_STAFF = who("admin", "manager", "security")
_RULE = {
    "free_minutes": 30,
    "hourly_fen": 1000,
    "daily_cap_fen": 6000,
    "member_free_minutes": 60,
    "spend_threshold_fen": 20000,
    "spend_free_minutes": 120,
    "max_discount_minutes": 180,
    "exit_grace_minutes": 15,
}
MATRIX.update(
    {
        ("POST", f"{API}/parking/gate-events"): Rule(who("gate_controller"), _gate_call),
        ("GET", f"{API}/parking/sessions"): Rule(PARKING_STAFF, at(f"{API}/parking/sessions")),
        ("GET", f"{API}/parking/quote"): Rule(
            who("admin", "manager", "security", "kiosk"), at(f"{API}/parking/quote", params={"plate": "沪A12345"})
        ),
        ("GET", f"{API}/parking/fee-rule"): Rule(BACK_OFFICE, at(f"{API}/parking/fee-rule")),
        ("PUT", f"{API}/parking/fee-rule"): Rule(BACK_OFFICE, at(f"{API}/parking/fee-rule", json=_RULE)),
        ("GET", f"{API}/parking/me/plates"): Rule(who("member"), at(f"{API}/parking/me/plates")),
        ("POST", f"{API}/parking/me/plates"): Rule(
            who("member"), at(f"{API}/parking/me/plates", json={"plate": "沪A12345"})
        ),
        ("GET", "/kiosk/parking"): public(
            "find-my-car on the kiosk: a shopper types a plate", at("/kiosk/parking", params={"plate": "沪A12345"})
        ),
        ("GET", "/kiosk/parking/car"): public(
            "a car picked from the masked near matches (signed code)", at("/kiosk/parking/car", params={"c": "x.y"})
        ),
        ("GET", "/kiosk/m/parking"): public(
            "the phone page a find-my-car QR opens (signed code)",
            lambda w: Call("/kiosk/m/parking", params={"c": _parking_code(w)}),
        ),
        ("POST", "/kiosk/m/parking/pay"): public(
            "paying the fee on the phone: the signed code is the credential",
            lambda w: Call(
                "/kiosk/m/parking/pay",
                data={"c": _parking_code(w), "amount": "100", "method": "wechat", "csrf_token": _kiosk_token(w)},
            ),
        ),
        ("GET", "/admin/parking"): Rule(PARKING_STAFF, at("/admin/parking"), page=True),
        ("POST", "/admin/parking/fee-rule"): Rule(
            BACK_OFFICE, at("/admin/parking/fee-rule", data={k: str(v) for k, v in _RULE.items()}), page=True
        ),
    }
)
