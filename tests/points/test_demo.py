"""The demo hook: ledgers consistent with the member orders it finds (earned, part-paid, refunded, lapsed)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace

from sqlmodel import func, select

from store.members.models import Member
from store.points import demo, nightly, service
from store.points.models import EntryKind, PointsEntry, PointsLot
from store.sales.models import Order
from tests.factories.points import create_member, refund, sale
from tests.factories.premises import create_shop, create_store

START, END = date(2024, 12, 1), date(2026, 11, 30)


def test_demo_ledgers_agree_with_orders(session):
    rng = random.Random(7)
    store = create_store(session)
    shop = create_shop(session, store)
    members = [
        create_member(session, store, tier=rng.choice(["basic", "silver", "gold", "diamond"])) for _ in range(12)
    ]
    orders = []
    for _ in range(150):
        day = START + timedelta(days=rng.randrange((END - START).days))
        total = rng.randrange(100, 90_000)
        paid = total * rng.choice([0, 0, 0, 30]) // 100
        order = sale(session, shop, rng.choice(members + [None]), day=day, total_fen=total, points_paid_fen=paid)
        orders.append(order)
        if order.member_id and rng.random() < 0.2:
            refund(session, order, day=min(day + timedelta(days=3), END), amount_fen=rng.randrange(1, total + 1))
    ctx = SimpleNamespace(session=session, store_id=store.id, start_on=START, end_on=END, echo=lambda _: None)
    demo.generate(ctx)

    assert nightly.reconcile(session, store.id) == []  # ledger sum = cached balance = open lots, per member
    negative = session.exec(select(func.count()).where(Member.store_id == store.id, Member.points_balance < 0)).one()
    assert negative == 0
    for order in orders:
        if order.member_id is None:
            continue
        earned = session.exec(
            select(PointsEntry).where(PointsEntry.source_type == "order", PointsEntry.source_id == str(order.id))
        ).first()
        member = session.get(Member, order.member_id)
        expected = service.quote(session, order, member.tier).points
        assert (earned.points if earned else 0) == expected
        assert service.award_order(session, order.id, today=END) is earned or expected == 0  # a replay adds nothing
    assert nightly.reconcile(session, store.id) == []
    # Lots of 2024 lapsed at 00:00 on 1 January 2026, only their remainder written off.
    lapsed = session.exec(select(PointsLot).where(PointsLot.store_id == store.id, PointsLot.expires_on <= END)).all()
    assert all(lot.remaining == 0 for lot in lapsed)
    expired = session.exec(
        select(func.count()).where(PointsEntry.store_id == store.id, PointsEntry.kind == EntryKind.expire)
    ).one()
    assert expired > 0
    assert session.exec(select(func.count()).where(Order.store_id == store.id)).one() == 150


def test_points_lapse_after_the_replay_on_the_sales_demo(session):
    """Two years of the sales demo: the replay writes allocations with ids of its own, then lots lapse; the
    expiry's entries and allocations take ids after them (on PostgreSQL the sequences were left behind)."""
    from tests.factories.sales import run_demo

    ctx = run_demo(session, scale=0.01, days=730, with_footfall=False)
    demo.generate(ctx)

    expired = session.exec(select(func.count()).where(PointsEntry.kind == EntryKind.expire)).one()
    assert expired > 0
    assert nightly.reconcile(session, ctx.store_id) == []
