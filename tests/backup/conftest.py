"""A small store with sales and refunds on a database of its own, and helpers to look into another database."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from store import db
from store.backup import service as backup_service
from store.cli import cli
from store.sales import service as sales_service
from store.sales.schemas import RefundCreate
from tests.conftest import fresh_database_url, separate_database, use_database
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_order


def seed_store(session: Session, *, orders: int = 12) -> None:
    """A store, two shops, ``orders`` sales and a refund on every third."""
    store = create_store(session)
    shops = [create_shop(session, store), create_shop(session, store)]
    for n in range(orders):
        order = create_order(session, shops[n % 2])
        if n % 3 == 0:
            sales_service.refund(session, store.id, order.id, RefundCreate(amount_fen=700))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database that is backed up: migrated, with a small store; the settings point at it."""
    with separate_database(tmp_path_factory.mktemp("backup"), "backup") as url:
        with db.unit_of_work() as session:
            seed_store(session)
        yield url


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, to restore into (dropped afterwards)."""
    # The worker's name in it: two tests' folders may end alike, and both xdist workers share one server.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    yield from fresh_database_url(tmp_path, f"restore_{worker}_{tmp_path.name[-12:]}")


@pytest.fixture
def point_at_empty(live: str, empty_url: str) -> Iterator[Callable[[], str]]:
    """Calling it points the settings at an empty database (restore's target); ``live`` comes back after the test."""

    def point() -> str:
        use_database(None, empty_url)
        return empty_url

    yield point
    use_database(None, live)


def counts_in(url: str) -> dict[str, int]:
    engine = create_engine(make_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return backup_service.row_counts(conn)
    finally:
        engine.dispose()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [*map(str, args)], catch_exceptions=False)
