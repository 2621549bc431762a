"""Sales logic: record orders and refunds whose numbers add up, declared daily totals, and reads.

Every single write updates the KPI rollups incrementally (``kpi_service.apply_*``); the bulk path
(``bulk_insert_orders``, used by imports and the demo) does not: its caller runs ``store.sales.rollups.rebuild``.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, func, null, union_all, update
from sqlalchemy import column as sa_column
from sqlalchemy import select as sa_select
from sqlalchemy import table as sa_table
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store import driver_sql
from store.auth.models import DeviceKind
from store.clock import business_day, utcnow
from store.errors import InvalidInput
from store.kpi import service as kpi_service
from store.premises import service as premises_service
from store.sales import checks
from store.sales.bulk import bulk_insert_orders
from store.sales.errors import (
    MemberAlreadyNamed,
    OrderDoesNotAddUp,
    OrderNotFound,
    OrderNumberTaken,
    RefundExceedsPaid,
    RefundLinesInvalid,
    RefundMethodsInvalid,
    UnknownMember,
    WrongShop,
)
from store.sales.models import DailyTotal, Order, OrderLine, Payment, Refund, RefundLine, RefundPayment
from store.sales.schemas import (
    Channel,
    DailyTotalIn,
    OrderCreate,
    OrderRead,
    OrderSummary,
    RefundCreate,
    RefundRead,
    Source,
)
from store.scoping import Viewer, get_in_store

__all__ = ["bulk_insert_orders", "create_order", "create_order_for", "get_order", "list_orders", "refund"]

_DEVICE_SOURCE = {DeviceKind.pos_terminal: Source.own_till, DeviceKind.capture_box: Source.receipt_capture}
_CHANNEL_SOURCE = {Channel.online: Source.online_mall, Channel.live: Source.live_stream}


class Poster(Viewer, Protocol):
    """Who posts a sale: a staff user or a device (``auth.deps.Principal``); a till's kind sets the source."""

    @property
    def device(self) -> Any: ...


def default_source(channel: Channel, device_kind: DeviceKind | None = None) -> Source:
    """Where an order came from when the poster does not say: the device, else the channel."""
    if channel in _CHANNEL_SOURCE:
        return _CHANNEL_SOURCE[channel]
    if device_kind in _DEVICE_SOURCE:
        return _DEVICE_SOURCE[device_kind]  # type: ignore[index]
    return Source.own_till


def _order_no_taken(session: Session, store_id: int, order_no: str) -> bool:
    query = select(Order.id).where(Order.store_id == store_id, Order.order_no == order_no)
    return session.exec(query).first() is not None


def create_order(session: Session, store_id: int, data: OrderCreate, *, terminal_id: int | None = None) -> Order:
    """Record one order; nothing is written unless every number adds up and the shop trades that day."""
    errors = checks.order_errors(data, now=utcnow())
    if errors:
        raise OrderDoesNotAddUp(checks.summary(errors), errors=errors)
    store = premises_service.get_store(session, store_id)
    business_on = business_day(data.ordered_at, store.timezone)
    premises_service.ensure_shop_trading(session, store_id, data.shop_id, business_on)
    ensure_member(session, store_id, data.member_id)
    if _order_no_taken(session, store_id, data.order_no):
        raise OrderNumberTaken(f"order number {data.order_no!r} is already recorded in this store")
    order = Order(
        store_id=store_id,
        shop_id=data.shop_id,
        order_no=data.order_no,
        channel=data.channel,
        source=data.source or default_source(data.channel),
        member_id=data.member_id,
        terminal_id=terminal_id,
        ordered_at=data.ordered_at,
        business_on=business_on,
        subtotal_fen=data.subtotal_fen,
        discount_fen=data.discount_fen,
        total_fen=data.total_fen,
        price_book_version=data.price_book_version,
        till_seq=data.till_seq,
    )
    try:
        with session.begin_nested():  # a concurrent till with the same number loses cleanly
            session.add(order)
            session.flush()
    except IntegrityError:
        raise OrderNumberTaken(f"order number {data.order_no!r} is already recorded in this store") from None
    session.add_all(
        [
            OrderLine(order_id=order.id, line_no=n, **line.model_dump())  # type: ignore[arg-type]
            for n, line in enumerate(data.lines, start=1)
        ]
    )
    session.add_all(
        [
            Payment(order_id=order.id, method=p.method, amount_fen=p.amount_fen)  # type: ignore[arg-type]
            for p in data.payments
        ]
    )
    session.flush()
    kpi_service.apply_order(session, order)
    return order


def create_order_for(session: Session, poster: Poster, data: OrderCreate) -> Order:
    """``create_order`` on behalf of a caller: a shop-bound till posts only for its shop (C2 智能支付)."""
    if not poster.can_see_shop(data.shop_id):
        raise WrongShop(f"this device is bound to shop {poster.shop_id} and may not post for shop {data.shop_id}")
    device = poster.device
    kind = device.kind if device is not None else None
    if data.source is None:
        data = data.model_copy(update={"source": default_source(data.channel, kind)})
    return create_order(session, poster.store_id, data, terminal_id=device.id if device is not None else None)


def get_order(session: Session, store_id: int, order_id: int, *, viewer: Viewer | None = None) -> Order:
    """The order; another store's, or another shop's for a shop-bound viewer, reads as not found."""
    return get_in_store(
        session, Order, order_id, store_id=store_id, not_found=OrderNotFound, label="order", viewer=viewer
    )


def order_read(session: Session, order: Order) -> OrderRead:
    """The order with its lines, payments and refunds, as the API returns it."""
    lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id).order_by(col(OrderLine.line_no)))
    payments = session.exec(select(Payment).where(Payment.order_id == order.id).order_by(col(Payment.id)))
    refunds = list(session.exec(select(Refund).where(Refund.order_id == order.id).order_by(col(Refund.id))))
    fields = {name: getattr(order, name) for name in OrderSummary.model_fields}
    by_refund = refund_payments(session, [r.id for r in refunds if r.id is not None])
    reads = [refund_read(r, by_refund.get(r.id, [])) for r in refunds]  # type: ignore[arg-type]
    children = {"lines": list(lines), "payments": list(payments), "refunds": reads}
    return OrderRead.model_validate({**fields, **children})


def refund_payments(session: Session, refund_ids: list[int]) -> dict[int, list[RefundPayment]]:
    """The per-method rows of each refund among ``refund_ids`` (refunds that named no method have none)."""
    found: dict[int, list[RefundPayment]] = {}
    if refund_ids:
        rows = session.exec(
            select(RefundPayment).where(col(RefundPayment.refund_id).in_(refund_ids)).order_by(col(RefundPayment.id))
        )
        for row in rows:
            found.setdefault(row.refund_id, []).append(row)
    return found


def refund_read(refund: Refund, payments: list[RefundPayment]) -> RefundRead:
    fields = {name: getattr(refund, name) for name in RefundRead.model_fields if name != "payments"}
    methods = [{"method": p.method, "amount_fen": p.amount_fen} for p in payments]
    return RefundRead.model_validate({**fields, "payments": methods})


def list_orders(
    session: Session,
    viewer: Viewer,
    *,
    shop_id: int | None = None,
    day: date | None = None,
    channel: Channel | None = None,
    member_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Order], int]:
    """One page of the orders ``viewer`` may see (newest first), and how many match in all."""
    query = select(Order).where(Order.store_id == viewer.store_id)
    if viewer.shop_id is not None:  # tenant staff and shop-bound devices: their own shop only
        query = query.where(Order.shop_id == viewer.shop_id)
    if shop_id is not None:
        query = query.where(Order.shop_id == shop_id)
    if day is not None:
        query = query.where(Order.business_on == day)
    if channel is not None:
        query = query.where(Order.channel == channel)
    if member_id is not None:
        query = query.where(Order.member_id == member_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = query.order_by(col(Order.ordered_at).desc(), col(Order.id).desc()).limit(limit).offset(offset)
    return list(session.exec(page)), total


def refund(
    session: Session, store_id: int, order_id: int, data: RefundCreate, *, viewer: Viewer | None = None
) -> Refund:
    """Give money back on an order, partly or wholly; never more than paid minus already refunded."""
    order = get_order(session, store_id, order_id, viewer=viewer)
    now = utcnow()
    refunded_at = data.refunded_at or now
    errors = []
    if data.amount_fen <= 0:
        errors.append({"loc": ["amount_fen"], "msg": f"must be positive, got {data.amount_fen}"})
    if refunded_at < order.ordered_at:
        errors.append({"loc": ["refunded_at"], "msg": "a refund cannot precede its order"})
    if refunded_at > now + checks.CLOCK_SKEW:
        errors.append({"loc": ["refunded_at"], "msg": f"{refunded_at.isoformat()} is in the future"})
    if errors:
        raise InvalidInput(checks.summary(errors), errors=errors)
    _check_refund_lines(session, order, data)
    _check_refund_methods(session, order, data)
    # One conditional UPDATE, so two tills refunding at once can never overspend the order.
    grown = session.execute(
        update(Order)
        .where(col(Order.id) == order.id, col(Order.refunded_fen) + data.amount_fen <= col(Order.total_fen))
        .values(refunded_fen=col(Order.refunded_fen) + data.amount_fen)
        .execution_options(synchronize_session=False)
    )
    session.refresh(order)
    if grown.rowcount != 1:  # type: ignore[attr-defined]
        left = order.total_fen - order.refunded_fen
        raise RefundExceedsPaid(
            f"refund of {data.amount_fen} fen exceeds what is left to refund on order {order.order_no}: "
            f"paid {order.total_fen} fen, already refunded {order.refunded_fen} fen, refundable {left} fen"
        )
    store = premises_service.get_store(session, store_id)
    row = Refund(
        store_id=store_id,
        order_id=order.id,  # type: ignore[arg-type]
        amount_fen=data.amount_fen,
        reason=data.reason,
        refunded_at=refunded_at,
        business_on=business_day(refunded_at, store.timezone),
    )
    session.add(row)
    session.flush()
    session.add_all(RefundLine(refund_id=row.id, line_no=x.line_no, quantity=x.quantity) for x in data.lines)  # type: ignore[arg-type]
    session.add_all(RefundPayment(refund_id=row.id, method=p.method, amount_fen=p.amount_fen) for p in data.payments)  # type: ignore[arg-type]
    kpi_service.apply_refund(session, order, row)
    return row


def _check_refund_methods(session: Session, order: Order, data: RefundCreate) -> None:
    """A refund's methods: each once, each one the order was paid with, adding up to the amount, and never more
    back to a method than it paid minus its earlier refunds (two refunds at once: the order row's UPDATE that
    follows serialises them on the total; per method this check reads the committed refunds)."""
    if not data.payments:
        return
    errors: list[dict[str, Any]] = []
    methods = [p.method for p in data.payments]
    if len(set(methods)) != len(methods):
        errors.append({"loc": ["payments"], "msg": "each method at most once"})
    if sum(p.amount_fen for p in data.payments) != data.amount_fen:
        errors.append({"loc": ["payments"], "msg": f"the methods' amounts must add up to {data.amount_fen}"})
    paid: dict[str, int] = {}
    for method, amount in session.execute(
        select(Payment.method, Payment.amount_fen).where(Payment.order_id == order.id)  # type: ignore[call-overload]
    ):
        paid[str(method)] = paid.get(str(method), 0) + int(amount)
    back: dict[str, int] = {}
    for method, amount in session.execute(
        select(RefundPayment.method, RefundPayment.amount_fen)  # type: ignore[call-overload]
        .join(Refund, col(Refund.id) == col(RefundPayment.refund_id))
        .where(Refund.order_id == order.id)
    ):
        back[str(method)] = back.get(str(method), 0) + int(amount)
    for n, p in enumerate(data.payments):
        method = p.method.value
        if p.amount_fen <= 0:
            errors.append({"loc": ["payments", n, "amount_fen"], "msg": "must be positive"})
        elif method not in paid:
            errors.append({"loc": ["payments", n, "method"], "msg": f"the order was not paid with {method}"})
        elif p.amount_fen > paid[method] - back.get(method, 0):
            left = paid[method] - back.get(method, 0)
            msg = f"at most {left} fen left to refund to {method}"
            errors.append({"loc": ["payments", n, "amount_fen"], "msg": msg})
    if errors:
        raise RefundMethodsInvalid(checks.summary(errors), errors=errors)


def _check_refund_lines(session: Session, order: Order, data: RefundCreate) -> None:
    """The lines a refund names exist on the order, once each, and no more of a line goes back than was sold.
    Two refunds naming the same line at once are serialised by the order row's refund UPDATE that follows."""
    if not data.lines:
        return
    sold = dict(
        session.execute(
            select(OrderLine.line_no, OrderLine.quantity).where(OrderLine.order_id == order.id)  # type: ignore[call-overload]
        ).all()
    )
    back: dict[int, int] = dict(
        session.execute(
            select(RefundLine.line_no, func.sum(RefundLine.quantity))  # type: ignore[call-overload]
            .join(Refund, col(Refund.id) == col(RefundLine.refund_id))
            .where(Refund.order_id == order.id)
            .group_by(col(RefundLine.line_no))
        ).all()
    )
    errors = []
    seen: set[int] = set()
    for n, line in enumerate(data.lines):
        if line.line_no in seen:
            errors.append({"loc": ["lines", n, "line_no"], "msg": f"line {line.line_no} is named twice"})
        seen.add(line.line_no)
        if line.line_no not in sold:
            errors.append({"loc": ["lines", n, "line_no"], "msg": f"order {order.order_no} has no line {line.line_no}"})
        elif back.get(line.line_no, 0) + line.quantity > sold[line.line_no]:
            left = sold[line.line_no] - back.get(line.line_no, 0)
            errors.append({"loc": ["lines", n, "quantity"], "msg": f"{left} of line {line.line_no} left to refund"})
    if errors:
        raise RefundLinesInvalid(checks.summary(errors), errors=errors)


def record_daily_total(session: Session, store_id: int, data: DailyTotalIn) -> DailyTotal:
    """Upsert a shop's declared or imported total for one day, channel and source."""
    errors = [
        {"loc": [name], "msg": f"must not be negative, got {getattr(data, name)}"}
        for name in ("revenue_fen", "orders", "refunds_fen")
        if getattr(data, name) < 0
    ]
    store = premises_service.get_store(session, store_id)
    if data.business_on > business_day(utcnow(), store.timezone):
        errors.append({"loc": ["business_on"], "msg": f"{data.business_on} is in the future"})
    if errors:
        raise InvalidInput(checks.summary(errors), errors=errors)
    premises_service.ensure_shop_trading(session, store_id, data.shop_id, data.business_on)
    row = session.exec(
        select(DailyTotal).where(
            DailyTotal.store_id == store_id,
            DailyTotal.shop_id == data.shop_id,
            DailyTotal.business_on == data.business_on,
            DailyTotal.channel == data.channel,
            DailyTotal.source == data.source,
        )
    ).first()
    # A detached copy of the old values: the KPI rollup subtracts them and adds the new ones.
    before = DailyTotal(**{name: getattr(row, name) for name in DailyTotal.model_fields}) if row else None
    if row is None:
        row = DailyTotal(store_id=store_id, **data.model_dump())
        session.add(row)
    else:
        row.revenue_fen, row.orders, row.refunds_fen = data.revenue_fen, data.orders, data.refunds_fen
        row.updated_at = utcnow()
    session.flush()
    kpi_service.apply_daily_total(session, before, row)
    return row


# The member table, named without importing the members domain (members reads sales, not the reverse).
_MEMBER = sa_table("member", sa_column("id"), sa_column("store_id"))


def attach_member(session: Session, store_id: int, order_no: str, member_id: int) -> Order:
    """Name the member on a sale posted without one (an offline till's sale whose member code the members
    domain checked at sync); the same member again changes nothing, another member is a conflict."""
    order = session.exec(
        select(Order).where(Order.store_id == store_id, Order.order_no == order_no).with_for_update()
    ).first()
    if order is None:
        raise OrderNotFound(f"no order {order_no} in this store: post the sale before its member code")
    if order.member_id == member_id:
        return order
    if order.member_id is not None:
        raise MemberAlreadyNamed(f"order {order_no} names another member already")
    ensure_member(session, store_id, member_id)
    order.member_id = member_id
    session.add(order)
    session.flush()
    kpi_service.apply_member_attached(session, order)
    return order


_SKU = sa_table("catalog_sku", sa_column("store_id"), sa_column("shop_id"), sa_column("code"))


# Distinct SKU codes up to which the check is one prebuilt statement on the driver (a till's sale names a few);
# a larger backlog goes through Core's expanding IN.
_PREBUILT_CODES = 32


@functools.lru_cache(maxsize=_PREBUILT_CODES)
def _catalogue_probe(count: int) -> Any:
    """One statement for ``count`` codes: the (code, shop) rows found, then one row (NULL, NULL) if the store
    has any SKU at all (the ``EXISTS`` probe stops at the first index entry)."""
    store: Any = bindparam("store_id")
    codes: list[Any] = [bindparam(f"code{n}") for n in range(count)]
    found = sa_select(_SKU.c.code, _SKU.c.shop_id).where(_SKU.c.store_id == store, _SKU.c.code.in_(codes))
    any_sku = sa_select(_SKU.c.code).where(_SKU.c.store_id == store).exists()
    return union_all(found, sa_select(null(), null()).where(any_sku))


def catalogue_shops(
    session: Session, store_id: int, codes: set[str], *, conn: Connection | None = None
) -> tuple[dict[str, int], bool]:
    """(the shop of each of ``codes`` in the store's catalogue, whether the store has a catalogue at all).

    The tills' SKU check (``ingest``); read as a table name, since store.catalog imports this domain. One
    statement for a till's few codes (on the driver, ``conn``: the session's connection when the caller holds
    it); for many, Core, with the second query only when some code is missing: a store that never loaded a
    catalogue checks nothing."""
    if 0 < len(codes) <= _PREBUILT_CODES:
        params: dict[str, Any] = {"store_id": store_id}
        params.update((f"code{n}", code) for n, code in enumerate(sorted(codes)))
        rows = driver_sql.fetch(conn or session.connection(), _catalogue_probe(len(codes)), params)
        found = {str(code): int(shop) for code, shop in rows if code is not None}
        return found, len(rows) > len(found) or bool(found)
    found = {}
    if codes:
        query = select(_SKU.c.code, _SKU.c.shop_id).where(_SKU.c.store_id == store_id, _SKU.c.code.in_(sorted(codes)))
        found = {str(code): int(shop) for code, shop in session.execute(query)}
    if len(found) == len(codes):
        return found, True
    any_sku = session.execute(select(_SKU.c.code).where(_SKU.c.store_id == store_id).limit(1)).first()
    return found, any_sku is not None


def ensure_member(session: Session, store_id: int, member_id: int | None) -> None:
    """Refuse a sale naming a member id that is not a member of this store (the key would refuse it too,
    with a 500 instead of a worded 400)."""
    if member_id is None:
        return
    found = session.execute(
        select(_MEMBER.c.id).where(_MEMBER.c.id == member_id, _MEMBER.c.store_id == store_id)
    ).first()
    if found is None:
        raise UnknownMember(
            f"member {member_id} is not a member of this store",
            errors=[{"loc": ["member_id"], "msg": f"no member {member_id} in this store"}],
        )


def till_sequences(session: Session, terminal_id: int, *, after: int, limit: int = 10_000) -> list[int]:
    """The till sequence numbers stored for ``terminal_id`` above ``after``, ascending (store.pos's gap scan)."""
    query = (
        select(Order.till_seq)
        .where(Order.terminal_id == terminal_id, col(Order.till_seq) > after)
        .order_by(col(Order.till_seq))
        .limit(limit)
    )
    return [int(seq) for seq in session.exec(query) if seq is not None]


def highest_till_seq(session: Session, terminal_id: int) -> int:
    """The highest till sequence number stored for ``terminal_id`` (0: none)."""
    found = session.exec(select(func.max(Order.till_seq)).where(Order.terminal_id == terminal_id)).one()
    return int(found or 0)


def member_spend_on(session: Session, store_id: int, member_id: int, day: date) -> int:
    """A member's net spend (paid minus refunded, fen) on one business day: parking's spend-based discount."""
    query = select(func.coalesce(func.sum(col(Order.total_fen) - col(Order.refunded_fen)), 0)).where(
        col(Order.store_id) == store_id, col(Order.member_id) == member_id, col(Order.business_on) == day
    )
    return int(session.exec(query).one())
