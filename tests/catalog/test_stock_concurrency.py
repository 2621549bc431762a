"""Reservations under concurrency: twelve buyers for five units, on their own connections and commits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from store.catalog import stock
from store.catalog.errors import OutOfStock
from store.db import unit_of_work
from tests.conftest import separate_database
from tests.factories.catalog import create_sku
from tests.factories.premises import create_shop, create_store

BUYERS = 12
UNITS = 5


class TestConcurrentReservations:
    def test_never_below_zero_and_exactly_the_units_on_hand_are_held(self, tmp_path) -> None:
        with separate_database(tmp_path, "stock"):
            with unit_of_work() as session:
                shop = create_shop(session, create_store(session))
                sku = create_sku(session, shop)
                stock.set_on_hand(session, shop.store_id, shop.id, sku.id, UNITS)
                ids = (shop.store_id, shop.id, sku.id)

            def buy(n: int) -> str:
                try:
                    with unit_of_work() as session:
                        stock.reserve(session, *ids, 1, ref=f"order-{n}")
                    return "held"
                except OutOfStock:
                    return "out"

            with ThreadPoolExecutor(max_workers=6) as pool:
                outcomes = list(pool.map(buy, range(BUYERS)))
            with unit_of_work() as session:
                assert stock.level(session, ids[1], ids[2]) == (UNITS, UNITS)
            assert outcomes.count("held") == UNITS and outcomes.count("out") == BUYERS - UNITS
