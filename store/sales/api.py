"""Sales API: tills post orders and refunds (retry-safe), staff read orders by shop, day, channel, member."""

from __future__ import annotations

import re
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Scope

from store import metrics
from store.auth.deps import Principal, admit, device_principal, require
from store.auth.models import DeviceKind, Role
from store.config import get_settings
from store.db import SessionDep, WouldBlock, reads_first, request_unit, request_unit_at_once
from store.errors import Forbidden
from store.hot_route import Decline, HotRoute, device_json_key
from store.idempotency import IdempotencyKey, respond_once
from store.sales import ingest
from store.sales import service as sales_service
from store.sales.errors import TooLarge
from store.sales.schemas import (
    Channel,
    OrderCreate,
    OrderPage,
    OrderRead,
    OrderSummary,
    RefundCreate,
    RefundRead,
    SaleBatch,
    SaleBatchRead,
)
from store.wire import Day, Int32, NotBool, Offset, RowId

router = APIRouter(prefix="/sales", tags=["sales"])
_Order = TypeVar("_Order", bound=OrderSummary)

_TILLS = (DeviceKind.pos_terminal, DeviceKind.capture_box)
Poster = Annotated[Principal, Depends(require(Role.cashier, Role.manager, Role.admin, devices=_TILLS))]
Reader = Annotated[
    Principal, Depends(require(Role.admin, Role.manager, Role.cashier, Role.marketing, Role.tenant, devices=_TILLS))
]


def _sales_scope(request: Request, poster: Principal) -> str:
    # One scope for single and batched posts: a sale posted alone and then forwarded in a batch is one sale.
    return f"{poster.label}:POST {request.url.path.removesuffix('/batch')}"


@router.post(
    "/orders", status_code=201, response_model=OrderRead, responses={409: {}, 403: {}, 400: {}, 404: {}, 503: {}}
)
@reads_first
def post_order(
    request: Request, data: OrderCreate, session: SessionDep, poster: Poster, key: IdempotencyKey = None
) -> JSONResponse:
    """Record a sale; a retry with the same Idempotency-Key returns the first order, never a second one.

    A retry that arrives while the first is still being written gets 409 `idempotency-in-progress` with
    `Retry-After`; retried after that, it gets the first order."""
    (outcome,) = ingest.post(session, poster, [ingest.Sale(key, data)], scope=_sales_scope(request, poster))
    if outcome.error is not None:
        raise outcome.error
    if outcome.status == 201:
        metrics.SALES_POSTED.inc()
    return JSONResponse(outcome.body, status_code=outcome.status)


@router.post("/orders/batch", response_model=SaleBatchRead, responses={403: {}, 422: {}, 503: {}})
@reads_first
def post_orders_batch(request: Request, batch: SaleBatch, session: SessionDep, poster: Poster) -> JSONResponse:
    """Record a backlog of sales in one request (a till back online); each sale has its own key and result.

    Every result is what a single `POST /sales/orders` of that sale with its `idempotency_key` would
    have answered (`status` and `order`, or `problem`): one bad sale does not hold back the others, and
    a batch sent again returns the first results. Keys are shared with single posts."""
    limit = get_settings().max_batch_sales
    if len(batch.sales) > limit:
        raise TooLarge(
            f"a batch may carry at most {limit} sales, this one has {len(batch.sales)}",
            errors=[{"loc": ["body", "sales"], "msg": f"at most {limit} sales"}],
        )
    sales = [ingest.Sale(sale.idempotency_key, sale.order) for sale in batch.sales]
    outcomes = ingest.post(session, poster, sales, scope=_sales_scope(request, poster))
    problems = ingest.problems(outcomes, request.url.path)
    metrics.SALES_POSTED.inc(sum(outcome.status == 201 for outcome in outcomes))
    results = [
        {"idempotency_key": sale.key, "status": outcome.status, "order": outcome.body, "problem": problem}
        for sale, outcome, problem in zip(sales, outcomes, problems, strict=True)
    ]
    return JSONResponse({"results": results})


@router.post("/orders/{order_id}/refunds", status_code=201, response_model=RefundRead, responses={400: {}, 409: {}})
def post_refund(
    request: Request,
    order_id: RowId,
    data: RefundCreate,
    session: SessionDep,
    poster: Poster,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Refund part or all of an order (never more than paid minus already refunded); retry-safe."""

    def produce() -> RefundRead:
        row = sales_service.refund(session, poster.store_id, order_id, data, viewer=poster)
        return sales_service.refund_read(row, sales_service.refund_payments(session, [row.id]).get(row.id, []))  # type: ignore[list-item,arg-type]

    return respond_once(session, request, poster.label, key=key, payload=data, produce=produce)


@router.get("/orders", response_model=OrderPage)
def list_orders(
    session: SessionDep,
    reader: Reader,
    shop_id: RowId | None = None,
    day: Annotated[Day | None, Query(description="Business day in the store's timezone")] = None,
    channel: Channel | None = None,
    member_id: Int32 | None = None,
    limit: Annotated[int, Query(ge=1, le=500), NotBool] = 50,
    offset: Offset = 0,
) -> OrderPage:
    """Orders newest first, filtered by shop, business day, channel and member; tenants see their shop only,
    and no member: the brand gets a member's data only with that member's own consent (PIPL art. 23)."""
    if member_id is not None and _brand(reader):
        raise Forbidden("tenant staff cannot look orders up by member: member data is not shared with brands")
    rows, total = sales_service.list_orders(
        session, reader, shop_id=shop_id, day=day, channel=channel, member_id=member_id, limit=limit, offset=offset
    )
    items = [_for(reader, OrderSummary.model_validate(row)) for row in rows]
    return OrderPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/orders/{order_id}", response_model=OrderRead)
def get_order(order_id: RowId, session: SessionDep, reader: Reader) -> OrderRead:
    """One order with its lines, payments and refunds."""
    order = sales_service.get_order(session, reader.store_id, order_id, viewer=reader)
    return _for(reader, sales_service.order_read(session, order))


def _brand(reader: Principal) -> bool:
    """Tenant staff work for a brand: a member's identity is theirs only with the member's brand-sharing
    consent (``members_service.consenting_ids(..., "brand_sharing")``), which no sales read asks for."""
    return reader.role == Role.tenant


def _for(reader: Principal, order: _Order) -> _Order:
    return order.model_copy(update={"member_id": None}) if _brand(reader) and order.member_id is not None else order


# The hot path of `POST /sales/orders` (store.hot_route): a till's ordinary sale skips FastAPI's dependency
# solving; anything else goes to `post_order` above, which stays the documented route and the reference.
_KEY = re.compile(r"\S")  # the Idempotency-Key header's pattern (store.idempotency.IdempotencyKey)
_ONCE = frozenset({b"x-device-key", b"idempotency-key", b"content-type"})
_POSTERS = (Role.cashier, Role.manager, Role.admin)  # Poster's roles


async def _hot_post_order(scope: Scope, headers: dict[bytes, bytes], repeated: set[bytes], body: bytes) -> JSONResponse:
    """`post_order` for a till's valid sale: the same checks, writes and answer, on SQLite on the event loop
    while the write lock is free (`store.db.request_unit_at_once`), else in one thread-pool trip.

    Declined (`post_order` answers): not exactly `Content-Type: application/json`; no device key, or a bearer
    token or a cookie beside it; a repeated header; whatever the route's validation might refuse (a NUL
    escape, an Idempotency-Key that is not plain ASCII or does not match, a body that does not validate as
    JSON). What is left can fail only where `post_order` fails after its validation: the device (401, 403,
    raised as its dependencies raise them) and the sale itself (`ingest.post`).
    """
    raw_device = device_json_key(headers, repeated, body, _ONCE)
    raw_key = headers.get(b"idempotency-key")
    key = None
    if raw_key is not None:
        key = raw_key.decode("latin-1")
        if not (key.isascii() and len(key) <= 200 and _KEY.search(key)):
            raise Decline
    try:
        data = OrderCreate.model_validate_json(body)  # accepts only what json.loads + validation accepts
    except ValidationError:
        raise Decline from None
    at_once = request_unit_at_once(scope)
    unit = request_unit(scope, reads_first=True) if at_once is None else None
    if at_once is None and unit is None:
        raise Decline
    device_key, path = raw_device.decode("latin-1"), scope["path"]

    def record(session: Session) -> ingest.Outcome:
        poster = admit(device_principal(session, device_key), _POSTERS, _TILLS)
        sale = ingest.Sale(key, data)
        (outcome,) = ingest.post(session, poster, [sale], scope=f"{poster.label}:POST {path}")  # _sales_scope
        if outcome.error is not None:
            raise outcome.error
        return outcome

    outcome: ingest.Outcome
    try:
        if at_once is None:
            raise WouldBlock
        outcome = at_once(record)  # SQLite: here on the loop, unless the write lock is taken (nothing written then)
    except WouldBlock:
        unit = unit or request_unit(scope, reads_first=True)
        assert unit is not None
        outcome = await run_in_threadpool(unit, record)
    if outcome.status == 201:
        metrics.SALES_POSTED.inc()
    return JSONResponse(outcome.body, status_code=outcome.status)


def hot_routes(app_router: ASGIApp, prefix: str) -> list[HotRoute]:
    """The routes to put in front of the app's own (``store.app.create_app``)."""
    return [HotRoute(f"{prefix}{router.prefix}/orders", "POST", _hot_post_order, app_router)]
