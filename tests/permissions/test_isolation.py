"""Nothing of another shop (for tenant staff and shop-bound tills) or another store (for anyone) is in reach.

The world has two stores, each with two shops and an order in each; the callers are the home store's.
"""

from __future__ import annotations

import pytest

from store.auth.models import StaffUser
from store.sales.models import Order
from tests.permissions.cells import REFUSED
from tests.permissions.world import DEVICE_KINDS, ROLES, World

API = "/api/v1"


def get(client, world: World, principal: str, path: str, **kwargs):
    return client.get(f"{API}{path}", headers=world.headers(principal), **kwargs)


class TestTenantStaffSeeOnlyTheirShop:
    def test_order_list_holds_only_their_shops_orders(self, client, world):
        page = get(client, world, "tenant", "/sales/orders").json()
        assert [item["id"] for item in page["items"]] == [world.home.order.id]
        asked = get(client, world, "tenant", "/sales/orders", params={"shop_id": world.home.neighbour.id}).json()
        assert asked["total"] == 0

    def test_another_shops_order_reads_as_not_found(self, client, world):
        assert get(client, world, "tenant", f"/sales/orders/{world.home.neighbour_order.id}").status_code == 404

    def test_another_shop_reads_as_not_found(self, client, world):
        assert get(client, world, "tenant", f"/premises/shops/{world.home.neighbour.id}").status_code == 404
        shops = get(client, world, "tenant", "/premises/shops").json()
        assert [shop["id"] for shop in shops["items"]] == [world.home.shop.id]

    def test_another_shops_headcount_reads_as_not_found(self, client, world):
        response = get(client, world, "tenant", "/premises/headcount", params={"shop_id": world.home.neighbour.id})
        assert response.status_code == 404

    def test_kpis_by_shop_show_only_their_shop(self, client, world):
        day = world.home.order.business_on.isoformat()
        series = get(client, world, "tenant", "/kpi/series", params={"start": day, "end": day, "by": "shop"}).json()
        assert {row["key"] for row in series["rows"]} == {world.home.shop.code}

    def test_dashboard_counts_only_their_shops_sales(self, client, world):
        day = world.home.order.business_on.isoformat()
        board = get(client, world, "tenant", "/kpi/dashboard", params={"today": day}).json()
        assert board["day"]["orders"] == 1
        assert board["day"]["revenue_fen"] == world.home.order.total_fen

    @pytest.mark.parametrize("path", ["/footfall/counts", "/assessment/evidence"])
    def test_store_wide_figures_are_refused(self, client, world, path):
        assert get(client, world, "tenant", path).status_code == 403

    def test_imports_are_refused(self, client, world):
        files = {"file": ("orders.csv", b"order_no\n", "text/csv")}
        response = client.post(f"{API}/imports/orders", files=files, headers=world.headers("tenant"))
        assert response.status_code == 403

    def test_another_shops_headcount_page_form_is_refused(self, client, session, world):
        from store.auth import service as auth_service
        from store.auth.deps import SESSION_COOKIE

        secret, row = auth_service.start_session(session, world.home.users["tenant"], 3600)
        client.cookies.set(SESSION_COOKIE, secret)
        response = client.post(
            f"/admin/premises/shops/{world.home.neighbour.id}/headcount",
            data={"headcount": "99", "csrf_token": row.csrf_token},
        )
        assert response.status_code == 404


class TestShopBoundTills:
    @pytest.mark.parametrize("kind", ["pos_terminal", "capture_box"])
    def test_cannot_post_a_sale_for_another_shop(self, client, world, kind):
        from tests.factories.sales import order_body

        body = order_body(world.home.neighbour)
        response = client.post(f"{API}/sales/orders", json=body, headers=world.headers(kind))
        assert response.status_code == 403

    @pytest.mark.parametrize("kind", ["pos_terminal", "capture_box"])
    def test_cannot_read_or_refund_another_shops_order(self, client, world, kind):
        order_id = world.home.neighbour_order.id
        assert get(client, world, kind, f"/sales/orders/{order_id}").status_code == 404
        refund = client.post(
            f"{API}/sales/orders/{order_id}/refunds", json={"amount_fen": 100}, headers=world.headers(kind)
        )
        assert refund.status_code == 404


# Requests at another store's rows, by id: (method, path, json) built from the world.
def _foreign_requests(world: World) -> list[tuple[str, str, dict | None]]:
    other = world.other
    from tests.factories.sales import order_body

    return [
        ("GET", f"/premises/shops/{other.shop.id}", None),
        ("PATCH", f"/premises/shops/{other.shop.id}", {"tenant": "taken over"}),
        ("GET", "/premises/headcount?shop_id=" + str(other.shop.id), None),
        ("PUT", "/premises/headcount", {"shop_id": other.shop.id, "effective_on": "2024-01-01", "headcount": 1}),
        ("GET", f"/sales/orders/{other.order.id}", None),
        ("POST", f"/sales/orders/{other.order.id}/refunds", {"amount_fen": 100}),
        ("POST", "/sales/orders", order_body(other.shop)),
        ("POST", f"/auth/users/{other.users['cashier'].id}/deactivate", None),
        ("POST", f"/auth/devices/{other.devices['pos_terminal'].id}/revoke", None),
        ("POST", "/auth/users", {"username": "intruder", "role": "tenant", "shop_id": other.shop.id}),
        ("POST", "/auth/devices", {"kind": "pos_terminal", "name": "Intruder", "shop_id": other.shop.id}),
    ]


FOREIGN_WRITES_STATUSES = REFUSED | {400}  # a zone or shop of another store is also "not in this store"


class TestAnotherStoreIsOutOfReach:
    @pytest.mark.parametrize("principal", [*ROLES, *DEVICE_KINDS])
    def test_every_by_id_request_is_refused(self, client, session, world, principal):
        answered = []
        for method, path, body in _foreign_requests(world):
            response = client.request(method, f"{API}{path}", json=body, headers=world.headers(principal))
            if response.status_code not in FOREIGN_WRITES_STATUSES:
                answered.append(f"{method} {path} -> {response.status_code}")
        assert answered == []
        session.expire_all()
        assert session.get(Order, world.other.order.id).refunded_fen == 0  # type: ignore[union-attr]
        assert session.get(StaffUser, world.other.users["cashier"].id).is_active  # type: ignore[union-attr]

    @pytest.mark.parametrize("principal", ["admin", "manager", "camera_node"])
    def test_footfall_for_another_stores_entrance_is_refused(self, client, world, principal):
        interval = {
            "zone_id": world.other.entrance.id,
            "interval_start": "2024-01-01T02:00:00Z",
            "count_in": 5,
            "count_out": 0,
        }
        response = client.post(
            f"{API}/footfall/counts", json={"intervals": [interval]}, headers=world.headers(principal)
        )
        assert response.status_code == 400
        assert "not an entrance of this store" in response.text

    @pytest.mark.parametrize(
        ("principal", "path", "rows_of"),
        [
            ("admin", "/auth/users", lambda side: [*side.users.values(), side.victim]),
            ("admin", "/auth/devices", lambda side: [*side.devices.values(), side.spare_device]),
            ("manager", "/premises/shops", lambda side: [side.shop, side.neighbour]),
        ],
    )
    def test_lists_hold_only_this_stores_rows(self, client, world, principal, path, rows_of):
        body = get(client, world, principal, path).json()
        listed = {row["id"] for row in (body["items"] if isinstance(body, dict) else body)}
        assert listed == {row.id for row in rows_of(world.home)}

    @pytest.mark.parametrize("principal", ["manager", "pos_terminal"])
    def test_order_list_holds_only_this_stores_orders(self, client, world, principal):
        ids = {item["id"] for item in get(client, world, principal, "/sales/orders").json()["items"]}
        assert ids and not ids & {world.other.order.id, world.other.neighbour_order.id}
