"""A store with a car park (zone, entry and exit gates, a controller key) and a fresh payment simulator."""

from __future__ import annotations

import pytest

from store.payments.simulator import SIMULATOR
from tests.factories.parking import CarPark, create_car_park
from tests.factories.premises import create_store


@pytest.fixture
def park(session) -> CarPark:
    return create_car_park(session, create_store(session))


@pytest.fixture(autouse=True)
def simulator():
    SIMULATOR.reset()
    yield SIMULATOR
    SIMULATOR.reset()
