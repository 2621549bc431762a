"""Sales API: tills post orders and refunds (retry-safe), staff read orders by shop, day, channel, member."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.db import SessionDep
from store.idempotency import IdempotencyKey, respond_once
from store.sales import service as sales_service
from store.sales.schemas import Channel, OrderCreate, OrderPage, OrderRead, OrderSummary, RefundCreate, RefundRead
from store.wire import Day, Int32, Offset, RowId

router = APIRouter(prefix="/sales", tags=["sales"])

_TILLS = (DeviceKind.pos_terminal, DeviceKind.capture_box)
Poster = Annotated[Principal, Depends(require(Role.cashier, Role.manager, Role.admin, devices=_TILLS))]
Reader = Annotated[
    Principal, Depends(require(Role.admin, Role.manager, Role.cashier, Role.marketing, Role.tenant, devices=_TILLS))
]


@router.post("/orders", status_code=201, response_model=OrderRead, responses={409: {}, 403: {}, 400: {}, 404: {}})
def post_order(
    request: Request, data: OrderCreate, session: SessionDep, poster: Poster, key: IdempotencyKey = None
) -> JSONResponse:
    """Record a sale; a retry with the same Idempotency-Key returns the first order, never a second one."""

    def produce() -> OrderRead:
        return sales_service.order_read(session, sales_service.create_order_for(session, poster, data))

    return respond_once(session, request, poster.label, key=key, payload=data, produce=produce)


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
        return RefundRead.model_validate(row)

    return respond_once(session, request, poster.label, key=key, payload=data, produce=produce)


@router.get("/orders", response_model=OrderPage)
def list_orders(
    session: SessionDep,
    reader: Reader,
    shop_id: RowId | None = None,
    day: Annotated[Day | None, Query(description="Business day in the store's timezone")] = None,
    channel: Channel | None = None,
    member_id: Int32 | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> OrderPage:
    """Orders newest first, filtered by shop, business day, channel and member; tenants see their shop only."""
    rows, total = sales_service.list_orders(
        session, reader, shop_id=shop_id, day=day, channel=channel, member_id=member_id, limit=limit, offset=offset
    )
    items = [OrderSummary.model_validate(row) for row in rows]
    return OrderPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/orders/{order_id}", response_model=OrderRead)
def get_order(order_id: RowId, session: SessionDep, reader: Reader) -> OrderRead:
    """One order with its lines, payments and refunds."""
    order = sales_service.get_order(session, reader.store_id, order_id, viewer=reader)
    return sales_service.order_read(session, order)
