"""``AwareDateTime`` on SQLite writes, through its one-call fast path, exactly the text the decorator's generic
two-step path writes, so rows written either way compare, sort and read back alike."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeDecorator

from store.dbtypes import AwareDateTime

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)


def _generic(dialect):
    """What ``TypeDecorator`` builds without the override: ``process_bind_param``, then DATETIME's processor."""
    own = AwareDateTime()
    inner = DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect)
    assert inner is not None  # SQLite's DATETIME formats the text itself
    return lambda value: inner(own.process_bind_param(value, dialect))


def test_the_fast_text_is_the_generic_text():
    dialect = sqlite.dialect()
    fast, generic = AwareDateTime().bind_processor(dialect), _generic(dialect)
    assert AwareDateTime.bind_processor is not TypeDecorator.bind_processor
    assert AwareDateTime()._cached_bind_processor(dialect) is fast  # what statements really use
    rng = random.Random(7)
    zones = [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]
    samples = [datetime(2026, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, 16, 0, 0, 1, tzinfo=zones[1])]
    for _ in range(2000):
        moment = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(0, 10**9))
        moment = moment.replace(microsecond=rng.choice((0, 1, 999_999, rng.randrange(10**6))))
        samples.append(moment.astimezone(rng.choice(zones)))
    for value in samples:
        assert fast(value) == generic(value), value
    assert fast(None) is None


def test_a_naive_time_is_refused_on_the_fast_path_too():
    with pytest.raises(ValueError, match="naive"):
        AwareDateTime().bind_processor(sqlite.dialect())(datetime(2026, 1, 1))
