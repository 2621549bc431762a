"""The till tells the store of a sale its supervisor discarded: the store's missing-sale alarm for that number
closes as discarded at the till (with the reason), offline discards are reported once the store is back, and
an outbox from an older agent reports its earlier discards."""

from __future__ import annotations

import sqlite3

from sqlmodel import select

from pos_bridge.agent.outbox import Outbox
from pos_bridge.agent.till import CartLine
from store.pos.models import PosDiscardedSale, PosSequenceGap
from store.sales.models import Order


def _drain(agent):
    for _ in range(20):
        agent.forwarder.round()
        if agent.outbox.counts()["queued"] == 0:
            return


def _dead_sale(agent):
    """Sale 1 lands, sale 2 is refused (dead letter), sale 3 lands: the store misses number 2."""
    agent.till.sell([CartLine("SKU-1", 1)], method="cash")
    bad = agent.outbox.add_sale({**agent.outbox.sale("T1-000001").payload, "order_no": "T1-BAD", "total_fen": 1})
    agent.till.sell([CartLine("SKU-2", 1)], method="cash")
    _drain(agent)
    agent.forwarder.heartbeat()
    return bad


def _gaps(session, device):
    session.expire_all()
    rows = session.exec(select(PosSequenceGap).where(PosSequenceGap.device_id == device.id))
    return [(g.first_seq, g.last_seq, g.resolved_at is not None, g.closed_as) for g in rows]


class TestDiscardReport:
    def test_a_discard_closes_the_stores_alarm_and_is_no_sale(self, agent, session):
        bad = _dead_sale(agent)
        assert _gaps(session, agent.device) == [(2, 2, False, "")]
        agent.till.discard_dead(bad.id, "顾客未付款 test sale")
        agent.forwarder.round()
        agent.forwarder.heartbeat()
        assert _gaps(session, agent.device) == [(2, 2, True, "discarded")]
        (row,) = session.exec(select(PosDiscardedSale)).all()
        assert (row.device_id, row.till_seq, row.order_no, row.reason) == (
            agent.device.id,
            2,
            "T1-BAD",
            "顾客未付款 test sale",
        )
        orders = session.exec(select(Order.till_seq).where(Order.terminal_id == agent.device.id)).all()
        assert sorted(orders) == [1, 3]
        assert agent.till.state()["discard_reports"] == {"queued": 0, "sent": 1, "refused": 0}
        agent.forwarder.round()  # reported once
        assert len(session.exec(select(PosDiscardedSale)).all()) == 1

    def test_a_discard_made_offline_is_reported_when_the_store_is_back(self, agent, session):
        bad = _dead_sale(agent)
        agent.store.down = True
        agent.till.discard_dead(bad.id, "test sale, offline")
        agent.forwarder.round()
        assert agent.till.state()["discard_reports"]["queued"] == 1
        assert _gaps(session, agent.device) == [(2, 2, False, "")]
        agent.store.down = False
        agent.forwarder.round()
        assert agent.till.state()["discard_reports"]["sent"] == 1
        assert _gaps(session, agent.device) == [(2, 2, True, "discarded")]

    def test_an_outbox_of_an_older_agent_reports_its_earlier_discards(self, tmp_path):
        path = tmp_path / "old.sqlite3"
        Outbox(path).close()
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TABLE discard_report")
            conn.execute(
                "INSERT INTO entry (kind, till_seq, order_no, idem_key, payload, state, last_error, created_at) "
                "VALUES ('sale', 7, 'A-7', 'k', '{}', 'discarded', 'discarded: 测试 (was: 422 unknown sku)', 0)"
            )
        outbox = Outbox(path)
        try:
            (due,) = outbox.discards_due()
            assert (due["till_seq"], due["order_no"], due["reason"]) == (7, "A-7", "测试")
        finally:
            outbox.close()
        again = Outbox(path)  # opened again: not queued twice
        try:
            assert len(again.discards_due()) == 1
        finally:
            again.close()
