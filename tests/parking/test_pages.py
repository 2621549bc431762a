"""Find-my-car on the kiosk and paying on the phone; bad input gets a readable page and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from store import signed_codes
from store.clock import utcnow
from store.parking import service as parking_service
from store.parking.models import Direction, ParkingLookup, ParkingSession
from store.payments.models import PaymentOrder
from store.premises import service as premises_service
from store.wayfinding import service as wayfinding_service
from tests.factories.parking import CarPark, create_car_park
from tests.factories.wayfinding import create_mapped_store


def pay_form(code: str, amount: str, **over: str) -> dict[str, str]:
    """The phone page's pay form as the browser posts it, with the page's form token."""
    from kiosk.credit import form_token

    return {"c": code, "amount": amount, "method": "wechat", "csrf_token": form_token("/kiosk/m/parking/pay")} | over


@pytest.fixture
def lot(session: Session) -> CarPark:
    wayfinding_service.clear_caches()
    mapped = create_mapped_store(session)
    if premises_service.default_store(session).id != mapped.store.id:
        pytest.skip("another store was committed earlier in this database")
    park = create_car_park(session, mapped.store)
    park.zone.map_place = "shop:B1-01"
    session.add(park.zone)
    for plate, minutes in (("沪A12345", 90), ("沪AD2345", 20)):
        parking_service.record_gate_event(
            session,
            park.store.id,  # type: ignore[arg-type]
            gate_code="G-IN",
            direction=Direction.entry,
            raw_plate=plate,
            at=utcnow() - timedelta(minutes=minutes),
        )
    parking_service.record_space(session, park.store.id, zone_code="B2-A", space="058", raw_plate="沪A12345")  # type: ignore[arg-type]
    return park


def phone_link(html: str) -> str:
    found = re.search(r'href="(/kiosk/m/parking\?c=[^"]+)"', html)
    assert found, "no phone link on the page"
    return found.group(1).replace("&amp;", "&")


class TestFind:
    def test_the_exact_plate_shows_zone_space_route_and_pay_qr(self, client: TestClient, lot: CarPark, session):
        client.get("/kiosk/?kiosk=K1")
        html = client.get("/kiosk/parking", params={"plate": "沪a12345"}).text
        assert "B2 A区" in html and "058" in html and "/kiosk/route?" in html and 'class="qr"' in html
        assert "¥20.00" in html
        assert session.exec(select(ParkingLookup)).one().found

    def test_a_misread_plate_lists_masked_candidates_only(self, client: TestClient, lot: CarPark):
        html = client.get("/kiosk/parking", params={"plate": "沪A02345"}).text
        assert "沪A·***45" in html and "沪AD2345" not in html and 'class="qr"' not in html
        link = re.search(r'href="(/kiosk/parking/car\?c=[^"]+)"', html).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
        car = client.get(link).text
        assert "B2 A区" in car and 'class="qr"' not in car and "这是我的车" in car  # location, not payment
        mine = client.get(link + "&mine=1").text
        assert 'class="qr"' in mine

    def test_unknown_and_invalid_plates_say_so(self, client: TestClient, lot: CarPark, session):
        unknown = client.get("/kiosk/parking", params={"plate": "京B99999"})
        assert unknown.status_code == 404 and "停车场内没有该车牌的车辆" in unknown.text
        invalid = client.get("/kiosk/parking", params={"plate": "hello"})
        assert invalid.status_code == 400 and "车牌格式不正确" in invalid.text

    def test_english(self, client: TestClient, lot: CarPark):
        html = client.get("/kiosk/parking", params={"plate": "沪A12345", "lang": "en"}).text
        assert "B2 zone A" in html and "Fee now" in html


class TestPhonePay:
    def test_pay_then_nothing_more_to_pay(self, client: TestClient, lot: CarPark, session):
        page = client.get("/kiosk/parking", params={"plate": "沪A12345"}).text
        link = phone_link(page)
        phone = client.get(link).text
        assert "¥20.00" in phone and "微信支付" in phone
        code = link.split("c=", 1)[1]
        from urllib.parse import unquote

        code = unquote(code)
        paid = client.post("/kiosk/m/parking/pay", data=pay_form(code, "2000"))
        assert paid.status_code == 200 and "支付成功" in paid.text and "无需缴费" in paid.text
        again = client.post("/kiosk/m/parking/pay", data=pay_form(code, "2000"))
        assert again.status_code == 409 and "无需缴费" in again.text
        assert len(session.exec(select(PaymentOrder)).all()) == 1

    def test_a_forged_or_expired_code_changes_nothing(self, client: TestClient, lot: CarPark, session):
        stay = session.exec(select(ParkingSession).where(ParkingSession.plate == "沪A12345")).one()
        expired = signed_codes.sign(
            "kiosk-car",
            {"s": lot.store.id, "p": stay.id, "x": 1, "a": ""},
            max_age=timedelta(minutes=10),
            now=utcnow() - timedelta(minutes=11),
        )
        for code in ("forged", expired):
            page = client.get("/kiosk/m/parking", params={"c": code})
            assert page.status_code == 400 and "二维码已过期或无效" in page.text
            pay = client.post("/kiosk/m/parking/pay", data=pay_form(code, "2000"))
            assert pay.status_code == 400
        assert session.exec(select(PaymentOrder)).all() == []

    def test_a_changed_amount_is_refused(self, client: TestClient, lot: CarPark, session):
        link = phone_link(client.get("/kiosk/parking", params={"plate": "沪A12345"}).text)
        from urllib.parse import unquote

        code = unquote(link.split("c=", 1)[1])
        page = client.post("/kiosk/m/parking/pay", data=pay_form(code, "1000"))
        assert page.status_code == 409 and "费用已变化" in page.text
        assert session.exec(select(PaymentOrder)).all() == []

    def test_a_pay_form_without_the_pages_token_changes_nothing(self, client: TestClient, lot: CarPark, session):
        link = phone_link(client.get("/kiosk/parking", params={"plate": "沪A12345"}).text)
        from urllib.parse import unquote

        code = unquote(link.split("c=", 1)[1])
        assert 'name="csrf_token"' in client.get(link).text
        for token in ("", "forged"):
            page = client.post("/kiosk/m/parking/pay", data=pay_form(code, "2000", csrf_token=token))
            assert page.status_code == 400 and "表单已过期" in page.text
        assert session.exec(select(PaymentOrder)).all() == []


class TestHomeTile:
    def test_the_parking_tile_is_on(self, client: TestClient, lot: CarPark):
        assert 'href="/kiosk/parking"' in client.get("/kiosk/").text
