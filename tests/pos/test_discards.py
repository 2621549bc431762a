"""A sale the till's supervisor discards: the till reports it (``POST /pos/discards``), its number's missing-sale
alarm closes as "discarded at the till" with the reason, never as a sale; a sale arriving under that number after
all stays a sale."""

from __future__ import annotations

from sqlmodel import func, select

from store.pos.models import PosDiscardedSale, PosSequenceGap
from store.sales.models import Order
from tests.factories.sales import create_till, order_body

BATCH = "/api/v1/sales/orders/batch"
HEARTBEAT = "/api/v1/pos/heartbeat"
DISCARDS = "/api/v1/pos/discards"
TILLS = "/api/v1/pos/tills"


def _sale(shop, seq, **kwargs):
    body = order_body(shop, **kwargs)
    body["till_seq"] = seq
    return {"idempotency_key": f"sale-{seq}-{body['order_no']}", "order": body}


def _beat(client, headers, **kwargs):
    body = {"outbox_backlog": 0, "dead_letters": 0, "last_seq": 0, **kwargs}
    response = client.post(HEARTBEAT, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["till"]


def _discard(client, headers, seq, order_no="T1-BAD", reason="顾客未付款 walked out"):
    return client.post(DISCARDS, json={"till_seq": seq, "order_no": order_no, "reason": reason}, headers=headers)


def _gaps(session, device):
    session.expire_all()
    rows = session.exec(select(PosSequenceGap).where(PosSequenceGap.device_id == device.id))
    return sorted((g.first_seq, g.last_seq, g.resolved_at is not None, g.closed_as) for g in rows)


def _orders(session, device) -> int:
    return session.exec(select(func.count()).select_from(Order).where(Order.terminal_id == device.id)).one()


class TestDiscardClosesTheGap:
    def test_the_alarm_closes_as_discarded_with_the_reason_and_no_sale(self, client, session, shop, till, manager):
        headers, device = till
        client.post(BATCH, json={"sales": [_sale(shop, 1), _sale(shop, 3)]}, headers=headers)
        read = _beat(client, headers, last_seq=3, dead_letters=1, dead_seqs=[2])
        assert [(g["first_seq"], g["last_seq"]) for g in read["open_gaps"]] == [(2, 2)]
        answer = _discard(client, headers, 2)
        assert answer.status_code == 201, answer.text
        assert answer.json()["sale_arrived"] is False and answer.json()["reason"] == "顾客未付款 walked out"
        assert _gaps(session, device) == [(2, 2, True, "discarded")]
        assert _orders(session, device) == 2  # never a sale
        page = client.get(TILLS, headers=manager).json()
        assert page["missing_sales"] == 0 and page["discarded_sales"] == 1
        (item,) = page["items"]
        assert item["open_gaps"] == []
        assert [(d["till_seq"], d["order_no"], d["reason"]) for d in item["discarded"]] == [
            (2, "T1-BAD", "顾客未付款 walked out")
        ]
        # the next heartbeat (the till no longer lists it as dead) keeps it closed
        assert _beat(client, headers, last_seq=3)["open_gaps"] == []

    def test_only_the_discarded_number_closes_in_a_wider_gap(self, client, session, shop, till):
        headers, device = till
        client.post(BATCH, json={"sales": [_sale(shop, 1), _sale(shop, 5)]}, headers=headers)
        _beat(client, headers, last_seq=5)
        _discard(client, headers, 2)
        read = _beat(client, headers, last_seq=5)
        assert [(g["first_seq"], g["last_seq"]) for g in read["open_gaps"]] == [(3, 4)]
        client.post(BATCH, json={"sales": [_sale(shop, 3), _sale(shop, 4)]}, headers=headers)
        assert _beat(client, headers, last_seq=5)["open_gaps"] == []
        assert _gaps(session, device) == [(2, 4, True, "discarded"), (3, 4, True, "arrived")]

    def test_a_discard_of_the_last_number_leaves_nothing_missing(self, client, session, shop, till):
        headers, device = till
        client.post(BATCH, json={"sales": [_sale(shop, 1)]}, headers=headers)
        assert [(g["first_seq"], g["last_seq"]) for g in _beat(client, headers, last_seq=2)["open_gaps"]] == [(2, 2)]
        _discard(client, headers, 2, reason="test sale")
        assert _beat(client, headers, last_seq=2)["open_gaps"] == []
        assert _gaps(session, device) == [(2, 2, True, "discarded")]


class TestTheSaleIsNeverHidden:
    def test_a_sale_arriving_after_the_discard_report_counts_as_a_sale(self, client, session, shop, till, manager):
        headers, device = till
        client.post(BATCH, json={"sales": [_sale(shop, 1), _sale(shop, 3)]}, headers=headers)
        _beat(client, headers, last_seq=3)
        _discard(client, headers, 2)
        late = client.post(BATCH, json={"sales": [_sale(shop, 2)]}, headers=headers).json()["results"][0]
        assert late["status"] == 201 and late["order"]["till_seq"] == 2
        assert _orders(session, device) == 3
        page = client.get(TILLS, headers=manager).json()
        (item,) = page["items"]
        assert page["discarded_sales"] == 0 and item["server_seq"] == 3
        assert [(d["till_seq"], d["sale_arrived"]) for d in item["discarded"]] == [(2, True)]

    def test_a_discard_report_for_a_stored_sale_changes_nothing_about_it(self, client, session, shop, till, manager):
        headers, device = till
        client.post(BATCH, json={"sales": [_sale(shop, 1), _sale(shop, 2)]}, headers=headers)
        answer = _discard(client, headers, 2, order_no="T1-OTHER")
        assert answer.status_code == 201 and answer.json()["sale_arrived"] is True
        assert _orders(session, device) == 2
        assert client.get(TILLS, headers=manager).json()["discarded_sales"] == 0
        assert _gaps(session, device) == []

    def test_a_gap_closed_by_a_sale_and_a_discard_says_so(self, client, session, shop, till):
        headers, device = till
        client.post(BATCH, json={"sales": [_sale(shop, 1), _sale(shop, 4)]}, headers=headers)
        _beat(client, headers, last_seq=4)
        client.post(BATCH, json={"sales": [_sale(shop, 2)]}, headers=headers)
        _discard(client, headers, 3)
        assert _gaps(session, device) == [(2, 3, True, "mixed")]


class TestReports:
    def test_a_repeat_is_answered_with_the_first_report_and_stored_once(self, client, session, shop, till):
        headers, device = till
        first = _discard(client, headers, 4)
        again = _discard(client, headers, 4, reason="typed again")
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["reason"] == first.json()["reason"]
        assert session.exec(select(func.count()).select_from(PosDiscardedSale)).one() == 1

    def test_another_order_under_a_reported_number_is_a_conflict(self, client, session, shop, till):
        headers, _ = till
        _discard(client, headers, 4)
        answer = _discard(client, headers, 4, order_no="T1-ELSE")
        assert answer.status_code == 409 and answer.json()["type"].endswith("pos-discard-conflict")

    def test_bad_reports_are_refused_and_nothing_is_written(self, client, session, shop, till):
        headers, _ = till
        for body in (
            {"till_seq": 0, "order_no": "A", "reason": "ok reason"},
            {"till_seq": 2, "order_no": "", "reason": "ok reason"},
            {"till_seq": 2, "order_no": "A", "reason": " "},
            {"till_seq": 2, "order_no": "A", "reason": "  x  "},
            {"till_seq": 2, "order_no": "A"},
        ):
            assert client.post(DISCARDS, json=body, headers=headers).status_code in (400, 422), body
        assert session.exec(select(func.count()).select_from(PosDiscardedSale)).one() == 0

    def test_only_a_till_reports_and_only_for_itself(self, client, session, shop, till, manager):
        headers, device = till
        assert client.post(DISCARDS, json={"till_seq": 1, "order_no": "A", "reason": "r r"}).status_code == 401
        assert (
            client.post(DISCARDS, json={"till_seq": 1, "order_no": "A", "reason": "r r"}, headers=manager).status_code
            == 403
        )
        other_key, other = create_till(session, shop)
        session.commit()
        _discard(client, {"X-Device-Key": other_key}, 1)
        session.expire_all()
        rows = session.exec(select(PosDiscardedSale)).all()
        assert [(r.device_id, r.till_seq) for r in rows] == [(other.id, 1)]
        assert _discard(client, headers, 1, order_no="T1-MINE").status_code == 201  # its own number 1
