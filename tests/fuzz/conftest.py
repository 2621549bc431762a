"""The two-store world of every role and device kind, shared with the permission matrix."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.permissions.world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
