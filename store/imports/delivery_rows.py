"""Import kind ``deliveries``: delivery history from an old system (S7 即时送达).

One row per delivered (or undelivered) order: the sales order it belongs to (imported first with
``orders``), the level promised then, when it was placed, and the steps' times. The deadlines follow from
the level and the official working-day calendar, as for a delivery placed today. Re-importing a file
finds every row already there and writes nothing; a row whose times move backwards is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from store.delivery import service as delivery_service
from store.delivery.models import DeliveryOrder
from store.delivery.schemas import CourierEvent, DeliveryLevel, EventKind
from store.errors import StoreError
from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.readers import Row
from store.premises.models import Store
from store.sales.models import Order

LEVELS = {
    "same_day": "same_day",
    "next_day": "next_day",
    "same-day": "same_day",
    "next-day": "next_day",
    "当日达": "same_day",
    "次日达": "next_day",
}
STEP_COLUMNS = (
    ("dispatched_at", EventKind.dispatched),
    ("handed_over_at", EventKind.handed_over),
    ("delivered_at", EventKind.delivered),
)


class DeliveryRows(Handler):
    kind = "deliveries"
    required = ("order_no", "level", "placed_at")
    optional = ("dispatched_at", "handed_over_at", "delivered_at", "courier")

    def __init__(self, session: Session, store: Store | None) -> None:
        super().__init__(session, store)
        self.timezone = store.timezone if store is not None else "UTC"

    def parse(self, row: Row) -> Parsed:
        order_no = cells.text(row, "order_no", max_length=64)
        level = DeliveryLevel(cells.choice(row, "level", LEVELS, shown=["same_day", "next_day"]))
        placed_at = cells.moment(row, "placed_at", self.timezone)
        steps: list[tuple[EventKind, datetime]] = []
        for column, kind in STEP_COLUMNS:
            if row.get(column):
                at = cells.moment(row, column, self.timezone)
                earlier = steps[-1][1] if steps else placed_at
                if at < earlier:
                    raise RowError(column, f"{at.isoformat()} is before {steps[-1][0] if steps else 'placed_at'}")
                steps.append((kind, at))
        query = select(Order.id).where(Order.store_id == self.store_id, Order.order_no == order_no)
        order_id = self.session.exec(query).first()
        if order_id is None:
            raise RowError("order_no", f"unknown order {order_no!r} (import orders first)")
        courier = cells.text(row, "courier", required=False, max_length=40)
        return Parsed(row, order_no, (order_id, order_no, level, placed_at, steps, courier))

    def apply(self, parsed: Parsed) -> Outcome:
        order_id, order_no, level, placed_at, steps, courier = parsed.item
        query = select(DeliveryOrder).where(DeliveryOrder.sales_order_id == order_id)
        existing = self.session.exec(query).first()
        changed = existing is None
        if existing is None:
            existing = delivery_service.create(self.session, self.store_id, order_id, level=level, placed_at=placed_at)
        elif (existing.level, existing.placed_at) != (level, placed_at):
            raise RowError("", f"order {order_no!r} has a delivery with another level or placing time")
        for kind, at in steps:
            changed |= self._record(CourierEvent(order_no, kind, at, courier=courier))
        return Outcome.imported if changed else Outcome.unchanged

    def _record(self, event: CourierEvent) -> Any:
        try:
            return delivery_service.record_event(self.session, self.store_id, event)
        except StoreError as exc:
            raise RowError(f"{event.kind.value}_at", exc.message) from None
