"""A shop and a manager signed in with a bearer token, shared by the sales API tests."""

from __future__ import annotations

import pytest

from store.auth.models import Role
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import staff_token


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


@pytest.fixture
def manager(session, shop):
    session.commit()
    return {"Authorization": f"Bearer {staff_token(session, shop.store_id, Role.manager)}"}
