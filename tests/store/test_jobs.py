"""One `smartstore worker` per database: the lock row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import delete

from store.clock import utcnow
from store.db import unit_of_work
from store.worker_lock import LOCK_TTL, WorkerLock, acquire_lock, release_lock


@pytest.fixture
def free_lock(engine) -> Iterator[None]:
    """The lock commits on its own connection, so clear it around each test."""
    with unit_of_work(engine) as session:
        session.exec(delete(WorkerLock))
    yield
    with unit_of_work(engine) as session:
        session.exec(delete(WorkerLock))


@pytest.mark.usefixtures("free_lock")
class TestWorkerLock:
    def test_a_second_worker_is_refused_while_the_first_lives(self):
        assert acquire_lock("box-a:1")
        assert not acquire_lock("box-b:7")

    def test_the_holder_renews_its_own_lock(self):
        assert acquire_lock("box-a:1")
        assert acquire_lock("box-a:1")

    def test_a_worker_that_shut_down_leaves_the_lock_free_at_once(self):
        assert acquire_lock("box-a:1")
        release_lock("box-a:1")
        assert acquire_lock("box-b:7")

    def test_a_dead_workers_lock_lapses_after_its_ttl(self):
        now = utcnow()
        assert acquire_lock("box-a:1", now=now)
        assert not acquire_lock("box-b:7", now=now + LOCK_TTL - timedelta(seconds=1))
        assert acquire_lock("box-b:7", now=now + LOCK_TTL + timedelta(seconds=1))

    def test_releasing_another_workers_lock_changes_nothing(self):
        assert acquire_lock("box-a:1")
        release_lock("box-b:7")
        assert not acquire_lock("box-b:7")
