"""Issue 10 (4): 50 tills redeeming one member's points at once never take more than the balance, and the same
redemption retried at once applies once; on the suite's database (SQLite, or PostgreSQL when given)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.members.models import Member
from store.points import nightly, service
from store.points.errors import InsufficientPoints
from store.points.models import EntryKind, PointsEntry, PointsLot
from tests.conftest import separate_database
from tests.factories.points import create_member
from tests.factories.premises import create_store

THREADS = 50


@pytest.fixture(scope="module")
def own_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with separate_database(tmp_path_factory.mktemp("points"), "points_conc"):
        yield


def _member_with(points: int) -> tuple[int, int]:
    with unit_of_work() as session:
        store = create_store(session)
        member = create_member(session, store)
        service.open_balance(session, member_id=member.id, points=points, expires_on=None, source="test")
        return store.id, member.id  # type: ignore[return-value]


def _redeem(store_id: int, member_id: int, points: int, key: str) -> Any:
    try:
        with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
            return service.redeem(session, store_id=store_id, member_id=member_id, points=points, key=key).id
    except InsufficientPoints:
        return "refused"


def _all_at_once(calls: list[tuple[int, int, int, str]]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda c: _redeem(*c), calls))


def _state(member_id: int) -> tuple[int, int, int, int]:
    with unit_of_work() as session:
        member = session.get(Member, member_id)
        ledger = session.exec(select(func.sum(PointsEntry.points)).where(PointsEntry.member_id == member_id)).one()
        lots = session.exec(select(func.sum(PointsLot.remaining)).where(PointsLot.member_id == member_id)).one()
        redeems = session.exec(
            select(func.count()).where(PointsEntry.member_id == member_id, PointsEntry.kind == EntryKind.redeem)
        ).one()
        assert member is not None
        return member.points_balance, int(ledger or 0), int(lots or 0), int(redeems)


def test_fifty_tills_never_take_more_than_the_balance(own_db):
    store_id, member_id = _member_with(1_000)
    results = _all_at_once([(store_id, member_id, 30, f"till-{i}") for i in range(THREADS)])
    assert results.count("refused") == THREADS - 33  # 33 × 30 = 990 of 1,000; the 34th would go below zero
    assert _state(member_id) == (10, 10, 10, 33)


def test_the_same_redemption_fifty_times_at_once_applies_once(own_db):
    store_id, member_id = _member_with(1_000)
    results = _all_at_once([(store_id, member_id, 30, "same-key") for _ in range(THREADS)])
    assert len(set(results)) == 1 and results[0] != "refused"
    assert _state(member_id) == (970, 970, 970, 1)


def test_the_nightly_expiry_writes_off_ranges_side_by_side_once(own_db):
    """Several ranges of members at once (PostgreSQL; one after the other on SQLite): every lot written off
    once, balances and lots agree with the ledger, a second run writes nothing."""
    lapse = date.today() + timedelta(days=400)
    with unit_of_work() as session:
        store = create_store(session)
        members = [create_member(session, store) for _ in range(7)]
        for i, member in enumerate(members):
            service.open_balance(session, member_id=member.id, points=10 * (i + 1), expires_on=lapse, source="test")
        store_id, ids = store.id, [member.id for member in members]
    with unit_of_work() as session:
        assert nightly.expire_due(session, store_id, lapse - timedelta(days=1), batch=2, workers=3) == 0
    with unit_of_work() as session:
        assert nightly.expire_due(session, store_id, lapse, batch=2, workers=3) == 10 * (1 + 2 + 3 + 4 + 5 + 6 + 7)
    with unit_of_work() as session:
        assert nightly.expire_due(session, store_id, lapse, batch=2, workers=3) == 0
        assert nightly.reconcile(session, store_id) == []
        expired = session.exec(
            select(func.count()).where(col(PointsEntry.member_id).in_(ids), PointsEntry.kind == EntryKind.expire)
        ).one()
    assert expired == 7
    assert [_state(member_id)[:3] for member_id in ids] == [(0, 0, 0)] * 7
