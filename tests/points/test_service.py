"""The points ledger as a user sees it: balances, lots, expiry, earn, refunds, holds, adjustments, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from store.points import service
from store.points.errors import (
    InvalidExpiry,
    InvalidPoints,
)
from store.points.models import EntryKind, PointsEntry, PointsLot
from tests.factories.points import create_member
from tests.factories.premises import create_shop, create_store

DAY = date(2026, 3, 10)


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


@pytest.fixture
def member(session, shop):
    return create_member(session, shop.store_id)


def ledger_sum(session, member) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.member_id == member.id)
        ).one()
    )


def lots_sum(session, member) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(PointsLot.remaining), 0)).where(PointsLot.member_id == member.id)
        ).one()
    )


def consistent(session, member) -> int:
    session.refresh(member)
    assert member.points_balance == ledger_sum(session, member) == lots_sum(session, member)
    assert member.points_balance >= 0
    return member.points_balance


def give(session, member, points, *, key, day=DAY):
    return service.adjust(
        session,
        store_id=member.store_id,
        member_id=member.id,
        points=points,
        reason="test",
        key=key,
        actor="t",
        day=day,
    )


class TestOpeningBalance:
    def test_one_adjust_entry_with_its_source_and_expiry(self, session, member):
        service.open_balance(session, member_id=member.id, points=1200, expires_on=date(2099, 1, 1), source="old CRM")
        entry = session.exec(select(PointsEntry).where(PointsEntry.member_id == member.id)).one()
        assert (entry.kind, entry.points, entry.reason) == (EntryKind.adjust, 1200, "old CRM")
        lot = session.exec(select(PointsLot).where(PointsLot.member_id == member.id)).one()
        assert lot.expires_on == date(2099, 1, 1)
        assert consistent(session, member) == 1200

    def test_again_changes_nothing(self, session, member):
        for _ in range(2):
            service.open_balance(session, member_id=member.id, points=50, expires_on=None, source="old CRM")
        assert consistent(session, member) == 50

    def test_zero_writes_nothing(self, session, member):
        service.open_balance(session, member_id=member.id, points=0, expires_on=None, source="old CRM")
        assert ledger_sum(session, member) == 0
        assert session.exec(select(PointsEntry).where(PointsEntry.member_id == member.id)).first() is None

    @pytest.mark.parametrize("points", [-5, 1.5, True])
    def test_bad_amount_refused(self, session, member, points):
        with pytest.raises(InvalidPoints):
            service.open_balance(session, member_id=member.id, points=points, expires_on=None, source="old CRM")

    def test_expired_opening_refused(self, session, member):
        with pytest.raises(InvalidExpiry):
            service.open_balance(session, member_id=member.id, points=5, expires_on=date(2001, 1, 1), source="x")
        assert ledger_sum(session, member) == 0
