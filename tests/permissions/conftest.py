"""The world of callers (two stores, every role and device kind) for the matrix and isolation tests."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.permissions.world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
