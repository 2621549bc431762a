"""Factories for orders: numbers that add up unless a test says otherwise, and tills bound to shops."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

from sqlmodel import Session

from store.auth import service as auth_service
from store.auth.models import Device, DeviceKind, Role
from store.clock import utcnow
from store.premises.models import Shop
from store.sales import service as sales_service
from store.sales.models import Order
from store.sales.schemas import Channel, OrderCreate

_seq = count(1)


def order_in(
    shop: Shop,
    *,
    lines: tuple[tuple[int, int, int], ...] = ((2, 1500, 0), (1, 3000, 500), (3, 200, 0)),
    discount_fen: int = 0,
    channel: Channel = Channel.offline,
    member_id: int | None = None,
    ordered_at: datetime | None = None,
    order_no: str | None = None,
    methods: tuple[str, ...] = ("wechat",),
) -> OrderCreate:
    """A valid order at ``shop``; ``lines`` are (quantity, unit price, line discount) in fen."""
    line_rows = [
        {
            "sku": f"SKU-{n}",
            "name": f"商品{n}",
            "quantity": q,
            "unit_price_fen": p,
            "discount_fen": d,
            "total_fen": q * p - d,
        }
        for n, (q, p, d) in enumerate(lines, start=1)
    ]
    subtotal = sum(line["total_fen"] for line in line_rows)
    total = subtotal - discount_fen
    shares = [total // len(methods)] * len(methods)
    shares[0] += total - sum(shares)
    return OrderCreate(
        order_no=order_no or f"T{next(_seq):08d}",
        shop_id=shop.id,  # type: ignore[arg-type]
        channel=channel,
        member_id=member_id,
        ordered_at=ordered_at or utcnow() - timedelta(minutes=5),
        subtotal_fen=subtotal,
        discount_fen=discount_fen,
        total_fen=total,
        lines=line_rows,  # type: ignore[arg-type]
        payments=[{"method": m, "amount_fen": a} for m, a in zip(methods, shares, strict=True)],  # type: ignore[misc]
    )


def order_body(shop: Shop, **kwargs: Any) -> dict[str, Any]:
    """``order_in`` as the JSON a till sends."""
    return order_in(shop, **kwargs).model_dump(mode="json", exclude_none=True)


def create_order(session: Session, shop: Shop, **kwargs: Any) -> Order:
    from tests.factories.members import ensure_member

    ensure_member(session, shop.store_id, kwargs.get("member_id"))
    return sales_service.create_order(session, shop.store_id, order_in(shop, **kwargs))


def create_till(session: Session, shop: Shop, *, kind: DeviceKind = DeviceKind.pos_terminal) -> tuple[str, Device]:
    """A till bound to ``shop``; returns its API key and the device."""
    return auth_service.create_device(
        session, store_id=shop.store_id, kind=kind, name=f"Till {next(_seq)}", shop_id=shop.id
    )


def staff_token(session: Session, store_id: int, role: Role = Role.cashier, *, shop_id: int | None = None) -> str:
    """A bearer token of a new staff user with ``role``."""
    user = auth_service.create_user(
        session,
        store_id=store_id,
        username=f"user{next(_seq)}",
        password="correct-horse-battery",
        role=role,
        shop_id=shop_id,
    )
    return auth_service.issue_token(session, user, 3600)[0]


def run_demo(session: Session, *, scale: float = 0.01, days: int = 60, with_footfall: bool = True) -> Any:
    """The premises, sales (and footfall) demo hooks on ``session``; returns the demo context."""
    from datetime import date

    from store.demo import DemoContext, DemoOptions
    from store.demo.calendar import DemoCalendar
    from store.footfall import demo as footfall_demo
    from store.members import demo as members_demo
    from store.premises import demo as premises_demo
    from store.sales import demo as sales_demo

    end_on = date(2025, 6, 30)
    ctx = DemoContext(
        session=session,
        options=DemoOptions(scale=scale, days=days, end_on=end_on),
        start_on=end_on - timedelta(days=days - 1),
        end_on=end_on,
        calendar=DemoCalendar(upgrade_on=end_on - timedelta(days=30)),
        echo=lambda _line: None,
    )
    hooks = [premises_demo, members_demo, sales_demo, *([footfall_demo] if with_footfall else [])]
    for hook in hooks:
        hook.generate(ctx)
    session.flush()
    return ctx
