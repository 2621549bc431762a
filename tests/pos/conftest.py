"""A shop with a till (pos_terminal key) and a manager, shared by the tills' server-side tests."""

from __future__ import annotations

import pytest

from store.auth.models import Role
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_till, staff_token


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


@pytest.fixture
def till(session, shop):
    key, device = create_till(session, shop)
    return {"X-Device-Key": key}, device


@pytest.fixture
def manager(session, shop):
    session.commit()
    return {"Authorization": f"Bearer {staff_token(session, shop.store_id, Role.manager)}"}
