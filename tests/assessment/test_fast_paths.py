"""The SQL aggregates behind S2 and S5 give what the row-by-row computation they replaced gave.

The old computations (member ids pulled into Python sets, issue 9) are kept here as the reference, and both
run on randomized activity: members of two stores, orders on every channel, sign-ins, code checks at the
tills and points entries of every kind, around the months' edges in the store's timezone."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from store.assessment.evaluators import EvalContext
from store.assessment.evaluators.trade import points_activity
from store.clock import day_bounds_utc
from store.members import service as members_service
from store.members.models import Member, MemberToken
from store.points.models import PointsEntry
from store.premises import service as premises_service
from store.sales.models import Order
from tests.factories.members import create_member
from tests.factories.premises import create_floor, create_shop, create_store
from tests.factories.sales import create_order

START, END = date(2025, 6, 10), date(2025, 9, 20)  # a period cut inside its first and last months


def old_points_activity(session: Session, store_id: int, start: date, end: date) -> dict[date, set[int]]:
    query = sa_select(col(PointsEntry.member_id), col(PointsEntry.business_on)).where(
        col(PointsEntry.store_id) == store_id,
        col(PointsEntry.business_on) >= start,
        col(PointsEntry.business_on) <= end,
        col(PointsEntry.kind) != "expire",
    )
    found: dict[date, set[int]] = {}
    for member_id, day in session.execute(query):
        found.setdefault(day.replace(day=1), set()).add(member_id)
    return found


def old_monthly_active_online(
    session: Session, store_id: int, start: date, end: date, *, other_activity: dict[date, set[int]]
) -> list[tuple[date, int, int]]:
    tz = premises_service.get_store(session, store_id).timezone
    result = []
    for month, first, last in members_service._months(start, end):
        orders = session.execute(
            sa_select(col(Order.member_id), func.count())
            .where(
                col(Order.store_id) == store_id,
                col(Order.channel).in_(("online", "live")),
                col(Order.member_id).is_not(None),
                col(Order.business_on) >= first,
                col(Order.business_on) <= last,
            )
            .group_by(col(Order.member_id))
        ).all()
        lo, hi = day_bounds_utc(first, tz)[0], day_bounds_utc(last, tz)[1]
        signed = session.execute(
            sa_select(col(MemberToken.member_id))
            .where(col(MemberToken.created_at) >= lo, col(MemberToken.created_at) < hi)
            .join(Member, col(Member.id) == col(MemberToken.member_id))
            .where(col(Member.store_id) == store_id)
            .distinct()
        ).all()
        last_seen = session.execute(
            sa_select(col(Member.id)).where(
                col(Member.store_id) == store_id, col(Member.last_sign_in_at) >= lo, col(Member.last_sign_in_at) < hi
            )
        ).all()
        active = {m for m, _n in orders} | {m for (m,) in signed} | {m for (m,) in last_seen}
        active |= other_activity.get(month, set())
        placed = sum(int(n) for m, n in orders if m in active)
        result.append((month, len(active), placed))
    return result


def old_card_users(session: Session, store_id: int, start: date, end: date) -> int:
    tz = premises_service.get_store(session, store_id).timezone
    lo, hi = day_bounds_utc(start, tz)[0], day_bounds_utc(end, tz)[1]
    step_lo, step_hi = int(lo.timestamp()) // 30, int(hi.timestamp()) // 30
    signed = session.execute(
        sa_select(col(MemberToken.member_id))
        .join(Member, col(Member.id) == col(MemberToken.member_id))
        .where(col(Member.store_id) == store_id, col(MemberToken.created_at) >= lo, col(MemberToken.created_at) < hi)
        .distinct()
    ).all()
    used = session.execute(
        sa_select(col(Member.id)).where(
            col(Member.store_id) == store_id,
            (
                (col(Member.last_sign_in_at) >= lo) & (col(Member.last_sign_in_at) < hi)
                | (col(Member.code_last_step) >= step_lo) & (col(Member.code_last_step) < step_hi)
            ),
        )
    ).all()
    return len({m for (m,) in signed} | {m for (m,) in used})


def _moment(rng: random.Random) -> datetime:
    """A moment from a little before START to a little after END, often right at a month's edge."""
    if rng.random() < 0.3:
        edge = datetime(2025, rng.randint(5, 10), 1, tzinfo=UTC) - timedelta(hours=8)  # midnight in Shanghai
        return edge + timedelta(seconds=rng.choice((-1, 0, 1)))
    lo = datetime(2025, 6, 1, tzinfo=UTC)
    return lo + timedelta(seconds=rng.randint(0, 130 * 86400))


def _fill(session: Session, rng: random.Random) -> int:
    store, other = create_store(session, code="FAST"), create_store(session, code="OTHER")
    shop = create_shop(session, store, create_floor(session, store), opened_on=date(2024, 1, 1))
    members = [create_member(session, store) for _ in range(40)] + [create_member(session, other) for _ in range(5)]
    for n, member in enumerate(members):
        if rng.random() < 0.4:
            member.last_sign_in_at = _moment(rng)
        if rng.random() < 0.3:
            member.code_last_step = int(_moment(rng).timestamp()) // 30
        session.add(member)
        for k in range(rng.randint(0, 3)):
            at = _moment(rng)
            session.add(
                MemberToken(
                    member_id=member.id,  # type: ignore[arg-type]
                    family=f"f{n}-{k}",
                    kind=rng.choice(("access", "refresh")),
                    token_hash=f"{n:04d}{k:02d}".ljust(64, "x"),
                    created_at=at,
                    expires_at=at + timedelta(hours=1),
                )
            )
        for k in range(rng.randint(0, 3)):
            session.add(
                PointsEntry(
                    store_id=member.store_id,
                    member_id=member.id,  # type: ignore[arg-type]
                    kind=rng.choice(("earn", "redeem", "expire", "adjust", "reverse")),
                    points=rng.choice((-5, 10)),
                    source_type="adjust",
                    source_id=f"{n}-{k}",
                    business_on=START + timedelta(days=rng.randint(-15, 120)),
                )
            )
    session.flush()
    ours = [m for m in members if m.store_id == store.id]
    for _ in range(60):
        member = rng.choice(ours + [None])  # type: ignore[list-item]
        create_order(
            session,
            shop,
            member_id=member.id if member else None,
            channel=rng.choice(("online", "live", "offline")),
            ordered_at=_moment(rng),
        )
    return store.id  # type: ignore[return-value]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_s2_and_s5_aggregates_equal_the_row_by_row_computation(session, seed):
    store_id = _fill(session, random.Random(seed))
    store = premises_service.get_store(session, store_id)
    ctx = EvalContext(session=session, store=store, period=None, now=datetime(2025, 10, 1, tzinfo=UTC))  # type: ignore[arg-type]
    new = members_service.monthly_active_online(session, store_id, START, END, other_activity=points_activity(ctx))
    old = old_monthly_active_online(
        session, store_id, START, END, other_activity=old_points_activity(session, store_id, START, END)
    )
    assert [(m.month, m.active_members, m.active_online_orders) for m in new] == old
    assert any(active for _m, active, _o in old) and any(orders for _m, _a, orders in old)  # the data is not empty
    for first, last in ((START, END), (date(2025, 7, 1), date(2025, 7, 31)), (END, END)):
        assert members_service.card_users(session, store_id, first, last) == old_card_users(
            session, store_id, first, last
        )
