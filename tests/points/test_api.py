"""The points API as a till and a manager use it: balance, redemption retried, holds, adjustments, bad input."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from store.auth.models import Role
from store.points import service
from store.points.models import PointsEntry
from tests.factories.points import create_member, sale
from tests.factories.premises import create_shop, create_store
from tests.factories.sales import create_till, staff_token

P = "/api/v1/points"


@pytest.fixture
def shop(session):
    return create_shop(session, create_store(session))


@pytest.fixture
def member(session, shop):
    m = create_member(session, shop.store_id)
    service.open_balance(session, member_id=m.id, points=1_000, expires_on=None, source="test")
    session.commit()
    return m


@pytest.fixture
def till(session, shop):
    key, _ = create_till(session, shop)
    session.commit()
    return {"X-Device-Key": key}


@pytest.fixture
def manager(session, shop):
    token = staff_token(session, shop.store_id, Role.manager)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def entries(session, member) -> int:
    return session.exec(select(func.count()).where(PointsEntry.member_id == member.id)).one()


def test_till_reads_the_balance(client, member, till):
    body = client.get(f"{P}/members/{member.id}", headers=till).json()
    assert (body["points"], body["phone_masked"], body["debt"]) == (1_000, member.phone_masked, 0)


def test_redemption_retried_with_the_same_key_happens_once(client, session, member, till):
    headers = {**till, "Idempotency-Key": "coupon-77"}
    first = client.post(f"{P}/members/{member.id}/redemptions", json={"points": 300}, headers=headers)
    again = client.post(f"{P}/members/{member.id}/redemptions", json={"points": 300}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert client.get(f"{P}/members/{member.id}", headers=till).json()["points"] == 700


@pytest.mark.parametrize("points", [1_001, -5, 0, 2.5, "ten", True, None])
def test_bad_redemptions_change_nothing(client, session, member, till, points):
    before = entries(session, member)
    response = client.post(f"{P}/members/{member.id}/redemptions", json={"points": points}, headers=till)
    assert response.status_code in (400, 409, 422)
    assert response.headers["content-type"].startswith("application/problem+json")
    if points == 1_001:
        assert response.json()["type"].endswith("/points-insufficient")
    assert entries(session, member) == before


def test_member_of_another_store_reads_as_not_found(client, session, till):
    stranger = create_member(session, create_store(session))
    session.commit()
    response = client.get(f"{P}/members/{stranger.id}", headers=till)
    assert response.status_code == 404
    assert response.json()["type"].endswith("/points-member-not-found")


def test_hold_then_confirm_and_hold_then_release(client, member, till):
    held = client.post(f"{P}/members/{member.id}/holds", json={"points": 400, "hold_key": "T1-0001"}, headers=till)
    assert held.status_code == 201 and held.json()["status"] == "held"
    assert client.get(f"{P}/members/{member.id}", headers=till).json()["points"] == 600
    done = client.post(f"{P}/holds/T1-0001/confirm", json={"order_no": "A-1"}, headers=till)
    assert done.json()["status"] == "confirmed"
    client.post(f"{P}/members/{member.id}/holds", json={"points": 100, "hold_key": "T1-0002"}, headers=till)
    assert client.post(f"{P}/holds/T1-0002/release", headers=till).json()["status"] == "released"
    assert client.get(f"{P}/members/{member.id}", headers=till).json()["points"] == 600
    closed = client.post(f"{P}/holds/T1-0002/confirm", json={"order_no": "A-2"}, headers=till)
    assert closed.status_code == 409


def test_adjustment_needs_a_manager_and_a_reason(client, session, member, till, manager):
    url = f"{P}/members/{member.id}/adjustments"
    assert client.post(url, json={"points": 50, "reason": "goodwill"}, headers=till).status_code in (401, 403)
    before = entries(session, member)
    refused = client.post(url, json={"points": 50, "reason": "  "}, headers=manager)
    assert refused.status_code == 400 and refused.json()["type"].endswith("/points-reason-required")
    assert entries(session, member) == before
    made = client.post(url, json={"points": -50, "reason": "duplicate card"}, headers=manager)
    assert made.status_code == 201 and made.json()["reason"] == "duplicate card"
    assert client.get(f"{P}/members/{member.id}", headers=manager).json()["points"] == 950


def test_history_pages_newest_first(client, member, till):
    for i in range(3):
        client.post(
            f"{P}/members/{member.id}/redemptions", json={"points": 10}, headers={**till, "Idempotency-Key": f"k{i}"}
        )
    page = client.get(f"{P}/members/{member.id}/entries", params={"limit": 2}, headers=till).json()
    assert [e["kind"] for e in page["items"]] == ["redeem", "redeem"]
    rest = client.get(
        f"{P}/members/{member.id}/entries", params={"limit": 2, "before_id": page["next_before_id"]}, headers=till
    ).json()
    assert [e["kind"] for e in rest["items"]] == ["redeem", "adjust"]


def test_rules_and_liability_export(client, session, shop, manager):
    made = client.post(f"{P}/rules", json={"kind": "base", "fen_per_point": 50, "shop_id": shop.id}, headers=manager)
    assert made.status_code == 201
    assert [r["fen_per_point"] for r in client.get(f"{P}/rules", headers=manager).json()] == [50]
    promo = client.post(f"{P}/rules", json={"kind": "promo", "multiplier_pct": 200}, headers=manager)
    assert promo.status_code == 400  # a promotion needs its period
    buyer = create_member(session, shop.store_id)
    order = sale(session, shop, buyer, day=date(2026, 2, 3), total_fen=10_000)
    service.award_order(session, order.id)
    session.commit()
    report = client.get(f"{P}/liability", params={"start": "2026-01", "end": "2026-02"}, headers=manager).json()
    feb = report["months"][1]
    assert (feb["earned"], feb["closing_points"], feb["closing_value_fen"]) == (200, 200, 200)
    csv_text = client.get(
        f"{P}/liability", params={"start": "2026-02", "end": "2026-02", "format": "csv"}, headers=manager
    ).text
    assert csv_text.splitlines()[1].startswith("2026-02,0,200,")
    xlsx = client.get(
        f"{P}/liability", params={"start": "2026-02", "end": "2026-02", "format": "xlsx"}, headers=manager
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "2026-02" and sheet["H2"].value == 200


def test_member_reads_own_points_in_the_mini_program(client, session, member):
    from tests.factories.members import member_tokens

    tokens = member_tokens(session, member)
    session.commit()
    mine = {"Authorization": f"Bearer {tokens.access_token}"}
    assert client.get(f"{P}/me", headers=mine).json()["points"] == 1_000
    assert [e["points"] for e in client.get(f"{P}/me/entries", headers=mine).json()["items"]] == [1_000]
    soon = client.get(f"{P}/me/expiring", params={"within_days": 800}, headers=mine).json()
    assert [lot["remaining"] for lot in soon] == [1_000]
    assert client.get(f"{P}/members/{member.id}", headers=mine).status_code == 401


def test_my_data_export_holds_my_points_balance_ledger_and_lots(client, session, member):
    from tests.factories.members import member_tokens

    tokens = member_tokens(session, member)
    session.commit()
    data = client.get("/api/v1/members/me/export", headers={"Authorization": f"Bearer {tokens.access_token}"}).json()
    assert data["points"]["balance"] == 1_000 and data["points"]["debt"] == 0
    assert [(e["kind"], e["points"]) for e in data["points"]["entries"]] == [("adjust", 1_000)]
    assert [lot["remaining"] for lot in data["points"]["lots"]] == [1_000]


def test_an_offline_sale_gets_its_member_and_points_at_sync_once(client, session, shop, member, till):
    from sqlalchemy import select as sa_select

    from store.kpi.models import SALES_TABLE
    from store.members import codes
    from tests.factories.sales import order_body

    body = order_body(shop, lines=((1, 12_345, 0),))  # made offline: posted without the member
    assert client.post("/api/v1/sales/orders", json=body, headers={**till, "Idempotency-Key": "o1"}).status_code == 201
    scanned = __import__("datetime").datetime.fromisoformat(body["ordered_at"])
    code = codes.make(shop.store_id, member.id, codes.step_at(scanned)).digits
    claim = {"order_no": body["order_no"], "code": code, "scanned_at": scanned.isoformat()}
    first = client.post(f"{P}/offline-claims", json=claim, headers=till)
    assert first.status_code == 200, first.text
    assert (first.json()["new"], first.json()["points_awarded"]) == (True, 123)
    again = client.post(f"{P}/offline-claims", json=claim, headers=till).json()
    assert (again["new"], again["points_awarded"]) == (False, 123)
    assert client.get(f"{P}/members/{member.id}", headers=till).json()["points"] == 1_000 + 123
    member_revenue = session.execute(sa_select(SALES_TABLE.c.member_revenue_fen)).scalars().all()
    assert sum(member_revenue) == 12_345  # the KPI rollup counts the sale as a member's now


@pytest.mark.parametrize("problem", ["wrong-code", "no-such-sale", "other-time", "kiosk"])
def test_a_bad_offline_claim_names_no_member_and_awards_nothing(client, session, shop, member, till, problem):
    from datetime import datetime, timedelta

    from store.members import codes
    from store.sales.models import Order
    from tests.factories.sales import create_till, order_body

    body = order_body(shop)
    client.post("/api/v1/sales/orders", json=body, headers={**till, "Idempotency-Key": "o1"})
    scanned = datetime.fromisoformat(body["ordered_at"])
    code = codes.make(shop.store_id, member.id, codes.step_at(scanned)).digits
    claim = {"order_no": body["order_no"], "code": code, "scanned_at": scanned.isoformat()}
    headers = till
    if problem == "wrong-code":
        claim["code"] = code[:-1] + str((int(code[-1]) + 1) % 10)
    elif problem == "no-such-sale":
        claim["order_no"] = "NOPE"
    elif problem == "other-time":  # a genuine code, but scanned an hour away from the sale
        later = scanned + timedelta(hours=1)
        claim = {**claim, "code": codes.make(shop.store_id, member.id, codes.step_at(later)).digits}
        claim["scanned_at"] = later.isoformat()
    else:
        key, _ = create_till(session, shop, kind=__import__("store.auth.models").auth.models.DeviceKind.kiosk)
        session.commit()
        headers = {"X-Device-Key": key}
    answer = client.post(f"{P}/offline-claims", json=claim, headers=headers)
    assert answer.status_code in (400, 403, 404), answer.text
    session.expire_all()
    assert session.exec(select(Order.member_id)).all() == [None]
    assert entries(session, member) == 1


def test_a_till_refunds_named_lines_and_the_points_of_those_lines_go(client, session, shop, member, till):
    from tests.factories.sales import order_body

    body = order_body(shop, lines=((1, 6_000, 0), (1, 4_000, 0)), member_id=member.id)
    order = client.post("/api/v1/sales/orders", json=body, headers={**till, "Idempotency-Key": "o1"}).json()
    service.award_order(session, order["id"])
    session.commit()
    url = f"/api/v1/sales/orders/{order['id']}/refunds"
    bad = client.post(url, json={"amount_fen": 100, "lines": [{"line_no": 7, "quantity": 1}]}, headers=till)
    assert bad.status_code == 400 and bad.json()["type"].endswith("/refund-lines-invalid")
    assert "no line 7" in bad.json()["detail"]
    good = client.post(url, json={"amount_fen": 4_000, "lines": [{"line_no": 2, "quantity": 1}]}, headers=till)
    assert good.status_code == 201, good.text
    service.reverse_refund(session, good.json()["id"])
    session.commit()
    assert client.get(f"{P}/members/{member.id}", headers=till).json()["points"] == 1_000 + 60


def test_a_captured_receipt_names_its_member_by_phone_and_the_sale_earns(client, session, shop):
    from store.auth.models import DeviceKind
    from store.members import phones
    from tests.factories.sales import create_till, order_body

    member = create_member(session, shop.store_id)
    member.phone_hash = phones.phone_hash(phones.normalise("13800138000"))
    box, _ = create_till(session, shop, kind=DeviceKind.capture_box)
    session.commit()
    headers = {"X-Device-Key": box}
    body = order_body(shop, lines=((1, 5_000, 0),))
    assert (
        client.post("/api/v1/sales/orders", json=body, headers={**headers, "Idempotency-Key": "c1"}).status_code == 201
    )
    unknown = client.post(
        f"{P}/offline-claims", json={"order_no": body["order_no"], "phone": "13900139000"}, headers=headers
    )
    assert unknown.status_code == 404 and unknown.json()["type"].endswith("/member-not-found")
    both = {"order_no": body["order_no"], "phone": "13800138000", "code": "8" * 18}
    assert client.post(f"{P}/offline-claims", json=both, headers=headers).status_code == 400
    claim = {"order_no": body["order_no"], "phone": "138 0013 8000"}
    first = client.post(f"{P}/offline-claims", json=claim, headers=headers).json()
    assert (first["member_id"], first["new"], first["points_awarded"]) == (member.id, True, 50)
    again = client.post(f"{P}/offline-claims", json=claim, headers=headers).json()
    assert (again["new"], again["points_awarded"]) == (False, 50)
    assert entries(session, member) == 1
