"""The small mall of ``tests.factories.kpi.create_mall`` for every KPI test."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.factories.kpi import Mall, create_mall


@pytest.fixture
def mall(session: Session) -> Mall:
    return create_mall(session)
