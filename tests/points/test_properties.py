"""Random sequences of earn, redeem, hold, confirm, release, refund and expiry against one member; after every
step the ledger's rules hold (issue 10, property tests).

* the balance never goes below zero and equals the sum of the ledger and of the lots' remainders;
* every lot's allocations account exactly for what it lost (points − remaining), so a partly spent lot
  expires only its remainder;
* a debit never takes from a lot past its expiry, and takes soonest-expiring lots first;
* the spendable balance on a day leaves out, from 00:00 of their expiry day, lots the job has not written off;
* a refused step (more points than spendable) changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from store.points import nightly, rules, service
from store.points.errors import HoldClosed, InsufficientPoints
from store.points.models import EntryKind, PointsAllocation, PointsEntry, PointsLot
from store.sales.models import Order
from tests.factories.points import create_member, refund, sale
from tests.factories.premises import create_shop, create_store

START = date(2025, 11, 20)

step = st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 60_000), st.integers(0, 100)),
    st.tuples(st.just("redeem"), st.integers(1, 400)),
    st.tuples(st.just("hold"), st.integers(1, 300)),
    st.tuples(st.just("confirm"), st.integers(0, 5)),
    st.tuples(st.just("release"), st.integers(0, 5)),
    st.tuples(st.just("refund"), st.integers(0, 5), st.integers(1, 100)),
    st.tuples(st.just("advance"), st.sampled_from([0, 1, 30, 200, 400])),
    st.tuples(st.just("expire")),
)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(4, 0), tzinfo=UTC)


class World:
    def __init__(self, session, shop, member) -> None:
        self.session, self.shop, self.member = session, shop, member
        self.day = START
        self.holds: list[str] = []
        self.orders: list[Order] = []

    def run(self, op: tuple) -> None:
        s, m, store_id = self.session, self.member, self.shop.store_id
        kind = op[0]
        if kind == "advance":
            self.day += timedelta(days=op[1])
        elif kind == "expire":
            nightly.expire_due(s, store_id, self.day)
        elif kind == "earn":
            total, by_points_pct = op[1], op[2]
            order = sale(s, self.shop, m, day=self.day, total_fen=total, points_paid_fen=total * by_points_pct // 100)
            service.award_order(s, order.id, today=self.day)
            self.orders.append(order)
        elif kind == "redeem":
            key = f"r{len(self.holds)}-{self.day}-{op[1]}"
            self._refusable(
                lambda: service.redeem(s, store_id=store_id, member_id=m.id, points=op[1], key=key, day=self.day)
            )
        elif kind == "hold":
            key = f"h{len(self.holds)}"
            if self._refusable(
                lambda: service.hold(
                    s, store_id=store_id, member_id=m.id, points=op[1], hold_key=key, now=_noon(self.day)
                )
            ):
                self.holds.append(key)
        elif kind in ("confirm", "release") and self.holds:
            key = self.holds[op[1] % len(self.holds)]
            try:
                with s.begin_nested():
                    if kind == "confirm":
                        service.confirm_hold(
                            s, store_id=store_id, hold_key=key, order_no=f"O-{key}", now=_noon(self.day)
                        )
                    else:
                        service.release_hold(s, store_id=store_id, hold_key=key, now=_noon(self.day))
            except HoldClosed:
                pass
        elif kind == "refund" and self.orders:
            order = self.orders[op[1] % len(self.orders)]
            left = order.total_fen - order.refunded_fen
            amount = max(1, left * op[2] // 100)
            if left > 0:
                row = refund(s, order, day=self.day, amount_fen=min(amount, left))
                service.reverse_refund(s, row.id, today=self.day)

    def _lots(self) -> list[tuple[tuple, int]]:
        lots = self.session.exec(select(PointsLot).where(PointsLot.member_id == self.member.id)).all()
        live = [lot for lot in lots if lot.remaining > 0 and rules.spendable(lot.expires_on, self.day)]
        return sorted(((lot.expires_on is None, lot.expires_on or date.max, lot.id), lot.remaining) for lot in live)

    def _refusable(self, call) -> bool:
        before = self.snapshot()
        spendable = service.balance(self.session, self.member, self.day).points
        lots_before = self._lots()
        try:
            with self.session.begin_nested():
                call()
            after = dict(self._lots())
            drained = [after.get(key, 0) < left for key, left in lots_before]
            # The lots drawn on are a prefix of the soonest-expiring order, all emptied but the last.
            assert drained == sorted(drained, reverse=True), "a sooner-expiring lot was skipped"
            for (key, _), taken in zip(lots_before, drained[1:], strict=False):
                if taken:
                    assert key not in after, "a lot was drawn on before the sooner one was empty"
            return True
        except InsufficientPoints:
            assert self.snapshot() == before, "a refused debit changed the ledger"
            assert spendable >= 0
            return False

    def snapshot(self) -> tuple[int, int]:
        s = self.session
        count = s.exec(select(func.count()).where(PointsEntry.member_id == self.member.id)).one()
        total = s.exec(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.member_id == self.member.id)
        ).one()
        return int(count), int(total)

    def check(self) -> None:
        s, m = self.session, self.member
        s.refresh(m)
        lots = s.exec(select(PointsLot).where(PointsLot.member_id == m.id)).all()
        ledger = self.snapshot()[1]
        assert m.points_balance >= 0
        assert m.points_balance == ledger == sum(lot.remaining for lot in lots)
        spendable = sum(lot.remaining for lot in lots if rules.spendable(lot.expires_on, self.day))
        assert service.balance(s, m, self.day).points == spendable
        for lot in lots:
            taken = s.exec(
                select(func.coalesce(func.sum(PointsAllocation.points), 0)).where(PointsAllocation.lot_id == lot.id)
            ).one()
            assert lot.points - lot.remaining == taken, "a lot lost points no entry accounts for"
        debits = s.exec(
            select(PointsEntry).where(
                PointsEntry.member_id == m.id,
                PointsEntry.kind.in_([EntryKind.redeem, EntryKind.adjust]),  # type: ignore[attr-defined]
            )
        ).all()
        for entry in debits:
            pairs = s.exec(
                select(PointsLot, PointsAllocation.points)
                .join(PointsAllocation, PointsAllocation.lot_id == PointsLot.id)
                .where(PointsAllocation.entry_id == entry.id, PointsAllocation.points > 0)
                .order_by(PointsAllocation.id)
            ).all()
            for lot, _ in pairs:
                assert rules.spendable(lot.expires_on, entry.business_on), "an expired lot was spent"
            keys = [(lot.expires_on is None, lot.expires_on or date.max, lot.id) for lot, _ in pairs]
            assert keys == sorted(keys), "lots were not taken soonest expiry first"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_random_sequences_keep_the_ledger_sound(session, steps):
    # Each example gets a store of its own; the test's transaction is rolled back at its end.
    shop = create_shop(session, create_store(session))
    world = World(session, shop, create_member(session, shop.store_id))
    for op in steps:
        world.run(op)
        world.check()
