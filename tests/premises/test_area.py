"""A shop's selling area as dated records: a refit changes the days after it, never the days before."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from store.auth.models import Role
from store.premises import service as premises_service
from store.premises.schemas import ShopCreate, ShopUpdate
from tests.factories.auth import staff_headers
from tests.factories.premises import create_floor, create_shop, create_store

API = "/api/v1/premises"


def _history(session: Session, shop) -> list[tuple[date, float]]:
    records = premises_service.area_records(session, shop.store_id, shop_id=shop.id)
    return [(r.effective_on, r.selling_area_m2) for r in records.get(shop.id, [])]


class TestAreaRecords:
    def test_a_new_shop_has_its_area_from_its_opening_day(self, session: Session):
        store = create_store(session)
        create_floor(session, store, code="1F")
        shop = premises_service.create_shop(
            session,
            store.id,
            ShopCreate(
                code="A1",
                name="店",
                category="cosmetics",
                floor_code="1F",
                selling_area_m2=80,
                opened_on=date(2024, 3, 1),
            ),
        )
        assert _history(session, shop) == [(date(2024, 3, 1), 80.0)]

    def test_a_patched_area_holds_from_its_day_and_the_days_before_keep_theirs(self, session: Session):
        store = create_store(session)
        shop = create_shop(session, store, area_m2=300.0, opened_on=date(2020, 1, 1))
        data = ShopUpdate(selling_area_m2=200.0, area_from=date(2025, 7, 1))
        premises_service.update_shop(session, store.id, shop.id, data)
        assert _history(session, shop) == [(date(2020, 1, 1), 300.0), (date(2025, 7, 1), 200.0)]
        assert premises_service.total_area_m2(session, store.id, date(2025, 6, 30)) == 300.0
        assert premises_service.total_area_m2(session, store.id, date(2025, 7, 1)) == 200.0

    def test_saving_the_same_area_again_adds_no_record(self, session: Session):
        store = create_store(session)
        shop = create_shop(session, store, area_m2=120.0)
        premises_service.update_shop(session, store.id, shop.id, ShopUpdate(selling_area_m2=120.0, name="改名"))
        assert _history(session, shop) == [(date(2020, 1, 1), 120.0)]

    def test_a_shop_without_records_gets_its_old_area_from_opening_before_a_change(self, session: Session):
        store = create_store(session)
        shop = create_shop(session, store, area_m2=90.0)
        # A shop written straight into the table has no record (as before 0010); the factory's is dropped.
        for record in premises_service.area_records(session, store.id, shop_id=shop.id)[shop.id]:
            session.delete(record)
        session.flush()
        premises_service.set_area(session, store.id, shop.id, effective_on=date(2025, 1, 1), selling_area_m2=60.0)
        assert _history(session, shop) == [(date(2020, 1, 1), 90.0), (date(2025, 1, 1), 60.0)]

    def test_an_earlier_opening_day_takes_the_opening_area_along(self, session: Session):
        store = create_store(session)
        shop = create_shop(session, store, area_m2=90.0, opened_on=date(2021, 5, 1))
        premises_service.update_shop(session, store.id, shop.id, ShopUpdate(opened_on=date(2021, 3, 1)))
        assert _history(session, shop) == [(date(2021, 3, 1), 90.0)]


class TestAreaApi:
    def test_a_manager_records_an_area_from_a_day_and_reads_the_history(self, client, session: Session):
        store = create_store(session)
        shop = create_shop(session, store, area_m2=300.0)
        headers = staff_headers(session, store, Role.manager)
        session.commit()
        put = client.put(
            f"{API}/shops/{shop.id}/areas", json={"effective_on": "2025-07-01", "selling_area_m2": 150}, headers=headers
        )
        assert put.status_code == 200, put.text
        listed = client.get(f"{API}/shops/{shop.id}/areas", headers=headers).json()
        assert listed == [
            {"effective_on": "2020-01-01", "selling_area_m2": 300.0},
            {"effective_on": "2025-07-01", "selling_area_m2": 150.0},
        ]
        assert client.get(f"{API}/shops/{shop.id}", headers=headers).json()["selling_area_m2"] == 150.0

    def test_patch_with_area_from_records_the_change_from_that_day(self, client, session: Session):
        store = create_store(session)
        shop = create_shop(session, store, area_m2=300.0)
        headers = staff_headers(session, store, Role.manager)
        session.commit()
        reply = client.patch(
            f"{API}/shops/{shop.id}", json={"selling_area_m2": 250, "area_from": "2025-08-01"}, headers=headers
        )
        assert reply.status_code == 200, reply.text
        assert _history(session, shop) == [(date(2020, 1, 1), 300.0), (date(2025, 8, 1), 250.0)]

    def test_tenant_staff_may_not_read_another_shops_areas_nor_record_any(self, client, session: Session):
        store = create_store(session)
        own, other = create_shop(session, store), create_shop(session, store)
        tenant = staff_headers(session, store, Role.tenant, shop=own)
        session.commit()
        assert client.get(f"{API}/shops/{other.id}/areas", headers=tenant).status_code == 404
        body = {"effective_on": "2025-07-01", "selling_area_m2": 10}
        assert client.put(f"{API}/shops/{own.id}/areas", json=body, headers=tenant).status_code == 403

    def test_an_area_of_zero_is_a_422_and_changes_nothing(self, client, session: Session):
        store = create_store(session)
        shop = create_shop(session, store, area_m2=300.0)
        headers = staff_headers(session, store, Role.manager)
        session.commit()
        body = {"effective_on": "2025-07-01", "selling_area_m2": 0}
        assert client.put(f"{API}/shops/{shop.id}/areas", json=body, headers=headers).status_code == 422
        assert _history(session, shop) == [(date(2020, 1, 1), 300.0)]
