"""Delivery orders: created with their promise fixed, moved by courier events, measured per month.

Events must move forward in time: a step is never earlier than the placement or a step before it, and
never later than a step already recorded after it; each step happens once (the same step at the same
time again is accepted and changes nothing, at another time it is refused). A refused event writes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from store.clock import month_key, utcnow
from store.delivery import promise as promises
from store.delivery.errors import DeliveryClosed, DeliveryExists, DeliveryNotFound, EventConflict, EventOutOfOrder
from store.delivery.models import DeliveryEvent, DeliveryOrder, DeliverySetting
from store.delivery.schemas import STEPS, CourierEvent, DeliveryLevel, DeliveryStatus, EventKind
from store.premises import service as premises_service
from store.sales import service as sales_service
from store.scoping import Viewer, get_in_store

DEFAULT_CUTOFF = time(14, 0)
FUTURE_SLACK = timedelta(minutes=5)  # a courier's clock may run a little ahead of ours


def cutoff(session: Session, store_id: int) -> time:
    row = session.exec(select(DeliverySetting).where(DeliverySetting.store_id == store_id)).first()
    return row.cutoff_local if row is not None else DEFAULT_CUTOFF


def set_cutoff(session: Session, store_id: int, value: time) -> DeliverySetting:
    """Set the store's same-day cut-off (local time); orders placed earlier keep their promise."""
    row = session.exec(select(DeliverySetting).where(DeliverySetting.store_id == store_id)).first()
    row = row or DeliverySetting(store_id=store_id)
    row.cutoff_local, row.updated_at = value, utcnow()
    session.add(row)
    session.flush()
    return row


def get(session: Session, store_id: int, delivery_id: int, *, viewer: Viewer | None = None) -> DeliveryOrder:
    return get_in_store(
        session,
        DeliveryOrder,
        delivery_id,
        store_id=store_id,
        not_found=DeliveryNotFound,
        label="delivery",
        viewer=viewer,
    )


def by_order_no(session: Session, store_id: int, order_no: str) -> DeliveryOrder:
    query = select(DeliveryOrder).where(DeliveryOrder.store_id == store_id, DeliveryOrder.order_no == order_no)
    row = session.exec(query).first()
    if row is None:
        raise DeliveryNotFound(f"no delivery for order {order_no!r} in this store")
    return row


def create(
    session: Session,
    store_id: int,
    sales_order_id: int,
    *,
    requested: DeliveryLevel | None = None,
    level: DeliveryLevel | None = None,
    placed_at: datetime | None = None,
) -> DeliveryOrder:
    """A delivery for a sales order; its promise is fixed now (``level`` given: imported history)."""
    order = sales_service.get_order(session, store_id, sales_order_id)
    if session.exec(select(DeliveryOrder.id).where(DeliveryOrder.sales_order_id == order.id)).first() is not None:
        raise DeliveryExists(f"order {order.order_no!r} already has a delivery")
    tz = premises_service.get_store(session, store_id).timezone
    placed = placed_at or order.ordered_at
    fixed = (
        promises.fixed(placed, tz, level) if level else promises.make(placed, tz, cutoff(session, store_id), requested)
    )
    row = DeliveryOrder(
        store_id=store_id,
        shop_id=order.shop_id,
        sales_order_id=order.id,  # type: ignore[arg-type]
        order_no=order.order_no,
        level=fixed.level,
        placed_at=placed,
        placed_on=fixed.placed_on,
        promised_by=fixed.promised_by,
        next_day_by=fixed.next_day_by,
    )
    session.add(row)
    session.flush()
    return row


def _step_time(row: DeliveryOrder, kind: EventKind) -> datetime | None:
    return getattr(row, f"{kind.value}_at")  # type: ignore[no-any-return]


def record_event(session: Session, store_id: int, event: CourierEvent, *, now: datetime | None = None) -> bool:
    """Record one courier event; False when it was already recorded as is (a repeated report)."""
    row = by_order_no(session, store_id, event.order_no)
    if row.status == DeliveryStatus.cancelled:
        raise DeliveryClosed(f"delivery of order {row.order_no!r} is cancelled")
    kind = EventKind(event.kind)
    if event.at.tzinfo is None:
        raise EventOutOfOrder(f"{kind} time of order {row.order_no!r} has no timezone")
    known = _step_time(row, kind)
    if known is not None:
        if known == event.at:
            return False
        raise EventConflict(f"order {row.order_no!r} was already {kind} at {known.isoformat()}")
    if event.at > (now or utcnow()) + FUTURE_SLACK:
        raise EventOutOfOrder(f"{kind} time {event.at.isoformat()} of order {row.order_no!r} is in the future")
    if event.at < row.placed_at:
        raise EventOutOfOrder(
            f"{kind} at {event.at.isoformat()} is before order {row.order_no!r} was placed "
            f"({row.placed_at.isoformat()})"
        )
    index = STEPS.index(kind)
    for before in STEPS[:index]:
        at = _step_time(row, before)
        if at is not None and event.at < at:
            raise EventOutOfOrder(f"{kind} at {event.at.isoformat()} is before {before} at {at.isoformat()}")
    for after in STEPS[index + 1 :]:
        at = _step_time(row, after)
        if at is not None and event.at > at:
            raise EventOutOfOrder(f"{kind} at {event.at.isoformat()} is after {after} at {at.isoformat()}")
    setattr(row, f"{kind.value}_at", event.at)
    furthest = max((s for s in STEPS if _step_time(row, s) is not None), key=STEPS.index)
    row.status = DeliveryStatus(furthest.value)
    row.courier = (event.courier or row.courier)[:40]
    row.tracking_no = (event.tracking_no or row.tracking_no)[:64]
    session.add(row)
    session.add(DeliveryEvent(delivery_order_id=row.id, kind=kind, at=event.at, courier=event.courier[:40]))  # type: ignore[arg-type]
    session.flush()
    return True


def cancel(session: Session, store_id: int, delivery_id: int) -> DeliveryOrder:
    """Cancel a delivery not yet delivered; it leaves the SLA shares."""
    row = get(session, store_id, delivery_id)
    if row.delivered_at is not None:
        raise DeliveryClosed(f"order {row.order_no!r} was delivered: it cannot be cancelled")
    row.status = DeliveryStatus.cancelled
    session.add(row)
    session.flush()
    return row


@dataclass
class Sla:
    """Delivery orders of one month (or period) measured against their fixed promise.

    An order is *measured* once delivered or once its next-day deadline has passed (undelivered then
    counts as missed); orders still within their deadline are *open* and counted nowhere else.
    """

    label: str
    measured: int = 0
    open: int = 0
    same_day_promised: int = 0
    same_day_met: int = 0  # delivered before the end of the day it was placed
    next_day_met: int = 0  # delivered before the end of the next working day
    promise_met: int = 0  # delivered before its own promise

    def add(self, other: Sla) -> None:
        for name in ("measured", "open", "same_day_promised", "same_day_met", "next_day_met", "promise_met"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _per_day(session: Session, store_id: int, start: date, end: date, now: datetime) -> Iterable[tuple[date, Sla]]:
    d = DeliveryOrder
    delivered = col(d.delivered_at).is_not(None)
    measured = delivered | (col(d.next_day_by) <= now)

    def count(condition: object) -> object:
        return func.sum(case((condition, 1), else_=0))  # type: ignore[arg-type]

    query = (
        select(  # type: ignore[call-overload]
            d.placed_on,
            count(measured),
            count(~measured),
            count(and_(measured, col(d.level) == DeliveryLevel.same_day)),
            count(and_(delivered, col(d.delivered_at) < col(d.promised_by), col(d.level) == DeliveryLevel.same_day)),
            count(and_(delivered, col(d.delivered_at) < col(d.next_day_by))),
            count(and_(delivered, col(d.delivered_at) < col(d.promised_by))),
        )
        .where(d.store_id == store_id, d.placed_on >= start, d.placed_on <= end, d.status != DeliveryStatus.cancelled)
        .group_by(d.placed_on)
    )
    for day, *numbers in session.exec(query):
        values = [int(n or 0) for n in numbers]
        yield day, Sla(day.isoformat(), *values)


def monthly_sla(session: Session, store_id: int, start: date, end: date, *, now: datetime | None = None) -> list[Sla]:
    """SLA shares per month of placement, oldest first (months without orders are left out)."""
    months: dict[str, Sla] = {}
    for day, sla in _per_day(session, store_id, start, end, now or utcnow()):
        months.setdefault(month_key(day), Sla(month_key(day))).add(sla)
    return [months[key] for key in sorted(months)]


def period_sla(session: Session, store_id: int, start: date, end: date, *, now: datetime | None = None) -> Sla:
    total = Sla(f"{start}..{end}")
    for month in monthly_sla(session, store_id, start, end, now=now):
        total.add(month)
    return total


def list_deliveries(
    session: Session, store_id: int, start: date, end: date, *, limit: int = 200
) -> list[DeliveryOrder]:
    query = (
        select(DeliveryOrder)
        .where(DeliveryOrder.store_id == store_id, DeliveryOrder.placed_on >= start, DeliveryOrder.placed_on <= end)
        .order_by(col(DeliveryOrder.placed_at).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def events_of(session: Session, delivery_id: int) -> list[DeliveryEvent]:
    query = select(DeliveryEvent).where(DeliveryEvent.delivery_order_id == delivery_id)
    return list(session.exec(query.order_by(col(DeliveryEvent.at))))
