"""Many orders at once (imports): the same rules as ``create_order``, written with core inserts.

The bulk path does not touch the KPI rollups row by row: its caller runs ``store.sales.rollups.rebuild`` for
the days it wrote (they are in the orders it passed).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from store.clock import business_day, utcnow
from store.errors import StoreError
from store.premises import service as premises_service
from store.premises.models import Shop
from store.sales import checks
from store.sales.errors import OrderDoesNotAddUp, OrderNumberTaken
from store.sales.models import Order, OrderLine, Payment
from store.sales.schemas import OrderCreate, Source

CHUNK = 2000
MAX_REPORTED = 50  # a file with a million bad rows should not produce a million-line message


def _chunks(items: Iterable[OrderCreate], size: int) -> Iterator[list[OrderCreate]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Checker:
    """Validates orders against the store: numbers, trading shops, order numbers not yet used."""

    def __init__(self, session: Session, store_id: int) -> None:
        self.session, self.store_id = session, store_id
        self.timezone = premises_service.get_store(session, store_id).timezone
        self.shops: dict[int, Shop | None] = {}
        self.seen: set[str] = set()
        self.now = utcnow()

    def _shop_error(self, shop_id: int, day: date) -> str | None:
        if shop_id not in self.shops:
            try:
                self.shops[shop_id] = premises_service.get_shop(self.session, self.store_id, shop_id)
            except StoreError:
                self.shops[shop_id] = None
        shop = self.shops[shop_id]
        if shop is None:
            return f"shop {shop_id} does not exist in this store"
        if day < shop.opened_on or (shop.closed_on is not None and day > shop.closed_on):
            return f"shop {shop.code} did not trade on {day}"
        return None

    def check(self, chunk: list[OrderCreate], first: int) -> list[dict[str, Any]]:
        numbers = [o.order_no for o in chunk]
        taken = set(
            self.session.exec(
                select(Order.order_no).where(Order.store_id == self.store_id, col(Order.order_no).in_(numbers))
            )
        )
        errors = []
        for i, data in enumerate(chunk, start=first):
            errors += [{**e, "loc": [i, *e["loc"]]} for e in checks.order_errors(data, now=self.now)]
            shop_error = self._shop_error(data.shop_id, business_day(data.ordered_at, self.timezone))
            if shop_error:
                errors.append({"loc": [i, "shop_id"], "msg": shop_error})
            if data.order_no in taken or data.order_no in self.seen:
                errors.append({"loc": [i, "order_no"], "msg": f"order number {data.order_no!r} is already used"})
            self.seen.add(data.order_no)
        return errors


def _write(session: Session, store_id: int, chunk: list[OrderCreate], source: Source, timezone: str) -> None:
    rows = [
        {
            "store_id": store_id,
            "shop_id": o.shop_id,
            "order_no": o.order_no,
            "channel": o.channel.value,
            "source": (o.source or source).value,
            "member_id": o.member_id,
            "terminal_id": None,
            "ordered_at": o.ordered_at,
            "business_on": business_day(o.ordered_at, timezone),
            "subtotal_fen": o.subtotal_fen,
            "discount_fen": o.discount_fen,
            "total_fen": o.total_fen,
            "refunded_fen": 0,
            "created_at": utcnow(),
        }
        for o in chunk
    ]
    conn = session.connection()
    table = Order.__table__  # type: ignore[attr-defined]
    ids = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
    lines = [
        {"order_id": oid, "line_no": n, **line.model_dump()}
        for oid, o in zip(ids, chunk, strict=True)
        for n, line in enumerate(o.lines, start=1)
    ]
    payments = [
        {"order_id": oid, "method": p.method.value, "amount_fen": p.amount_fen}
        for oid, o in zip(ids, chunk, strict=True)
        for p in o.payments
    ]
    conn.execute(insert(OrderLine.__table__), lines)  # type: ignore[attr-defined]
    conn.execute(insert(Payment.__table__), payments)  # type: ignore[attr-defined]


def bulk_insert_orders(session: Session, store_id: int, orders: Iterable[OrderCreate], *, source: Source) -> int:
    """Validate and insert many orders; ``source`` applies where an order names none. Returns the count.

    Raises on the first chunk with a bad order; the caller's unit of work then rolls everything back.
    """
    checker = _Checker(session, store_id)
    count = 0
    for chunk in _chunks(orders, CHUNK):
        errors = checker.check(chunk, count)
        if errors:
            shown = errors[:MAX_REPORTED]
            taken = all(e["loc"][-1] == "order_no" for e in errors)
            error_class = OrderNumberTaken if taken else OrderDoesNotAddUp
            raise error_class(f"{len(errors)} problem(s): {checks.summary(shown)}", errors=shown)
        _write(session, store_id, chunk, source, checker.timezone)
        count += len(chunk)
    return count
