"""The shop page on the kiosk shows the shop's current credit rating once the credit module computed one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from store.clock import utcnow
from store.credit.models import CreditProfile
from store.premises import service as premises_service
from store.wayfinding import service as wayfinding_service
from tests.factories.wayfinding import MappedStore, create_mapped_store


@pytest.fixture
def mapped(session: Session) -> MappedStore:
    wayfinding_service.clear_caches()
    mapped = create_mapped_store(session)
    if premises_service.default_store(session).id != mapped.store.id:
        pytest.skip("another store was committed earlier in this database")
    return mapped


def _shop(session: Session, mapped: MappedStore):
    return premises_service.get_shop_by_code(session, mapped.store.id, "1F-01")  # type: ignore[arg-type]


class TestShopCredit:
    def test_a_computed_rating_is_shown(self, client: TestClient, session: Session, mapped: MappedStore):
        shop = _shop(session, mapped)
        session.add(CreditProfile(store_id=shop.store_id, shop_id=shop.id, score=82, rating="B", computed_at=utcnow()))
        session.flush()
        html = client.get("/kiosk/shops/1F-01").text
        assert 'id="shop-credit"' in html and ">B</a>" in html and "82 分" in html and "信用等级" in html

    def test_no_rating_before_the_first_computation(self, client: TestClient, session: Session, mapped: MappedStore):
        shop = _shop(session, mapped)
        session.add(CreditProfile(store_id=shop.store_id, shop_id=shop.id))
        session.flush()
        assert 'id="shop-credit"' not in client.get("/kiosk/shops/1F-01").text
