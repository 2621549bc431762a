"""Stock per shop and SKU, and reservations for online orders: ``reserve``, ``release``, ``commit``.

Each is one guarded UPDATE, so concurrent calls never take stock below zero: the row changes only
while ``on_hand − reserved`` covers the quantity (PostgreSQL re-checks the condition on the locked row;
SQLite runs one writer at a time), and a reservation leaves ``held`` only once.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlmodel import Session

from store.catalog.errors import OutOfStock, ReservationClosed, ReservationNotFound
from store.catalog.models import Reservation, Stock
from store.catalog.schemas import ReservationStatus
from store.clock import utcnow
from store.scoping import get_in_store

STOCK = Stock.__table__  # type: ignore[attr-defined]
RESERVATION = Reservation.__table__  # type: ignore[attr-defined]


def set_on_hand(session: Session, store_id: int, shop_id: int, sku_id: int, on_hand: int) -> None:
    """Count the units at the shop (a stock take); never below what is reserved."""
    if on_hand < 0:
        raise OutOfStock(f"stock may not be below zero (got {on_hand})")
    found = session.execute(
        select(STOCK.c.id, STOCK.c.reserved).where(STOCK.c.shop_id == shop_id, STOCK.c.sku_id == sku_id)
    ).first()
    if found is None:
        session.execute(
            insert(STOCK).values(
                store_id=store_id, shop_id=shop_id, sku_id=sku_id, on_hand=on_hand, reserved=0, updated_at=utcnow()
            )
        )
        return
    if on_hand < found.reserved:
        raise OutOfStock(f"{found.reserved} units are reserved: stock may not go below that (got {on_hand})")
    session.execute(update(STOCK).where(STOCK.c.id == found.id).values(on_hand=on_hand, updated_at=utcnow()))


def level(session: Session, shop_id: int, sku_id: int) -> tuple[int, int]:
    """(on hand, reserved) of a SKU at a shop; (0, 0) where nothing was counted."""
    found = session.execute(
        select(STOCK.c.on_hand, STOCK.c.reserved).where(STOCK.c.shop_id == shop_id, STOCK.c.sku_id == sku_id)
    ).first()
    return (found.on_hand, found.reserved) if found is not None else (0, 0)


def reserve(session: Session, store_id: int, shop_id: int, sku_id: int, quantity: int, *, ref: str = "") -> int:
    """Hold ``quantity`` units for an order; the reservation's id, or OutOfStock and nothing held."""
    if quantity <= 0:
        raise OutOfStock(f"a reservation is for 1 unit or more (got {quantity})")
    held = session.execute(
        update(STOCK)
        .where(
            STOCK.c.store_id == store_id,
            STOCK.c.shop_id == shop_id,
            STOCK.c.sku_id == sku_id,
            STOCK.c.on_hand - STOCK.c.reserved >= quantity,
        )
        .values(reserved=STOCK.c.reserved + quantity, updated_at=utcnow())
    )
    if held.rowcount != 1:  # type: ignore[attr-defined]
        on_hand, reserved = level(session, shop_id, sku_id)
        raise OutOfStock(f"only {on_hand - reserved} units available, {quantity} asked for")
    row = session.execute(
        insert(RESERVATION)
        .values(
            store_id=store_id,
            shop_id=shop_id,
            sku_id=sku_id,
            quantity=quantity,
            status=ReservationStatus.held.value,
            ref=ref,
            created_at=utcnow(),
        )
        .returning(RESERVATION.c.id)
    )
    return int(row.scalar_one())


def _close(session: Session, store_id: int, reservation_id: int, status: ReservationStatus) -> Reservation:
    reservation = get_in_store(
        session,
        Reservation,
        reservation_id,
        store_id=store_id,
        not_found=ReservationNotFound,
        label="reservation",
    )
    closed = session.execute(
        update(RESERVATION)
        .where(RESERVATION.c.id == reservation_id, RESERVATION.c.status == ReservationStatus.held.value)
        .values(status=status.value, closed_at=utcnow())
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        raise ReservationClosed(f"reservation {reservation_id} is no longer held")
    taken = reservation.quantity if status == ReservationStatus.committed else 0
    session.execute(
        update(STOCK)
        .where(STOCK.c.shop_id == reservation.shop_id, STOCK.c.sku_id == reservation.sku_id)
        .values(reserved=STOCK.c.reserved - reservation.quantity, on_hand=STOCK.c.on_hand - taken, updated_at=utcnow())
    )
    session.expire(reservation)
    return reservation


def release(session: Session, store_id: int, reservation_id: int) -> Reservation:
    """Give the held units back (order cancelled or unpaid)."""
    return _close(session, store_id, reservation_id, ReservationStatus.released)


def commit(session: Session, store_id: int, reservation_id: int) -> Reservation:
    """The order is paid: the held units leave the shop's stock."""
    return _close(session, store_id, reservation_id, ReservationStatus.committed)


def restock(session: Session, store_id: int, shop_id: int, sku_id: int, quantity: int) -> None:
    """Units sold and then given back (an online order cancelled after payment) return to the shop's stock."""
    if quantity <= 0:
        raise OutOfStock(f"a return is for 1 unit or more (got {quantity})")
    session.execute(
        update(STOCK)
        .where(STOCK.c.store_id == store_id, STOCK.c.shop_id == shop_id, STOCK.c.sku_id == sku_id)
        .values(on_hand=STOCK.c.on_hand + quantity, updated_at=utcnow())
    )
