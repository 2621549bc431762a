"""The terminals page in Chromium: a till with a backlog and a missing sale, a silent one."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from store import db
from store.auth import service as auth_service
from store.auth.models import DeviceKind
from store.pos import service as pos_service
from store.pos.schemas import HeartbeatIn
from store.premises.models import Shop
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow

pytestmark = pytest.mark.browser


def _tills() -> None:
    with Session(db.get_engine()) as session:
        shop = session.exec(select(Shop)).first()
        assert shop is not None
        _, busy = auth_service.create_device(
            session, store_id=shop.store_id, kind=DeviceKind.pos_terminal, name="收银台 1", shop_id=shop.id
        )
        auth_service.create_device(
            session, store_id=shop.store_id, kind=DeviceKind.pos_terminal, name="收银台 2", shop_id=shop.id
        )
        pos_service.heartbeat(session, busy, HeartbeatIn(outbox_backlog=0, dead_letters=1, last_seq=40, dead_seqs=[7]))
        session.commit()


def test_terminals_page(browser, live_server: LiveServer):
    _tills()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/admin/pos")
    page.fill("#username", live_server.username)
    page.fill("#password", live_server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/pos")
    text = page.inner_text("main")
    assert "收银终端" in text and "收银台 1" in text and "收银台 2" in text and "从未上报" in text
    assert "缺失销售：40 笔" in text and "#1–40" in text
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / "admin-pos-1366.png"), full_page=True)
    context.close()
