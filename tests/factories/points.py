"""Factories for the points ledger: a member of a store, and a sale or refund for that member."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlmodel import Session

from store.members.models import Member
from store.premises.models import Shop, Store
from store.sales.models import Order, Payment, Refund
from store.sales.schemas import Channel, PaymentMethod
from tests.factories import kpi

_seq = count(1)


def create_member(session: Session, store: Store | int, *, tier: str = "basic") -> Member:
    store_id = store if isinstance(store, int) else store.id
    n = next(_seq)
    member = Member(store_id=store_id, member_no=f"M{n:08d}", phone_masked=f"138****{n % 10000:04d}", tier=tier)
    session.add(member)
    session.flush()
    return member


def sale(
    session: Session,
    shop: Shop,
    member: Member | None,
    *,
    day: date,
    total_fen: int,
    points_paid_fen: int = 0,
    channel: Channel = Channel.offline,
) -> Order:
    """A sale of ``total_fen`` for ``member``, ``points_paid_fen`` of it paid with points, the rest by WeChat."""
    order = kpi.sell(
        session, shop, day=day, total_fen=total_fen, channel=channel, member_id=member.id if member else None
    )
    if points_paid_fen:
        session.add(Payment(order_id=order.id, method=PaymentMethod.points, amount_fen=points_paid_fen))
    if total_fen - points_paid_fen:
        session.add(Payment(order_id=order.id, method=PaymentMethod.wechat, amount_fen=total_fen - points_paid_fen))
    session.flush()
    return order


def refund(session: Session, order: Order, *, day: date, amount_fen: int) -> Refund:
    return kpi.refund(session, order, day=day, amount_fen=amount_fen)
