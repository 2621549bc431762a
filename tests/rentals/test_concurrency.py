"""Two renters of the same asset at the same moment: exactly one gets it, the other is told it is out, one rental
row; on the suite's database (SQLite, or PostgreSQL when given)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from sqlmodel import func, select

from store.db import WRITE_INTENT, get_engine, unit_of_work
from store.rentals import service
from store.rentals.errors import AssetNotAvailable
from store.rentals.models import Rental, RentalAsset
from tests.conftest import separate_database
from tests.factories.members import create_member
from tests.factories.premises import create_store
from tests.factories.rentals import create_asset, create_station, member_code

RENTERS = 2


@pytest.fixture(scope="module")
def own_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with separate_database(tmp_path_factory.mktemp("rentals"), "rentals_conc"):
        yield


def test_two_renters_of_one_asset_exactly_one_wins(own_db):
    with unit_of_work() as session:
        store = create_store(session)
        create_station(session, store)
        create_asset(session, store)
        codes = [member_code(create_member(session, store)) for _ in range(RENTERS)]
        store_id = store.id
    start = Barrier(RENTERS)

    def renter(code: str) -> Any:
        start.wait()
        try:
            with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
                return service.rent(session, store_id, "PB01", code).member_id  # type: ignore[arg-type]
        except AssetNotAvailable:
            return "refused"

    with ThreadPoolExecutor(max_workers=RENTERS) as pool:
        results = list(pool.map(renter, codes))
    assert results.count("refused") == RENTERS - 1
    with unit_of_work() as session:
        rows = session.exec(select(func.count()).select_from(Rental)).one()
        asset = session.exec(select(RentalAsset)).one()
    assert (rows, asset.status, asset.rentals) == (1, "out", 1)
