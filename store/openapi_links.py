"""OpenAPI links: what a create returns leads to the operations that read and change it.

The spec says "the ``id`` in a 201 from POST /premises/shops is the ``shop_id`` of GET and PATCH
/premises/shops/{shop_id}", so a client generator, a reader of the docs, and the stateful fuzzer
(tests/fuzz) can follow create → read → update chains. Routes are named by method and path (not by
FastAPI's generated operation ids); ``tests/fuzz/test_links.py`` fails when a link names a route or a
parameter that no longer exists. Add a row when a new create has a read or an update.
"""

from __future__ import annotations

from typing import Any

API = "/api/v1"
BODY_ID = "$response.body#/id"

# (method, path, status) of the source → {link name: (method, path of the target, parameters, request body)}
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, str], dict[str, str] | None]]] = {
    ("post", f"{API}/premises/floors", "201"): {
        "ListZonesOfFloor": ("get", f"{API}/premises/zones", {"query.floor": "$response.body#/code"}, None),
        "ListShopsOfFloor": ("get", f"{API}/premises/shops", {"query.floor": "$response.body#/code"}, None),
        "CreateZoneOnFloor": ("post", f"{API}/premises/zones", {}, {"floor_code": "$response.body#/code"}),
        "CreateShopOnFloor": ("post", f"{API}/premises/shops", {}, {"floor_code": "$response.body#/code"}),
    },
    ("post", f"{API}/premises/shops", "201"): {
        "GetShop": ("get", f"{API}/premises/shops/{{shop_id}}", {"path.shop_id": BODY_ID}, None),
        "UpdateShop": ("patch", f"{API}/premises/shops/{{shop_id}}", {"path.shop_id": BODY_ID}, None),
        "ListShopHeadcount": ("get", f"{API}/premises/headcount", {"query.shop_id": BODY_ID}, None),
        "SetShopHeadcount": ("put", f"{API}/premises/headcount", {}, {"shop_id": BODY_ID}),
        "PostOrderAtShop": ("post", f"{API}/sales/orders", {}, {"shop_id": BODY_ID}),
        "ListOrdersOfShop": ("get", f"{API}/sales/orders", {"query.shop_id": BODY_ID}, None),
    },
    ("patch", f"{API}/premises/shops/{{shop_id}}", "200"): {
        "GetShop": ("get", f"{API}/premises/shops/{{shop_id}}", {"path.shop_id": BODY_ID}, None),
    },
    ("post", f"{API}/premises/zones", "201"): {
        "ListCountsOfZone": ("get", f"{API}/footfall/counts", {"query.zone_id": BODY_ID}, None),
    },
    ("post", f"{API}/sales/orders", "201"): {
        "GetOrder": ("get", f"{API}/sales/orders/{{order_id}}", {"path.order_id": BODY_ID}, None),
        "RefundOrder": ("post", f"{API}/sales/orders/{{order_id}}/refunds", {"path.order_id": BODY_ID}, None),
    },
    ("post", f"{API}/sales/orders/{{order_id}}/refunds", "201"): {
        "GetRefundedOrder": (
            "get",
            f"{API}/sales/orders/{{order_id}}",
            {"path.order_id": "$request.path.order_id"},
            None,
        ),
    },
    ("post", f"{API}/auth/users", "201"): {
        "DeactivateUser": ("post", f"{API}/auth/users/{{user_id}}/deactivate", {"path.user_id": BODY_ID}, None),
    },
    ("post", f"{API}/auth/devices", "201"): {
        "RevokeDevice": ("post", f"{API}/auth/devices/{{device_id}}/revoke", {"path.device_id": BODY_ID}, None),
    },
}


def operation_ref(method: str, path: str) -> str:
    """A JSON pointer to an operation of this spec (``~1`` escapes ``/``)."""
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def add_links(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the links above on the responses they start from (changed in place, and returned).

    A link whose source is not in the spec is left out (a route may be switched off).
    """
    paths = spec.get("paths", {})
    for (method, path, status), links in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        for name, (target_method, target_path, parameters, body) in links.items():
            link: dict[str, Any] = {"operationRef": operation_ref(target_method, target_path)}
            if parameters:
                link["parameters"] = parameters
            if body is not None:
                link["requestBody"] = body
            response.setdefault("links", {})[name] = link
    return spec
