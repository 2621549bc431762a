"""The rentals back office: stations with usage counts, assets, rentals, overdue alerts, the desk's return."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from store.clock import utcnow
from store.rentals import service
from store.rentals.models import AssetKind, Rental, RentalStation
from tests.admin.conftest import Premises, sign_in
from tests.factories.members import create_member
from tests.factories.rentals import create_asset, create_station, member_code


class TestRentalsPages:
    def test_stations_assets_and_the_c4_kinds(self, client: TestClient, session: Session, premises: Premises):
        create_station(session, premises.store)
        create_asset(session, premises.store, code="WC01", kind=AssetKind.wheelchair)
        service.rent(session, premises.store.id, "WC01", member_code(create_member(session, premises.store)))
        sign_in(client, session, premises.manager)
        html = client.get("/admin/rentals").text
        assert "站点 DESK" in html and "WC01" in html and "轮椅" in html and "已借出" in html

    def test_overdue_rentals_are_flagged_and_listed(self, client, session, premises):
        create_station(session, premises.store)
        create_asset(session, premises.store, code="PB01", loan_minutes=1)
        member = create_member(session, premises.store)
        then = utcnow() - timedelta(hours=1)
        service.rent(session, premises.store.id, "PB01", member_code(member, then), now=then)
        sign_in(client, session, premises.manager)
        assert 'id="overdue-alert"' in client.get("/admin/rentals").text
        html = client.get("/admin/rentals/overdue").text
        assert "PB01" in html and member.member_no in html and "已逾期" in html

    def test_a_station_is_added_and_a_vending_machine_becomes_a_device(self, client, session, premises):
        csrf = sign_in(client, session, premises.manager)
        data = {"code": "VEND9", "name": "售货机", "kind": "vending", "csrf_token": csrf}
        assert client.post("/admin/rentals/stations", data=data, follow_redirects=False).status_code == 303
        station = session.exec(select(RentalStation).where(RentalStation.code == "VEND9")).one()
        assert station.device_id is not None

    def test_a_bad_asset_is_refused_and_nothing_written(self, client, session, premises):
        create_station(session, premises.store)
        csrf = sign_in(client, session, premises.manager)
        data = {"code": "UM9", "station_code": "DESK", "kind": "umbrella", "deposit_yuan": "-3", "csrf_token": csrf}
        response = client.post("/admin/rentals/assets", data=data, follow_redirects=False)
        assert response.status_code == 400 and service.list_assets(session, premises.store.id) == []

    def test_the_desk_takes_an_asset_back(self, client, session, premises):
        create_station(session, premises.store)
        create_asset(session, premises.store)
        rental = service.rent(session, premises.store.id, "PB01", member_code(create_member(session, premises.store)))
        csrf = sign_in(client, session, premises.manager)
        response = client.post(
            f"/admin/rentals/return/{rental.rental_no}", data={"csrf_token": csrf}, follow_redirects=False
        )
        assert response.status_code == 303
        assert session.exec(select(Rental)).one().status == "returned"
