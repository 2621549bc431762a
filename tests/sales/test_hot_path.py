"""The hot path of `POST /sales/orders` (store.hot_route) answers exactly what the FastAPI route answers.

The same requests go to the app as served (hot path in front) and to the same app without it (the FastAPI
route alone); statuses, bodies and headers must match, request by request, and so must what was written.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from store import hot_route
from store.auth.models import DeviceKind, Role
from store.idempotency import IdempotencyRecord
from store.kpi.models import SALES_TABLE
from store.sales.models import Order, OrderLine, Payment
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_till, order_body, staff_token

ORDERS = "/api/v1/sales/orders"
JSON = "application/json"


@pytest.fixture
def world(session):
    store = create_store(session)
    shop, other = create_shop(session, store), create_shop(session, store)
    till, _ = create_till(session, shop)
    box, _ = create_till(session, shop, kind=DeviceKind.capture_box)
    kiosk, _ = create_till(session, shop, kind=DeviceKind.kiosk)
    token = staff_token(session, store.id, Role.manager)
    session.commit()
    return {"shop": shop, "other": other, "till": till, "box": box, "kiosk": kiosk, "token": token}


def _requests(world) -> list[tuple[str, dict[str, str], bytes]]:
    """(what, headers, body): ordinary sales, retries, conflicts and every kind of refusal."""
    shop, till = world["shop"], {"X-Device-Key": world["till"], "Content-Type": JSON}
    first = order_body(shop, order_no="HOT-1")
    second = order_body(shop, order_no="HOT-2")
    encode = lambda body: json.dumps(body).encode()  # noqa: E731
    numbered = {**order_body(shop, order_no="HOT-SEQ"), "till_seq": 7}
    many_lines = order_body(shop, order_no="HOT-BIG", lines=((1, 100, 0),) * 1001)
    return [
        ("first post", {**till, "Idempotency-Key": "k-1"}, encode(first)),
        ("retry", {**till, "Idempotency-Key": "k-1"}, encode(first)),
        ("key reused", {**till, "Idempotency-Key": "k-1"}, encode(second)),
        ("number taken", {**till, "Idempotency-Key": "k-2"}, encode(first)),
        ("no key", till, encode(second)),
        ("capture box", {**till, "X-Device-Key": world["box"]}, encode(order_body(shop, order_no="HOT-3"))),
        ("till seq", {**till, "Idempotency-Key": "k-3"}, encode(numbered)),
        ("till seq again", {**till, "Idempotency-Key": "k-4"}, encode(numbered)),
        ("till seq taken", {**till, "Idempotency-Key": "k-5"}, encode({**numbered, "order_no": "HOT-SEQ2"})),
        ("unknown key", {**till, "X-Device-Key": "nope"}, encode(order_body(shop))),
        ("kiosk", {**till, "X-Device-Key": world["kiosk"]}, encode(order_body(shop))),
        ("two credentials", {**till, "Authorization": "Bearer garbage"}, encode(order_body(shop))),
        ("staff token", {"Authorization": f"Bearer {world['token']}", "Content-Type": JSON}, encode(second)),
        ("cookie", {**till, "Cookie": "smartstore_session=x"}, encode(order_body(shop))),
        ("other shop", till, encode(order_body(world["other"]))),
        ("does not add up", till, encode({**order_body(shop), "total_fen": 1})),
        ("unknown member", till, encode(order_body(shop, member_id=999_999))),
        ("too many lines", till, encode(many_lines)),
        ("missing field", till, encode({k: v for k, v in order_body(shop).items() if k != "lines"})),
        ("bool amount", till, encode({**order_body(shop), "total_fen": True})),
        ("not json", till, b"{not json"),
        ("empty body", till, b""),
        ("NUL", till, encode({**order_body(shop), "order_no": "A\u0000B"})),
        ("blank key", {**till, "Idempotency-Key": "   "}, encode(order_body(shop))),
        ("long key", {**till, "Idempotency-Key": "k" * 201}, encode(order_body(shop))),
        ("longest key", {**till, "Idempotency-Key": "k" * 200}, encode(order_body(shop, order_no="HOT-4"))),
        ("text/plain", {**till, "Content-Type": "text/plain"}, encode(order_body(shop))),
        ("charset", {**till, "Content-Type": "application/json; charset=utf-8"}, encode(order_body(shop))),
        ("no content type", {"X-Device-Key": world["till"]}, encode(order_body(shop))),
        ("BOM", till, b"\xef\xbb\xbf" + encode(order_body(shop, order_no="HOT-5"))),
        ("empty device key", {**till, "X-Device-Key": ""}, encode(order_body(shop))),
    ]


def _answers(client: TestClient, requests, query: str = "") -> list[tuple[str, int, Any, dict[str, str]]]:
    ids: dict[int, int] = {}  # PostgreSQL does not roll its sequences back: ids compared by first appearance

    def same_ids(body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("id"), int):
            body["id"] = ids.setdefault(body["id"], len(ids))
        return body

    answers = []
    for what, headers, body in requests:
        response = client.post(ORDERS + query, content=body, headers=headers)
        assert int(response.headers["content-length"]) == len(response.content)
        # Per request: the request id and the CSP nonce; the length varies with the ids on PostgreSQL.
        varying = ("x-request-id", "content-security-policy", "content-length")
        kept = {k: v for k, v in response.headers.items() if k not in varying}
        answers.append((what, response.status_code, same_ids(response.json()), kept))
    return answers


def _written(session) -> dict[str, Any]:
    count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
    rollups = session.exec(select(SALES_TABLE.c.orders, SALES_TABLE.c.revenue_fen)).all()
    return {
        "orders": count(Order),
        "lines": count(OrderLine),
        "payments": count(Payment),
        "keys": count(IdempotencyRecord),
        "rollups": sorted(tuple(row) for row in rollups),
    }


def _without_hot_routes(app):
    app.router.routes[:] = [route for route in app.router.routes if not isinstance(route, hot_route.HotRoute)]
    return app


@pytest.fixture
def declined(monkeypatch) -> list[str]:
    """The requests the hot path handed to the FastAPI route."""
    seen: list[str] = []
    decline = hot_route.HotRoute._decline

    async def counting(self, scope, receive, send, read):
        seen.append(scope["path"])
        await decline(self, scope, receive, send, read)

    monkeypatch.setattr(hot_route.HotRoute, "_decline", counting)
    return seen


def test_the_hot_path_answers_what_the_fastapi_route_answers(app, session, world, declined):
    requests = _requests(world)
    outer = session.begin_nested()
    with TestClient(app, raise_server_exceptions=False) as client:
        hot = _answers(client, requests)
    hot_rows = _written(session)
    outer.rollback()
    assert len(declined) == 15  # other credentials, what validation refuses, other content types
    with TestClient(_without_hot_routes(app), raise_server_exceptions=False) as client:
        plain = _answers(client, requests)
    for hot_answer, plain_answer in zip(hot, plain, strict=True):
        assert hot_answer == plain_answer
    assert _written(session) == hot_rows
    statuses = {what: status for what, status, _, _ in hot}
    assert statuses["first post"] == statuses["retry"] == statuses["no key"] == 201
    assert statuses["till seq again"] == 200 and statuses["longest key"] == 201
    assert statuses["key reused"] == statuses["number taken"] == statuses["till seq taken"] == 409
    assert statuses["unknown key"] == 401 and statuses["kiosk"] == 403 and statuses["NUL"] == 422


def test_an_ordinary_sale_is_not_declined(client, world, declined):
    headers = {"X-Device-Key": world["till"], "Idempotency-Key": "plain-1"}
    response = client.post(ORDERS, json=order_body(world["shop"]), headers=headers)
    assert response.status_code == 201, response.text
    assert declined == []
    headers["Idempotency-Key"] = "plain-2"
    assert client.post(ORDERS + "?x=1", json=order_body(world["shop"]), headers=headers).status_code == 201
    assert declined == [ORDERS]  # a query string: the FastAPI route reads it


def test_the_hot_route_stays_out_of_the_schema_and_of_other_methods(client, world, declined):
    schema = client.get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"][ORDERS] and "get" in schema["paths"][ORDERS]
    assert client.get(ORDERS, headers={"X-Device-Key": world["till"]}).status_code == 200
    assert client.put(ORDERS, headers={"X-Device-Key": world["till"]}).status_code == 405
    assert declined == []
