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
from tests.permissions.world import ANONYMOUS, DEVICE_KINDS, PRINCIPALS, ROLES, World

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
assert set(DEVICE_KINDS) | set(ROLES) | {ANONYMOUS} == set(PRINCIPALS)


def public(reason: str, call: Callable[[World], Call], *, page: bool = False) -> Rule:
    return Rule(EVERYONE, call, page=page, public=reason)


def at(path: str, **kwargs: Any) -> Callable[[World], Call]:
    """A call to a fixed path."""
    return lambda _w: Call(path, **kwargs)


def _recent(w: World) -> str:
    return (utcnow() - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0).isoformat()


def _order_body(w: World) -> dict[str, Any]:
    from tests.factories.sales import order_body

    return order_body(w.home.shop)


FLOORS_CSV = "floor_code,name,level\n9F,九楼,9\n".encode()
SHOP_ID = {"shop_id": lambda w: w.home.shop.id}
ORDER_ID = {"order_id": lambda w: w.home.order.id}

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
    ("GET", "/admin/exports/monthly-kpi.csv"): Rule(
        who("admin", "manager", "marketing"), at("/admin/exports/monthly-kpi.csv"), page=True
    ),
    ("GET", "/admin/exports/monthly-kpi.xlsx"): Rule(
        who("admin", "manager", "marketing"), at("/admin/exports/monthly-kpi.xlsx"), page=True
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
    # omni (issue 11): delivery SLA, live calendar and a live session's attributed sales
    ("GET", "/admin/deliveries"): Rule(who("admin", "manager", "marketing"), at("/admin/deliveries"), page=True),
    ("GET", "/admin/live"): Rule(who("admin", "manager", "marketing"), at("/admin/live"), page=True),
    ("GET", "/admin/live/{session_id}"): Rule(
        who("admin", "manager", "marketing"), lambda w: Call(f"/admin/live/{_live_session(w)}"), page=True
    ),
}


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
