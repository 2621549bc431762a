"""The online mall's API: the mini-program's member browses, fills a cart, orders, pays and cancels; the shops'
staff list their online orders, hand over pick-ups and refund.

Placing and paying take an ``Idempotency-Key``: a phone that lost its answer retries with the same key and gets
the first answer, never a second order or a second charge.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from store.auth.deps import Principal, require
from store.auth.models import Role
from store.db import SessionDep
from store.idempotency import IdempotencyKey, respond_once
from store.mall import service
from store.mall.models import MallOrder
from store.mall.schemas import (
    CartItemIn,
    CartRead,
    LiveRoom,
    MallLineRead,
    MallOrderCreate,
    MallOrderPage,
    MallOrderRead,
    MallStatus,
    PayIn,
    PickupIn,
    ProductPage,
    RefundIn,
    ShopRead,
)
from store.members.deps import CurrentMember
from store.wire import NotBool, RowId

router = APIRouter(prefix="/mall", tags=["mall"])

ShopStaff = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.cashier, Role.tenant))]
Refunder = Annotated[Principal, Depends(require(Role.admin, Role.manager))]
Limit = Annotated[int, Query(ge=1, le=200), NotBool]
Offset = Annotated[int, Query(ge=0, le=1_000_000), NotBool]


def _mask(address: str) -> str:
    """Staff see where an order goes only as far as the district (PIPL): the first 6 characters."""
    return address[:6] + "****" if address else ""


def order_read(session: Any, order: MallOrder, *, staff: bool = False) -> MallOrderRead:
    payment = service.payment_of(session, order)
    delivery = service.delivery_status(session, order)
    read = MallOrderRead.model_validate(order)
    read.lines = [MallLineRead.model_validate(line) for line in service.lines_of(session, order)]
    read.payment_status = str(payment.status) if payment is not None else None
    read.payment_message = payment.message if payment is not None else ""
    read.delivery_status = str(delivery) if delivery is not None else None
    if staff:
        read.address = _mask(order.address)
    return read


@router.get("/shops", response_model=list[ShopRead])
def list_shops(who: CurrentMember, session: SessionDep) -> list[Any]:
    """Mini-program: the shops trading today."""
    return [ShopRead.model_validate(shop) for shop in service.open_shops(session, who.store_id)]


@router.get("/shops/{shop_id}/products", response_model=ProductPage, responses={404: {}})
def list_products(
    shop_id: RowId,
    who: CurrentMember,
    session: SessionDep,
    q: Annotated[str, Query(max_length=60)] = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> ProductPage:
    """Mini-program: a shop's SKUs on sale online, at the one resolver's price now, with the units available."""
    items, total = service.products(session, who.store_id, shop_id, q=q, limit=limit, offset=offset)
    return ProductPage(items=items, total=total)


@router.get("/live/{code}", response_model=LiveRoom, responses={400: {}})
def live_room(
    code: Annotated[str, Path(min_length=1, max_length=32)], who: CurrentMember, session: SessionDep
) -> LiveRoom:
    """Mini-program: a live session opened from its link or QR, its products at the one resolver's live price;
    order them with `live_code` so the sale is stamped with the session."""
    return service.live_room(session, who.store_id, code)


@router.get("/cart", response_model=CartRead)
def get_cart(who: CurrentMember, session: SessionDep) -> CartRead:
    """Mini-program: my cart, priced now (prices are fixed when the order is placed)."""
    return service.cart(session, who.store_id, who.member_id)


@router.put("/cart/{sku}", response_model=CartRead, responses={404: {}})
def put_cart_item(sku: str, data: CartItemIn, who: CurrentMember, session: SessionDep) -> CartRead:
    """Mini-program: set how many units of a SKU are in my cart (0 takes it out)."""
    service.set_cart_item(session, who.store_id, who.member_id, sku, data.quantity)
    return service.cart(session, who.store_id, who.member_id)


@router.delete("/cart", response_model=CartRead)
def empty_cart(who: CurrentMember, session: SessionDep) -> CartRead:
    """Mini-program: empty my cart."""
    service.clear_cart(session, who.store_id, who.member_id)
    return service.cart(session, who.store_id, who.member_id)


@router.post("/orders", status_code=201, response_model=MallOrderRead, responses={400: {}, 404: {}, 409: {}})
def place_order(
    request: Request, data: MallOrderCreate, who: CurrentMember, session: SessionDep, key: IdempotencyKey = None
) -> JSONResponse:
    """Mini-program: order at one shop; its stock is reserved and its prices held for 30 minutes until paid."""

    def produce() -> Any:
        return order_read(session, service.place(session, who.store_id, who.member_id, data))

    return respond_once(session, request, who.label, key=key, payload=data, produce=produce)


@router.get("/orders", response_model=MallOrderPage)
def my_orders(
    who: CurrentMember, session: SessionDep, status: MallStatus | None = None, limit: Limit = 20, offset: Offset = 0
) -> MallOrderPage:
    """Mini-program: my online orders, newest first."""
    rows, total = service.list_orders(
        session, who.store_id, member_id=who.member_id, status=status, limit=limit, offset=offset
    )
    return MallOrderPage(items=[order_read(session, row) for row in rows], total=total)


@router.get("/orders/{order_id}", response_model=MallOrderRead, responses={404: {}})
def my_order(order_id: RowId, who: CurrentMember, session: SessionDep) -> MallOrderRead:
    """Mini-program: one of my orders, with its payment and delivery status."""
    return order_read(session, service.get(session, who.store_id, order_id, member_id=who.member_id))


@router.post("/orders/{order_id}/pay", response_model=MallOrderRead, responses={404: {}, 409: {}})
def pay_order(
    request: Request, order_id: RowId, data: PayIn, who: CurrentMember, session: SessionDep, key: IdempotencyKey = None
) -> JSONResponse:
    """Mini-program: pay through the payment plugin; `payment_pending` until the network answers."""

    def produce() -> Any:
        order = service.get(session, who.store_id, order_id, member_id=who.member_id)
        return order_read(session, service.pay(session, who.store_id, order, data.method))

    return respond_once(session, request, who.label, key=key, payload=data, produce=produce, status_code=200)


@router.post("/orders/{order_id}/cancel", response_model=MallOrderRead, responses={404: {}, 409: {}})
def cancel_order(order_id: RowId, who: CurrentMember, session: SessionDep) -> MallOrderRead:
    """Mini-program: cancel; unpaid: the stock is released; paid and not yet dispatched or collected: refunded."""
    order = service.get(session, who.store_id, order_id, member_id=who.member_id)
    return order_read(session, service.cancel(session, order))


@router.get("/shop-orders", response_model=MallOrderPage)
def shop_orders(
    caller: ShopStaff, session: SessionDep, status: MallStatus | None = None, limit: Limit = 50, offset: Offset = 0
) -> MallOrderPage:
    """Staff: the online orders (tenant staff: their shop's), newest first; addresses masked."""
    rows, total = service.list_orders(
        session, caller.store_id, viewer=caller, status=status, limit=limit, offset=offset
    )
    return MallOrderPage(items=[order_read(session, row, staff=True) for row in rows], total=total)


@router.post("/shop-orders/{order_id}/collected", response_model=MallOrderRead, responses={404: {}, 409: {}})
def collected(order_id: RowId, data: PickupIn, caller: ShopStaff, session: SessionDep) -> MallOrderRead:
    """Staff: the buyer picked up a paid pick-up order."""
    order = service.get(session, caller.store_id, order_id, viewer=caller)
    return order_read(session, service.collect(session, order, at=data.collected_at), staff=True)


@router.post("/shop-orders/{order_id}/refunds", response_model=MallOrderRead, responses={404: {}, 409: {}})
def refund_order(order_id: RowId, data: RefundIn, caller: Refunder, session: SessionDep) -> MallOrderRead:
    """Manager: refund part or all of a paid order to the method it was paid with."""
    order = service.get(session, caller.store_id, order_id, viewer=caller)
    return order_read(session, service.refund(session, order, data.amount_fen, reason=data.reason), staff=True)
