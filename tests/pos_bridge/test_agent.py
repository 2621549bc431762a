"""The till agent: sells offline, forwards in order, dead letters never block, shifts close only when empty."""

from __future__ import annotations

import pytest
from sqlmodel import select

from pos_bridge.agent.till import CartLine, TillError
from store.payments.simulator import SIMULATOR
from store.sales.models import Order


def _server_orders(session, device):
    session.expire_all()
    return list(session.exec(select(Order).where(Order.terminal_id == device.id).order_by(Order.till_seq)))


def _drain(agent):
    for _ in range(20):
        agent.forwarder.round()
        if agent.outbox.counts()["queued"] == 0:
            return


class TestSellingOffline:
    def test_sales_made_offline_reach_the_store_in_order_once(self, agent, session):
        agent.store.down = True
        agent.forwarder.heartbeat()
        for n in range(5):
            result = agent.till.sell([CartLine("SKU-1", n + 1)], method="cash")
            assert result["status"] == "done"
        agent.forwarder.round()
        assert agent.till.state()["online"] is False and agent.till.state()["queued"] == 5
        assert len(agent.printer.receipts) == 5  # the receipts printed while offline, after each commit
        agent.store.down = False
        _drain(agent)
        orders = _server_orders(session, agent.device)
        assert [o.till_seq for o in orders] == [1, 2, 3, 4, 5]
        assert [o.total_fen for o in orders] == [1000, 2000, 3000, 4000, 5000]
        assert agent.outbox.counts() == {"queued": 0, "sent": 5, "dead": 0, "discarded": 0}

    def test_an_unknown_sku_is_refused_at_the_till(self, agent):
        with pytest.raises(TillError, match="NOPE"):
            agent.till.sell([CartLine("NOPE", 1)], method="cash")

    def test_electronic_payment_needs_the_store(self, agent):
        agent.store.down = True
        agent.forwarder.heartbeat()
        with pytest.raises(TillError, match="cash only"):
            agent.till.sell([CartLine("SKU-1", 1)], method="wechat")


class TestDeadLetters:
    def test_a_bad_sale_waits_for_the_supervisor_and_the_rest_go_on(self, agent, session):
        agent.till.sell([CartLine("SKU-1", 1)], method="cash")
        bad = agent.outbox.add_sale({**agent.outbox.sale("T1-000001").payload, "order_no": "T1-BAD", "total_fen": 1})
        agent.till.sell([CartLine("SKU-2", 1)], method="cash")
        _drain(agent)
        assert [o.till_seq for o in _server_orders(session, agent.device)] == [1, 3]
        dead = agent.outbox.entries("dead")
        assert [e.id for e in dead] == [bad.id] and "add up" in dead[0].last_error
        agent.forwarder.heartbeat()
        with pytest.raises(TillError, match="cannot close"):
            agent.till.close_shift()
        agent.outbox.resend(bad.id, {**bad.payload, "total_fen": 1000})
        _drain(agent)
        assert [o.till_seq for o in _server_orders(session, agent.device)] == [1, 2, 3]
        assert agent.till.close_shift() == {"shift": "closed"}
        with pytest.raises(TillError, match="shift is closed"):
            agent.till.sell([CartLine("SKU-1", 1)], method="cash")

    def test_a_sale_for_an_unknown_sku_is_dead_lettered_and_the_rest_land(self, agent, session):
        agent.till.sell([CartLine("SKU-1", 1)], method="cash")
        first = agent.outbox.sale("T1-000001").payload
        line = {**first["lines"][0], "sku": "GONE-9"}
        bad = agent.outbox.add_sale({**first, "order_no": "T1-GONE", "lines": [line]})
        agent.till.sell([CartLine("SKU-2", 1)], method="cash")
        _drain(agent)
        assert [o.till_seq for o in _server_orders(session, agent.device)] == [1, 3]
        (dead,) = agent.outbox.entries("dead")
        assert dead.id == bad.id and dead.last_error.startswith("422") and "GONE-9" in dead.last_error

    def test_the_supervisor_corrects_the_sku_and_quantity_and_resends(self, agent, session):
        agent.till.sell([CartLine("SKU-1", 1)], method="cash")
        first = agent.outbox.sale("T1-000001").payload
        bad = agent.outbox.add_sale({**first, "order_no": "T1-GONE", "lines": [{**first["lines"][0], "sku": "GONE"}]})
        _drain(agent)
        (dead,) = agent.till.dead_letters()
        assert dead["id"] == bad.id and "GONE" in dead["error"]
        with pytest.raises(TillError, match="every line"):
            agent.till.fix_dead(bad.id, [])
        with pytest.raises(TillError, match="NOPE"):
            agent.till.fix_dead(bad.id, [CartLine("NOPE", 1)])
        result = agent.till.fix_dead(bad.id, [CartLine("SKU-3", 2)])
        assert result["total_fen"] == 6000
        _drain(agent)
        orders = _server_orders(session, agent.device)
        assert [(o.order_no, o.till_seq, o.total_fen) for o in orders] == [("T1-000001", 1, 1000), ("T1-GONE", 2, 6000)]
        assert agent.till.dead_letters() == []

    def test_an_electronic_sale_keeps_its_total_when_fixed(self, agent):
        agent.till.sell([CartLine("SKU-2", 1)], method="wechat", auth_code="134567890123456789")
        first = agent.outbox.sale("T1-000001").payload
        bad = agent.outbox.add_sale({**first, "order_no": "T1-E", "lines": [{**first["lines"][0], "sku": "GONE"}]})
        _drain(agent)
        with pytest.raises(TillError, match="total must stay"):
            agent.till.fix_dead(bad.id, [CartLine("SKU-3", 1)])
        assert agent.till.fix_dead(bad.id, [CartLine("SKU-2", 1)])["total_fen"] == 2000

    def test_a_discarded_dead_letter_keeps_its_reason_and_frees_the_shift(self, agent, session):
        agent.till.sell([CartLine("SKU-1", 1)], method="cash")
        first = agent.outbox.sale("T1-000001").payload
        bad = agent.outbox.add_sale({**first, "order_no": "T1-BAD", "total_fen": 1})
        _drain(agent)
        with pytest.raises(TillError, match="reason"):
            agent.till.discard_dead(bad.id, " ")
        agent.till.discard_dead(bad.id, "顾客未付款 test sale")
        with pytest.raises(TillError, match="no dead letter"):
            agent.till.discard_dead(bad.id, "again")
        kept = agent.outbox.get(bad.id)
        assert kept.state == "discarded" and kept.last_error.startswith("discarded: 顾客未付款 test sale")
        assert agent.outbox.counts()["discarded"] == 1
        assert agent.till.close_shift() == {"shift": "closed"}

    def test_an_outbox_file_from_before_discard_is_upgraded(self, tmp_path):
        import sqlite3

        from pos_bridge.agent.outbox import SCHEMA, Outbox

        path = tmp_path / "old.sqlite3"
        with sqlite3.connect(path) as conn:
            conn.executescript(SCHEMA.replace(", 'discarded'", ""))
            conn.execute(
                "INSERT INTO entry (kind, till_seq, order_no, idem_key, payload, state, created_at) "
                "VALUES ('sale', 1, 'A-1', 'k', '{}', 'dead', 0)"
            )
        outbox = Outbox(path)
        try:
            assert outbox.discard(1, "old").state == "discarded"
        finally:
            outbox.close()

    def test_the_store_shows_the_missing_sale_while_it_is_dead(self, agent, session):
        from store.pos.models import PosSequenceGap

        agent.till.sell([CartLine("SKU-1", 1)], method="cash")
        agent.outbox.add_sale({**agent.outbox.sale("T1-000001").payload, "order_no": "T1-BAD", "total_fen": 1})
        agent.till.sell([CartLine("SKU-2", 1)], method="cash")
        _drain(agent)
        agent.forwarder.heartbeat()
        session.expire_all()
        gaps = session.exec(select(PosSequenceGap).where(PosSequenceGap.device_id == agent.device.id)).all()
        assert [(g.first_seq, g.last_seq, g.resolved_at) for g in gaps] == [(2, 2, None)]


class TestPaymentsAndRefunds:
    def test_unknown_payment_stays_pending_then_the_sale_lands_and_prints(self, agent, session):
        SIMULATOR.reset()
        SIMULATOR.script(create="unknown", query=["unknown", "paid"])
        try:
            result = agent.till.sell([CartLine("SKU-2", 1)], method="alipay", auth_code="2812345678901234")
            assert result["status"] == "pending"
            assert agent.printer.receipts == [] and agent.outbox.counts()["queued"] == 0
            agent.forwarder.round()  # the network still does not know
            assert agent.till.state()["pending"]
            agent.forwarder.round()
            _drain(agent)
            assert len(agent.printer.receipts) == 1
            (order,) = _server_orders(session, agent.device)
            assert order.order_no == result["order_no"] and order.total_fen == 2000
        finally:
            SIMULATOR.reset()

    def test_a_refund_goes_back_to_the_original_method(self, agent, session):
        SIMULATOR.reset()
        sale = agent.till.sell([CartLine("SKU-3", 1)], method="wechat", auth_code="134567890123456789")
        refund = agent.till.refund(sale["order_no"], 1000, "退货")
        assert refund["method"] == "wechat"
        assert any(kind == "refund" for kind, _ in SIMULATOR.calls)
        with pytest.raises(TillError, match="at most 2000"):
            agent.till.refund(sale["order_no"], 2500, "")
        _drain(agent)
        (order,) = _server_orders(session, agent.device)
        assert order.refunded_fen == 1000

    def test_a_declined_payment_asks_for_another_attempt(self, agent):
        SIMULATOR.reset()
        SIMULATOR.script(create="declined")
        try:
            with pytest.raises(TillError, match="declined"):
                agent.till.sell([CartLine("SKU-1", 1)], method="ecny", auth_code="0123")
            SIMULATOR.script(create="paid")
            assert agent.till.sell([CartLine("SKU-1", 1)], method="ecny")["status"] == "done"
        finally:
            SIMULATOR.reset()

    def test_reprint_says_so_on_the_paper(self, agent):
        sale = agent.till.sell([CartLine("SKU-1", 2)], method="cash")
        agent.till.reprint(sale["order_no"])
        assert "重打".encode("gb18030") in agent.printer.receipts[-1]
        assert "重打".encode("gb18030") not in agent.printer.receipts[0]


class TestMemberCodesOffline:
    def test_a_real_qr_code_is_checked_offline_and_its_points_claimed_at_sync(self, agent, session):
        from datetime import UTC, datetime

        from store.members import codes
        from store.points.models import PointsEntry
        from tests.factories.members import create_member

        member = create_member(session, agent.shop.store_id)
        session.commit()
        agent.forwarder.sync_members()
        agent.store.down = True
        agent.forwarder.heartbeat()
        step = codes.step_at(datetime.now(UTC))
        code = codes.make(agent.shop.store_id, member.id, step)
        qr = codes.qr_payload(agent.shop.store_id, code)
        with pytest.raises(TillError, match="QR"):
            agent.till.member(code.digits)  # the digits alone need the store
        with pytest.raises(TillError, match="not valid"):
            agent.till.member(qr[:-4] + ("AAAA" if not qr.endswith("AAAA") else "BBBB"))
        found = agent.till.member(qr)
        assert found["offline"] is True and found["member_no"] == member.member_no
        with pytest.raises(TillError, match="used"):
            agent.till.member(qr)  # single use at this till
        agent.till.sell([CartLine("SKU-3", 1)], method="cash", member=found)
        assert "会员".encode("gb18030") in agent.printer.receipts[-1]
        agent.store.down = False
        _drain(agent)
        agent.forwarder.round()
        assert agent.outbox.claims() == {"queued": 0, "done": 1, "refused": 0}
        (order,) = _server_orders(session, agent.device)
        assert order.member_id == member.id
        awarded = session.exec(select(PointsEntry).where(PointsEntry.member_id == member.id)).all()
        assert sum(e.points for e in awarded) == 30  # 3000 fen at the default one point per yuan

    def test_a_code_of_another_store_does_not_check(self, agent, session):
        from datetime import UTC, datetime

        from store.members import codes
        from tests.factories.members import create_member
        from tests.factories.premises import create_store

        other = create_store(session)
        member = create_member(session, other)
        session.commit()
        agent.forwarder.sync_members()
        agent.store.down = True
        agent.forwarder.heartbeat()
        code = codes.make(other.id, member.id, codes.step_at(datetime.now(UTC)))
        with pytest.raises(TillError, match="not valid"):
            agent.till.member(codes.qr_payload(other.id, code))


class TestSplitTender:
    def test_part_card_part_cash_is_recorded_per_method_and_refunded_to_each(self, agent, session):
        from store.payments.models import PaymentRefund
        from store.sales.models import Payment, Refund, RefundPayment

        SIMULATOR.reset()
        sale = agent.till.sell(
            [CartLine("SKU-3", 2)], method="cash", tenders=[("unionpay", 4000), ("cash", 2000)], auth_code="6212"
        )
        assert sale["status"] == "done"
        assert "银行卡".encode("gb18030") in agent.printer.receipts[-1]
        refund = agent.till.refund(sale["order_no"], 3000, "退一件")
        assert refund["methods"] == [{"method": "unionpay", "amount_fen": 2000}, {"method": "cash", "amount_fen": 1000}]
        card_back = session.exec(select(PaymentRefund)).all()
        assert [(r.method, r.amount_fen) for r in card_back] == [("unionpay", 2000)]  # the card part: network
        last = agent.till.refund(sale["order_no"], None, "全退")  # the rest: 2000 card, 1000 cash
        assert last["methods"] == [{"method": "unionpay", "amount_fen": 2000}, {"method": "cash", "amount_fen": 1000}]
        _drain(agent)
        (order,) = _server_orders(session, agent.device)
        paid = session.exec(select(Payment).where(Payment.order_id == order.id)).all()
        assert sorted((p.method, p.amount_fen) for p in paid) == [("cash", 2000), ("unionpay", 4000)]
        assert order.refunded_fen == 6000
        refunds = session.exec(select(Refund).where(Refund.order_id == order.id)).all()
        back = session.exec(select(RefundPayment).where(RefundPayment.refund_id.in_([r.id for r in refunds]))).all()
        totals: dict[str, int] = {}
        for row in back:
            totals[row.method] = totals.get(row.method, 0) + row.amount_fen
        assert totals == {"unionpay": 4000, "cash": 2000}

    def test_a_split_must_add_up_and_charge_one_electronic_method(self, agent):
        with pytest.raises(TillError, match="add up"):
            agent.till.sell([CartLine("SKU-1", 1)], method="cash", tenders=[("cash", 500), ("wechat", 400)])
        with pytest.raises(TillError, match="at most one electronic"):
            agent.till.sell([CartLine("SKU-1", 1)], method="cash", tenders=[("alipay", 500), ("wechat", 500)])
        with pytest.raises(TillError, match="two or more"):
            agent.till.sell([CartLine("SKU-1", 1)], method="cash", tenders=[("cash", 500), ("cash", 500)])


def test_a_refund_is_shared_in_proportion_and_never_over_a_method():
    from pos_bridge.agent.till import split_refund

    assert split_refund([("unionpay", 4000), ("cash", 2000)], 3000) == [("unionpay", 2000), ("cash", 1000)]
    assert split_refund([("unionpay", 1), ("cash", 1)], 1) == [("unionpay", 1), ("cash", 0)]
    assert split_refund([("wechat", 0), ("cash", 700)], 700) == [("wechat", 0), ("cash", 700)]
    assert split_refund([("a", 333), ("b", 333), ("c", 334)], 100) == [("a", 33), ("b", 33), ("c", 34)]
    with pytest.raises(TillError):
        split_refund([("cash", 100)], 101)
