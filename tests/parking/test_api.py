"""The car park API (gate controllers, staff, kiosks, members) and the admin page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from admin.deps import CSRF_FIELD
from store.auth.models import DeviceKind, Role
from store.parking.models import ParkingFeeRule, ParkingSession
from tests.admin.conftest import hidden, sign_in
from tests.factories.auth import create_device, create_user, headers_for
from tests.factories.members import create_member, member_tokens
from tests.factories.parking import CarPark

API = "/api/v1/parking"


def gate(client: TestClient, park: CarPark, direction: str, plate: str, **extra):
    body = {"gate": "G-IN" if direction == "in" else "G-OUT", "direction": direction, "plate": plate, **extra}
    return client.post(f"{API}/gate-events", json=body, headers={"X-Device-Key": park.key})


class TestGateEvents:
    def test_in_and_out(self, client: TestClient, park: CarPark, session: Session):
        first = gate(client, park, "in", "沪A12345", event_id="e1")
        assert first.status_code == 200 and first.json()["outcome"] == "entered" and first.json()["open_barrier"]
        assert gate(client, park, "in", "沪A12345", event_id="e1").json()["session_id"] == first.json()["session_id"]
        out = gate(client, park, "out", "沪A12345")
        assert out.json()["outcome"] == "exited" and out.json()["open_barrier"]

    def test_unknown_plate_at_the_exit_keeps_the_barrier_down(self, client: TestClient, park: CarPark, session):
        out = gate(client, park, "out", "沪A99999")
        assert out.status_code == 200 and out.json()["outcome"] == "no_entry_record" and not out.json()["open_barrier"]
        assert session.exec(select(ParkingSession)).all() == []

    def test_an_unknown_gate_is_a_404_and_another_kind_of_device_a_403(
        self, client: TestClient, park: CarPark, session
    ):
        body = {"gate": "NOPE", "direction": "in", "plate": "沪A12345"}
        assert client.post(f"{API}/gate-events", json=body, headers={"X-Device-Key": park.key}).status_code == 404
        kiosk_key, _ = create_device(session, park.store, kind=DeviceKind.kiosk, name="K")
        body["gate"] = "G-IN"
        assert client.post(f"{API}/gate-events", json=body, headers={"X-Device-Key": kiosk_key}).status_code == 403

    def test_a_second_controller_may_not_open_this_gate(self, client: TestClient, park: CarPark, session):
        other, _ = create_device(session, park.store, kind=DeviceKind.gate_controller, name="G2")
        body = {"gate": "G-IN", "direction": "in", "plate": "沪A12345"}
        response = client.post(f"{API}/gate-events", json=body, headers={"X-Device-Key": other})
        assert response.status_code == 403 and response.json()["type"].endswith("parking-not-this-gate")


class TestStaffAndKiosk:
    def test_sessions_quote_and_rule(self, client: TestClient, park: CarPark, session: Session):
        gate(client, park, "in", "沪AD12345")
        manager = headers_for(session, create_user(session, park.store, role=Role.manager))
        page = client.get(f"{API}/sessions", headers=manager).json()
        assert page["in_lot"] == 1 and page["items"][0]["plate"] == "沪AD12345" and page["items"][0]["zone"] == "B2-A"
        quote = client.get(f"{API}/quote", params={"plate": "沪ad12345"}, headers=manager)
        assert quote.status_code == 200 and quote.json()["owed_fen"] == 0
        assert client.get(f"{API}/quote", params={"plate": "沪A02345"}, headers=manager).status_code == 404
        assert client.get(f"{API}/quote", params={"plate": "bad"}, headers=manager).status_code == 400
        rule = client.get(f"{API}/fee-rule", headers=manager).json()
        bad = client.put(f"{API}/fee-rule", json=rule | {"daily_cap_fen": 500}, headers=manager)
        assert bad.status_code == 400 and session.get(ParkingFeeRule, park.store.id) is None
        assert (
            client.put(f"{API}/fee-rule", json=rule | {"free_minutes": 15}, headers=manager).json()["free_minutes"]
            == 15
        )


class TestMemberPlates:
    def test_bind_and_list(self, client: TestClient, park: CarPark, session: Session):
        member = create_member(session, park.store)
        token = {"Authorization": f"Bearer {member_tokens(session, member).access_token}"}
        created = client.post(f"{API}/me/plates", json={"plate": "沪a·12345"}, headers=token)
        assert created.status_code == 201 and created.json() == {"plate": "沪A12345", "new_energy": False}
        assert client.post(f"{API}/me/plates", json={"plate": "沪A1234"}, headers=token).status_code == 400
        assert [p["plate"] for p in client.get(f"{API}/me/plates", headers=token).json()] == ["沪A12345"]


class TestAdminPage:
    def test_cars_gates_and_the_rule(self, client: TestClient, park: CarPark, session: Session):
        gate(client, park, "in", "沪A12345")
        manager = create_user(session, park.store, role=Role.manager)
        sign_in(client, session, manager)
        html = client.get("/admin/parking").text
        assert "场内车辆：1 辆" in html and "沪A12345" in html and "G-IN" in html and "收费规则" in html
        form = {name: "10" for name in ("free_minutes", "member_free_minutes", "spend_free_minutes")}
        form |= {"hourly_fen": "500", "daily_cap_fen": "100", "spend_threshold_fen": "0"}
        form |= {"max_discount_minutes": "0", "exit_grace_minutes": "15"}
        form[CSRF_FIELD] = hidden(html, CSRF_FIELD)
        refused = client.post("/admin/parking/fee-rule", data=form, follow_redirects=False)
        assert refused.status_code == 400 and session.get(ParkingFeeRule, park.store.id) is None
        form["daily_cap_fen"] = "3000"
        saved = client.post("/admin/parking/fee-rule", data=form, follow_redirects=False)
        assert saved.status_code == 303
        assert session.get(ParkingFeeRule, park.store.id).hourly_fen == 500  # type: ignore[union-attr]

    def test_security_sees_masked_plates_and_no_form(self, client: TestClient, park: CarPark, session: Session):
        gate(client, park, "in", "沪A12345")
        sign_in(client, session, create_user(session, park.store, role=Role.security))
        html = client.get("/admin/parking").text
        assert "沪A·***45" in html and "沪A12345" not in html and 'type="submit"' not in html.split('id="fee-rule"')[1]
