"""Online orders through the mini-program: browse, cart, order, pay, pick up or have it delivered, cancel, refund.

Rules (what a buyer or a manager notices):

- Prices come from the catalogue's one resolver (``catalog_service.resolve``): the online book, or the live book
  when the order came with a live session's link, QR or coupon code (a SKU the live book does not list sells at
  its online price). The price of an order is fixed when it is placed and holds until ``HOLD`` has passed.
- Placing an order reserves each line's units at the shop (``store.catalog.stock.reserve``); a SKU out of stock,
  of another shop, not on sale, or a shop that does not trade today refuses the whole order and holds nothing.
- Paying goes through the payment plugin (``payments_service.start``, purpose ``online``, the order number as the
  reference). Declined: the order waits for another attempt. Unknown: the order is ``payment_pending`` until the
  network answers (the worker's :func:`settle_pending` asks every few minutes). Paid: the reservations are
  committed, the sale is recorded in ``store.sales`` (channel online, or live with the session stamped by
  ``live_service.create_attributed_order``; the member's id on it, for S4 and S5) and a delivery is created with
  the promise quoted at placement (``store.delivery``).
- Cancelling before payment releases the stock; after payment (not yet dispatched or collected) it refunds the
  whole amount to the original method and returns the units. An unpaid order past its hold is cancelled by the
  worker (:func:`expire_unpaid`). Refunds (staff) go back to the payment's own method.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.catalog import service as catalog_service
from store.catalog import stock
from store.catalog.errors import SkuNotFound
from store.catalog.models import Sku
from store.catalog.schemas import PriceChannel
from store.clock import business_day, utcnow
from store.delivery import promise as promises
from store.delivery import service as delivery_service
from store.delivery.errors import DeliveryNotFound
from store.delivery.schemas import DeliveryLevel, DeliveryStatus
from store.errors import StoreError
from store.live import service as live_service
from store.mall.errors import (
    AddressMissing,
    MallOrderNotFound,
    NotCancellable,
    NotRefundable,
    OrderNotPayable,
    PaymentInProgress,
    SkuNotInShop,
)
from store.mall.models import MallCartItem, MallOrder, MallOrderLine
from store.mall.schemas import (
    CartLine,
    CartRead,
    Fulfilment,
    LiveRoom,
    LiveRoomItem,
    MallOrderCreate,
    MallStatus,
    OnlineMethod,
    ProductRead,
)
from store.payments import service as payments_service
from store.payments.errors import AlreadyPaid
from store.payments.models import PaymentOrder
from store.payments.network import PaymentNetwork
from store.payments.schemas import PaymentStatus, RefundStatus
from store.premises import service as premises_service
from store.premises.models import Shop
from store.sales import service as sales_service
from store.sales.models import Order
from store.sales.schemas import Channel, OrderCreate, OrderLineIn, PaymentIn, PaymentMethod, RefundCreate
from store.scoping import Viewer, get_in_store

HOLD = timedelta(minutes=30)  # an unpaid order keeps its stock and its prices this long
PURPOSE = "online"  # the payments' purpose of mall orders
UNFULFILLED = "order could not be recorded"


# --- browsing and the cart ----------------------------------------------------------------------------------


def open_shops(session: Session, store_id: int, *, now: datetime | None = None) -> list[Shop]:
    """Shops trading today (the store's business day)."""
    tz = premises_service.get_store(session, store_id).timezone
    return premises_service.list_shops(session, store_id, open_on=business_day(now or utcnow(), tz))


def products(
    session: Session, store_id: int, shop_id: int, *, q: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[ProductRead], int]:
    """A shop's SKUs on sale online now, with the resolver's price and the units available."""
    premises_service.get_shop(session, store_id, shop_id)
    rows, total = catalog_service.list_skus(session, store_id, q=q, shop_id=shop_id, limit=limit, offset=offset)
    items = []
    for row in rows:
        if row.online_fen is None:
            continue
        on_hand, reserved = stock.level(session, shop_id, row.id)
        items.append(
            ProductRead(
                sku=row.code,
                name=row.name,
                brand=row.brand,
                category=row.category,
                spec=row.spec,
                price_fen=row.online_fen,
                available=max(on_hand - reserved, 0),
            )
        )
    return items, total


def set_cart_item(session: Session, store_id: int, member_id: int, sku_code: str, quantity: int) -> None:
    """Put ``quantity`` units of a SKU in the member's cart (0 takes it out); the SKU must be on sale online."""
    sku = catalog_service.get_sku_by_code(session, store_id, sku_code)
    found = session.exec(
        select(MallCartItem).where(MallCartItem.member_id == member_id, MallCartItem.sku_id == sku.id)
    ).first()
    if quantity <= 0:
        if found is not None:
            session.delete(found)
            session.flush()
        return
    catalog_service.resolve(session, store_id, sku, PriceChannel.online, utcnow())  # 404 when not on sale
    row = found or MallCartItem(store_id=store_id, member_id=member_id, sku_id=sku.id, quantity=quantity)  # type: ignore[arg-type]
    row.quantity, row.updated_at = quantity, utcnow()
    session.add(row)
    session.flush()


def cart(session: Session, store_id: int, member_id: int) -> CartRead:
    """The member's cart, priced now by the resolver (prices are fixed only when an order is placed)."""
    rows = session.exec(
        select(MallCartItem, Sku)
        .join(Sku, col(Sku.id) == col(MallCartItem.sku_id))
        .where(MallCartItem.member_id == member_id, MallCartItem.store_id == store_id)
        .order_by(col(MallCartItem.id))
    ).all()
    now, lines, total = utcnow(), [], 0
    for item, sku in rows:
        try:
            price: int | None = catalog_service.resolve(session, store_id, sku, PriceChannel.online, now).price_fen
        except SkuNotFound:
            price = None
        on_hand, reserved = stock.level(session, sku.shop_id, sku.id)  # type: ignore[arg-type]
        name = catalog_service.get_product(session, sku).name
        lines.append(
            CartLine(
                sku=sku.code,
                shop_id=sku.shop_id,
                name=name,
                quantity=item.quantity,
                price_fen=price,
                available=max(on_hand - reserved, 0),
            )
        )
        total += (price or 0) * item.quantity
    return CartRead(items=lines, total_fen=total)


def clear_cart(session: Session, store_id: int, member_id: int, *, sku_ids: Sequence[int] | None = None) -> None:
    query = select(MallCartItem).where(MallCartItem.member_id == member_id, MallCartItem.store_id == store_id)
    if sku_ids is not None:
        query = query.where(col(MallCartItem.sku_id).in_(list(sku_ids)))
    for row in session.exec(query):
        session.delete(row)
    session.flush()


# --- placing an order ---------------------------------------------------------------------------------------


def _order_no(now: datetime) -> str:
    return f"M{now:%Y%m%d%H%M%S}{secrets.token_hex(3).upper()}"


LIVE_BOOKS = (PriceChannel.live, PriceChannel.online)  # a SKU the live book does not list: its online price


def _price(session: Session, store_id: int, sku: Sku, channel: PriceChannel, at: datetime) -> int:
    books = LIVE_BOOKS if channel == PriceChannel.live else (PriceChannel.online,)
    return catalog_service.resolve_first(session, store_id, sku, books, at)[1].price_fen


def live_room(session: Session, store_id: int, code: str, *, now: datetime | None = None) -> LiveRoom:
    """A live session as its link or QR opens it: the products shown, at the resolver's live price now."""
    now = now or utcnow()
    live = live_service.resolve_code(session, store_id, code, now)
    items = []
    for product in live_service.products(session, live.id):  # type: ignore[arg-type]
        try:
            sku = catalog_service.get_sku_by_code(session, store_id, product.sku)
            price = _price(session, store_id, sku, PriceChannel.live, now)
        except SkuNotFound:
            continue  # no longer in the catalogue or on sale: not offered
        on_hand, reserved = stock.level(session, sku.shop_id, sku.id)  # type: ignore[arg-type]
        product_row = catalog_service.get_product(session, sku)
        items.append(
            LiveRoomItem(
                sku=sku.code,
                shop_id=sku.shop_id,
                name=product_row.name,
                brand=product_row.brand,
                price_fen=price,
                available=max(on_hand - reserved, 0),
            )
        )
    return LiveRoom(
        code=live.code,
        title=live.title,
        platform=str(live.platform),
        kind=str(live.kind),
        host=live.host,
        starts_at=live.starts_at,
        ends_at=live.ends_at,
        items=items,
    )


def place(
    session: Session, store_id: int, member_id: int, data: MallOrderCreate, *, now: datetime | None = None
) -> MallOrder:
    """Reserve the lines' stock at their price now; the order waits for payment until ``HOLD`` has passed."""
    now = now or utcnow()
    if data.fulfilment == Fulfilment.delivery and not data.address.strip():
        raise AddressMissing("a delivery needs an address", errors=[{"loc": ["body", "address"], "msg": "required"}])
    tz = premises_service.get_store(session, store_id).timezone
    premises_service.ensure_shop_trading(session, store_id, data.shop_id, business_day(now, tz))
    live = live_service.resolve_code(session, store_id, data.live_code, now) if data.live_code else None
    channel = PriceChannel.live if live is not None else PriceChannel.online
    quantities: dict[str, int] = {}
    for line in data.lines:
        if line.quantity <= 0:
            raise SkuNotInShop(f"quantity of {line.sku!r} must be 1 or more, not {line.quantity}")
        quantities[line.sku] = quantities.get(line.sku, 0) + line.quantity
    level = promised_by = None
    if data.fulfilment == Fulfilment.delivery:
        requested = DeliveryLevel.next_day if data.next_day else None
        quote = promises.make(now, tz, delivery_service.cutoff(session, store_id), requested)
        level, promised_by = quote.level.value, quote.promised_by
    with session.begin_nested():  # a refused line undoes the reservations made before it
        order = MallOrder(
            store_id=store_id,
            member_id=member_id,
            shop_id=data.shop_id,
            order_no=_order_no(now),
            channel=Channel.live.value if live is not None else Channel.online.value,
            fulfilment=data.fulfilment,
            address=data.address.strip() if data.fulfilment == Fulfilment.delivery else "",
            delivery_level=level,
            promised_by=promised_by,
            live_code=data.live_code.strip() if data.live_code else None,
            live_session_id=live.id if live is not None else None,
            total_fen=0,
            price_book_version=catalog_service.version_at(session, store_id, now) or None,
            placed_at=now,
            expires_at=now + HOLD,
        )
        session.add(order)
        session.flush()
        total = 0
        for code, quantity in quantities.items():
            sku = catalog_service.get_sku_by_code(session, store_id, code)
            if sku.shop_id != data.shop_id or not sku.active:
                raise SkuNotInShop(f"SKU {code!r} is not sold online by shop {data.shop_id}")
            unit = _price(session, store_id, sku, channel, now)
            reservation = stock.reserve(session, store_id, data.shop_id, sku.id, quantity, ref=order.order_no)  # type: ignore[arg-type]
            name = catalog_service.get_product(session, sku).name
            session.add(
                MallOrderLine(
                    mall_order_id=order.id,  # type: ignore[arg-type]
                    sku_id=sku.id,  # type: ignore[arg-type]
                    sku=sku.code,
                    name=name,
                    quantity=quantity,
                    unit_price_fen=unit,
                    total_fen=unit * quantity,
                    reservation_id=reservation,
                )
            )
            total += unit * quantity
        order.total_fen = total
        session.add(order)
        session.flush()
    sku_ids = [line.sku_id for line in lines_of(session, order)]
    clear_cart(session, store_id, member_id, sku_ids=sku_ids)
    return order


def lines_of(session: Session, order: MallOrder) -> list[MallOrderLine]:
    query = select(MallOrderLine).where(MallOrderLine.mall_order_id == order.id).order_by(col(MallOrderLine.id))
    return list(session.exec(query))


def get(
    session: Session, store_id: int, order_id: int, *, member_id: int | None = None, viewer: Viewer | None = None
) -> MallOrder:
    """The order; a member sees only their own, tenant staff only their shop's."""
    order = get_in_store(
        session, MallOrder, order_id, store_id=store_id, not_found=MallOrderNotFound, label="order", viewer=viewer
    )
    if member_id is not None and order.member_id != member_id:
        raise MallOrderNotFound(f"no order {order_id} of this member")
    return order


def list_orders(
    session: Session,
    store_id: int,
    *,
    member_id: int | None = None,
    viewer: Viewer | None = None,
    status: MallStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MallOrder], int]:
    query = select(MallOrder).where(MallOrder.store_id == store_id)
    if member_id is not None:
        query = query.where(MallOrder.member_id == member_id)
    if viewer is not None and viewer.shop_id is not None:
        query = query.where(MallOrder.shop_id == viewer.shop_id)
    if status is not None:
        query = query.where(MallOrder.status == status)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = query.order_by(col(MallOrder.placed_at).desc(), col(MallOrder.id).desc()).limit(limit).offset(offset)
    return list(session.exec(page)), total


# --- paying -------------------------------------------------------------------------------------------------


def pay(
    session: Session,
    store_id: int,
    order: MallOrder,
    method: OnlineMethod,
    *,
    now: datetime | None = None,
    network: PaymentNetwork | None = None,
) -> MallOrder:
    """A payment attempt through the plugin: paid, declined (try again) or pending (the network will say)."""
    now = now or utcnow()
    if order.status == MallStatus.payment_pending:
        settle(session, order, network=network)
    if order.status != MallStatus.awaiting_payment:
        raise OrderNotPayable(f"order {order.order_no} is {order.status}: nothing to pay")
    if now >= order.expires_at:  # the worker's expire_unpaid gives its stock back
        raise OrderNotPayable(f"order {order.order_no} was not paid by {order.expires_at.isoformat()}: order again")
    try:
        payment = payments_service.start(
            session,
            store_id,
            purpose=PURPOSE,
            reference=order.order_no,
            amount_fen=order.total_fen,
            method=method.value,
            description=f"order {order.order_no}",
            network=network,
        )
    except AlreadyPaid:  # an earlier attempt turned out paid when it was asked again
        paid = [p for p in _attempts(session, order) if p.status == PaymentStatus.paid]
        payment = paid[0]
    order.payment_id, order.payment_method = payment.id, payment.method
    _after_payment(session, order, payment, now=now)
    return order


def _attempts(session: Session, order: MallOrder) -> list[PaymentOrder]:
    return payments_service.attempts(session, order.store_id, PURPOSE, order.order_no)


def _after_payment(session: Session, order: MallOrder, payment: PaymentOrder, *, now: datetime) -> None:
    if payment.status == PaymentStatus.paid:
        try:
            with session.begin_nested():
                _fulfil(session, order, payment, now=now)
        except StoreError as exc:  # the money was taken but the sale cannot be recorded: give it back at once
            payments_service.refund(session, order.store_id, payment.id, payment.amount_fen, reason=UNFULFILLED)  # type: ignore[arg-type]
            cancel_unpaid(session, order, reason=f"{UNFULFILLED}: {exc.message}", now=now)
    elif payment.status == PaymentStatus.pending:
        order.status = MallStatus.payment_pending
    else:
        order.status = MallStatus.awaiting_payment
    session.add(order)
    session.flush()


def _fulfil(session: Session, order: MallOrder, payment: PaymentOrder, *, now: datetime) -> None:
    """Paid: take the stock, record the sale (with its live session), book the delivery with the quoted promise."""
    lines = lines_of(session, order)
    for line in lines:
        stock.commit(session, order.store_id, line.reservation_id)
    data = OrderCreate(
        order_no=order.order_no,
        shop_id=order.shop_id,
        channel=Channel(order.channel),
        member_id=order.member_id,
        ordered_at=order.placed_at,
        subtotal_fen=order.total_fen,
        total_fen=order.total_fen,
        lines=[
            OrderLineIn(
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price_fen=line.unit_price_fen,
                total_fen=line.total_fen,
            )
            for line in lines
        ],
        payments=[PaymentIn(method=PaymentMethod(payment.method), amount_fen=order.total_fen)],
        price_book_version=order.price_book_version,
    )
    sale = live_service.create_attributed_order(session, order.store_id, data, code=order.live_code)
    order.sales_order_id, order.status, order.paid_at = sale.id, MallStatus.paid, payment.resolved_at or now
    if order.fulfilment == Fulfilment.delivery and order.delivery_level is not None:
        delivery_service.create(
            session,
            order.store_id,
            sale.id,  # type: ignore[arg-type]
            level=DeliveryLevel(order.delivery_level),
            placed_at=order.placed_at,
        )


def settle(session: Session, order: MallOrder, *, network: PaymentNetwork | None = None) -> MallOrder:
    """Ask the network about a pending payment and move the order on with its answer."""
    if order.status != MallStatus.payment_pending or order.payment_id is None:
        return order
    payment = payments_service.resolve(session, order.store_id, order.payment_id, network=network)
    _after_payment(session, order, payment, now=utcnow())
    return order


def settle_pending(session: Session, *, network: PaymentNetwork | None = None) -> int:
    """The worker's job: every order waiting on the network's answer; how many were settled."""
    settled = 0
    for order in list(session.exec(select(MallOrder).where(MallOrder.status == MallStatus.payment_pending))):
        settle(session, order, network=network)
        settled += order.status != MallStatus.payment_pending
    return settled


# --- cancelling, collecting, refunding ----------------------------------------------------------------------


def cancel_unpaid(session: Session, order: MallOrder, *, reason: str, now: datetime | None = None) -> MallOrder:
    for line in lines_of(session, order):
        stock.release(session, order.store_id, line.reservation_id)
    order.status, order.cancelled_at, order.cancel_reason = MallStatus.cancelled, now or utcnow(), reason[:200]
    session.add(order)
    session.flush()
    return order


def expire_unpaid(session: Session, *, now: datetime | None = None) -> int:
    """The worker's job: orders not paid within their hold give their stock back."""
    now = now or utcnow()
    query = select(MallOrder).where(MallOrder.status == MallStatus.awaiting_payment, MallOrder.expires_at <= now)
    expired = list(session.exec(query))
    for order in expired:
        cancel_unpaid(session, order, reason="not paid in time", now=now)
    return len(expired)


def _delivery_status(session: Session, order: MallOrder) -> DeliveryStatus | None:
    if order.fulfilment != Fulfilment.delivery or order.sales_order_id is None:
        return None
    try:
        return delivery_service.by_order_no(session, order.store_id, order.order_no).status
    except DeliveryNotFound:
        return None


def cancel(
    session: Session, order: MallOrder, *, reason: str = "cancelled by the buyer", network: PaymentNetwork | None = None
) -> MallOrder:
    """Cancel: unpaid → stock released; paid, not yet dispatched or collected → full refund and stock returned."""
    if order.status == MallStatus.cancelled:
        return order
    if order.status == MallStatus.payment_pending:
        settle(session, order, network=network)
        if order.status == MallStatus.payment_pending:
            raise PaymentInProgress(
                f"the payment of order {order.order_no} is being confirmed: cancel again in a few minutes"
            )
    if order.status == MallStatus.awaiting_payment:
        return cancel_unpaid(session, order, reason=reason)
    if order.status == MallStatus.collected:
        raise NotCancellable(f"order {order.order_no} was collected: ask the shop for a refund")
    delivery = _delivery_status(session, order)
    if delivery not in (None, DeliveryStatus.placed):
        raise NotCancellable(f"order {order.order_no} is {delivery}: ask the shop for a refund")
    if order.refunded_fen:
        raise NotCancellable(f"order {order.order_no} was partly refunded: ask the shop for the rest")
    _refund(session, order, order.total_fen, reason=reason, network=network)
    for line in lines_of(session, order):
        stock.restock(session, order.store_id, order.shop_id, line.sku_id, line.quantity)
    if delivery is not None:
        row = delivery_service.by_order_no(session, order.store_id, order.order_no)
        delivery_service.cancel(session, order.store_id, row.id)  # type: ignore[arg-type]
    order.status, order.cancelled_at, order.cancel_reason = MallStatus.cancelled, utcnow(), reason[:200]
    session.add(order)
    session.flush()
    return order


def refund(
    session: Session, order: MallOrder, amount_fen: int, *, reason: str = "", network: PaymentNetwork | None = None
) -> MallOrder:
    """Give part or all of a paid order back, to the method it was paid with (goods returned to the shop)."""
    if order.status not in (MallStatus.paid, MallStatus.collected):
        raise NotRefundable(f"order {order.order_no} is {order.status}: nothing was paid")
    _refund(session, order, amount_fen, reason=reason, network=network)
    session.add(order)
    session.flush()
    return order


def _refund(
    session: Session, order: MallOrder, amount_fen: int, *, reason: str, network: PaymentNetwork | None
) -> None:
    left = order.total_fen - order.refunded_fen
    if amount_fen <= 0 or amount_fen > left:
        raise NotRefundable(f"a refund of order {order.order_no} is 1 to {left} fen, not {amount_fen}")
    assert order.payment_id is not None and order.sales_order_id is not None
    back = payments_service.refund(
        session, order.store_id, order.payment_id, amount_fen, reason=reason, network=network
    )
    if back.status == RefundStatus.failed:
        raise NotRefundable(f"the payment network refused the refund of order {order.order_no}: {back.reason}")
    sales_service.refund(
        session, order.store_id, order.sales_order_id, RefundCreate(amount_fen=amount_fen, reason=reason)
    )
    order.refunded_fen += amount_fen


def collect(session: Session, order: MallOrder, *, at: datetime | None = None) -> MallOrder:
    """The buyer picked the order up at the shop."""
    if order.fulfilment != Fulfilment.pickup or order.status not in (MallStatus.paid, MallStatus.collected):
        raise NotCancellable(f"order {order.order_no} is not a paid pick-up order")
    if order.status == MallStatus.paid:
        order.status, order.collected_at = MallStatus.collected, at or utcnow()
        session.add(order)
        session.flush()
    return order


def sales_order(session: Session, order: MallOrder) -> Order | None:
    if order.sales_order_id is None:
        return None
    return sales_service.get_order(session, order.store_id, order.sales_order_id)


def payment_of(session: Session, order: MallOrder) -> PaymentOrder | None:
    return payments_service.get(session, order.store_id, order.payment_id) if order.payment_id else None


def delivery_status(session: Session, order: MallOrder) -> DeliveryStatus | None:
    return _delivery_status(session, order)
