"""Rentals on the kiosk (C4): the stations' free assets, rent and return by scanning, the phone status page;
bad input gets a clear message and changes nothing; no member data stays on screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from store import signed_codes
from store.clock import utcnow
from store.premises import service as premises_service
from store.rentals.models import AssetKind, AssetStatus, Rental, RentalAsset
from tests.factories.members import create_member
from tests.factories.premises import create_store
from tests.factories.rentals import create_asset, create_station, member_code


@pytest.fixture
def store(session: Session):
    store = create_store(session)
    if premises_service.default_store(session).id != store.id:
        pytest.skip("another store was committed earlier in this database")
    create_station(session, store)
    create_asset(session, store, code="WC01", kind=AssetKind.wheelchair)
    create_asset(session, store, code="UM01", kind=AssetKind.umbrella, deposit_fen=3000)
    return store


def _token(client: TestClient) -> str:
    html = client.get("/kiosk/rentals").text
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _post(client: TestClient, action: str, asset: str, code: str, token: str | None = None):
    data = {"asset_code": asset, "member_code": code, "csrf_token": token or _token(client)}
    return client.post(f"/kiosk/rentals/{action}", data=data)


def _asset(session: Session, code: str) -> RentalAsset:
    return session.exec(select(RentalAsset).where(RentalAsset.code == code)).one()


class TestBoard:
    def test_the_page_lists_the_stations_free_assets_in_chinese(self, client, store):
        html = client.get("/kiosk/rentals").text
        assert "租借" in html and "轮椅" in html and "站点 DESK" in html

    def test_the_home_tile_is_live(self, client, store):
        assert 'href="/kiosk/rentals"' in client.get("/kiosk/").text


class TestRent:
    def test_scanning_rents_and_the_receipt_has_a_status_qr(self, client, session, store):
        member = create_member(session, store)
        code = member_code(member)
        response = _post(client, "rent", "WC01", code)
        assert response.status_code == 200
        assert "请于" in response.text or "归还" in response.text
        assert "/kiosk/m/rentals?c=" in response.text and code not in response.text
        assert _asset(session, "WC01").status == AssetStatus.out

    def test_an_asset_already_out_is_refused_clearly_and_nothing_changes(self, client, session, store):
        _post(client, "rent", "WC01", member_code(create_member(session, store)))
        other = create_member(session, store)
        code = member_code(other)
        response = _post(client, "rent", "WC01", code)
        assert response.status_code == 409 and "已被借出" in response.text and code not in response.text
        assert len(session.exec(select(Rental)).all()) == 1

    def test_an_unknown_asset_is_refused(self, client, session, store):
        response = _post(client, "rent", "NOPE", member_code(create_member(session, store)))
        assert response.status_code == 404 and "没有这个编号" in response.text
        assert session.exec(select(Rental)).all() == []

    def test_an_expired_member_code_is_refused(self, client, session, store):
        old = member_code(create_member(session, store), utcnow() - timedelta(minutes=10))
        response = _post(client, "rent", "WC01", old)
        assert response.status_code == 400 and "会员码已过期" in response.text
        assert _asset(session, "WC01").status == AssetStatus.available

    def test_a_form_without_its_token_is_refused(self, client, session, store):
        response = _post(client, "rent", "WC01", member_code(create_member(session, store)), token="x.y")
        assert response.status_code == 400 and _asset(session, "WC01").status == AssetStatus.available

    def test_a_deposit_is_shown_and_refunded_on_return(self, client, session, store):
        member = create_member(session, store)
        assert "¥30.00" in _post(client, "rent", "UM01", member_code(member)).text
        session.refresh(member)
        back = _post(client, "return", "UM01", member_code(member))
        assert back.status_code == 200 and "已退还" in back.text
        assert _asset(session, "UM01").status == AssetStatus.available


class TestPhoneStatus:
    def test_the_qr_opens_the_status_on_a_phone(self, client, session, store):
        html = _post(client, "rent", "WC01", member_code(create_member(session, store))).text
        link = re.search(r'href="(/kiosk/m/rentals\?c=[^"]+)"', html) or re.search(
            r"(/kiosk/m/rentals\?c=[^\"<\s]+)", html
        )
        page = client.get(link.group(1).replace("&amp;", "&"))  # type: ignore[union-attr]
        assert page.status_code == 200 and "租借状态" in page.text and "WC01" in page.text

    def test_an_altered_link_is_refused(self, client, store):
        page = client.get("/kiosk/m/rentals", params={"c": "abc.def"})
        assert page.status_code == 400 and "链接无效" in page.text

    def test_an_expired_link_is_refused(self, client, store):
        code = signed_codes.sign(
            "rental-status", {"r": "R1", "s": store.id}, max_age=timedelta(seconds=1), now=utcnow() - timedelta(days=1)
        )
        page = client.get("/kiosk/m/rentals", params={"c": code})
        assert page.status_code == 400 and "链接已过期" in page.text
