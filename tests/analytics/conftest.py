"""A small demo store (1% volume, 120 days) for the analytics tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.sales import run_demo


@pytest.fixture
def demo(session) -> Any:
    return run_demo(session, scale=0.01, days=120)
