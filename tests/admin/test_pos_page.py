"""The terminals page: each till's heartbeat, outbox backlog, missing-sale alarm and old price book."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.pos import service as pos_service
from store.pos.schemas import HeartbeatIn
from tests.admin.conftest import Premises, sign_in
from tests.factories.sales import create_till, order_body


class TestTerminalsPage:
    def test_a_till_with_a_missing_sale_and_a_backlog_is_flagged(
        self, client: TestClient, session: Session, premises: Premises
    ):
        shop = next(iter(premises.shops.values()))
        key, device = create_till(session, shop)
        session.commit()
        sales = []
        for seq in (1, 3):
            body = order_body(shop)
            body["till_seq"] = seq
            sales.append({"idempotency_key": f"k{seq}", "order": body})
        assert (
            client.post("/api/v1/sales/orders/batch", json={"sales": sales}, headers={"X-Device-Key": key}).status_code
            == 200
        )
        pos_service.heartbeat(session, device, HeartbeatIn(outbox_backlog=4, dead_letters=1, last_seq=7, dead_seqs=[2]))
        sign_in(client, session, premises.manager)
        html = client.get("/admin/pos").text
        assert "收银终端" in html and "缺失销售" in html
        assert "#2" in html and "在终端异常单列表中" in html
        english = client.get("/admin/pos?lang=en").text
        assert (
            "Outbox backlog" in english and "Online" in english and "Sales waiting in the tills' outboxes: 4" in english
        )

    def test_a_sale_discarded_at_the_till_shows_its_reason_and_no_alarm(
        self, client: TestClient, session: Session, premises: Premises
    ):
        from store.pos.schemas import DiscardIn

        shop = next(iter(premises.shops.values()))
        key, device = create_till(session, shop)
        session.commit()
        sales = []
        for seq in (1, 3):
            body = order_body(shop)
            body["till_seq"] = seq
            sales.append({"idempotency_key": f"d{seq}", "order": body})
        client.post("/api/v1/sales/orders/batch", json={"sales": sales}, headers={"X-Device-Key": key})
        pos_service.heartbeat(session, device, HeartbeatIn(outbox_backlog=0, last_seq=3))
        pos_service.report_discard(session, device, DiscardIn(till_seq=2, order_no="T9-BAD", reason="顾客未付款"))
        session.commit()
        sign_in(client, session, premises.manager)
        html = client.get("/admin/pos").text
        assert "已在收银台作废，原因：顾客未付款" in html and "T9-BAD" in html
        assert "无缺失销售" in html and "收银台作废：1 笔" in html
        english = client.get("/admin/pos?lang=en").text
        assert "discarded at the till, reason: 顾客未付款" in english and "No missing sales." in english
