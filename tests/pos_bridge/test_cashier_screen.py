"""The cashier screen in Chromium, with the keyboard only: scan, quantities, pay, reprint, refund, offline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from pos_bridge.agent.till import CartLine
from pos_bridge.agent.web import create_app
from tests.browser.conftest import SHOTS, browser, no_horizontal_overflow  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def screen(agent) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(agent.till), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _type(page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Enter")


class TestCashierScreen:
    def test_a_sale_from_scan_to_receipt_with_the_keyboard_only(self, browser, screen, agent):  # noqa: F811
        page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
        page.goto(screen + "/")
        page.wait_for_selector("#net.ok")
        assert page.evaluate("document.activeElement.id") == "entry"
        _type(page, "SKU-1")
        _type(page, "2*SKU-2")
        page.wait_for_function("document.querySelectorAll('#cart tbody tr').length === 2")
        assert page.inner_text("#total") == "￥50.00"
        page.keyboard.press("Enter")  # to payment
        assert "支付方式" in page.inner_text("#mode")
        page.keyboard.press("1")  # cash
        page.screenshot(path=str(SHOTS / "cashier-cart.png"))
        page.keyboard.press("Enter")
        page.wait_for_function("document.getElementById('message').textContent.includes('T1-000001')")
        assert "已完成" in page.inner_text("#message")
        assert len(agent.printer.receipts) == 1
        page.wait_for_function("document.getElementById('queued').textContent.includes('1')")

        page.keyboard.press("F6")
        _type(page, "T1-000001")
        page.wait_for_function("document.getElementById('message').textContent.includes('✓')")
        assert len(agent.printer.receipts) == 2

        page.keyboard.press("F4")
        _type(page, "T1-000001 10")
        page.wait_for_function("document.getElementById('message').textContent.includes('已退款')")
        assert "￥10.00" in page.inner_text("#message")

        _type(page, "NO-SUCH")
        page.wait_for_function("document.getElementById('message').className === 'error'")
        assert "NO-SUCH" in page.inner_text("#message")
        assert no_horizontal_overflow(page)

        agent.store.down = True
        agent.forwarder.heartbeat()
        page.wait_for_selector("#net.bad")
        assert "离线" in page.inner_text("#net")
        page.screenshot(path=str(SHOTS / "cashier-offline.png"))
        page.close()

    def test_the_screen_in_english(self, browser, screen):  # noqa: F811
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(screen + "/?lang=en")
        page.wait_for_selector("#net.ok")
        assert "Online" in page.inner_text("#net") and "Scan or type a SKU" in page.inner_text("#mode")
        page.close()


def _dead_sale(agent, order_no: str, sku: str):
    first = agent.outbox.sale("T1-000001").payload
    return agent.outbox.add_sale({**first, "order_no": order_no, "lines": [{**first["lines"][0], "sku": sku}]})


class TestDeadLetterPage:
    def test_the_supervisor_fixes_one_and_discards_another_with_the_keyboard(self, browser, screen, agent, session):  # noqa: F811
        from tests.pos_bridge.test_agent import _drain, _server_orders

        agent.till.sell([CartLine("SKU-1", 1)], method="cash")
        fixable, hopeless = _dead_sale(agent, "T1-GONE", "GONE-1"), _dead_sale(agent, "T1-TEST", "GONE-2")
        _drain(agent)
        page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
        page.goto(screen + "/")
        page.wait_for_selector("#net.ok")
        page.keyboard.press("F8")
        page.wait_for_selector("#list tbody tr.on")
        assert "上传失败待处理" in page.inner_text("#bar") and "GONE-1" in page.inner_text("#list")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.className") == "sku"
        page.keyboard.type("SKU-2")  # the code is selected: typing replaces it
        page.keyboard.press("Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type("3")
        page.screenshot(path=str(SHOTS / "cashier-dead-letter.png"))
        page.keyboard.press("F5")
        page.wait_for_function("document.getElementById('message').textContent.includes('已重新排队')")
        page.wait_for_function("document.querySelectorAll('#list tbody tr').length === 1")
        page.keyboard.press("Enter")
        page.keyboard.press("F7")
        assert page.evaluate("document.activeElement.id") == "reason"
        page.keyboard.type("测试单，作废")
        page.keyboard.press("Enter")
        page.wait_for_function("document.getElementById('message').textContent.includes('已作废')")
        page.wait_for_selector("#empty:not([hidden])")
        assert no_horizontal_overflow(page)
        page.keyboard.press("Escape")
        page.wait_for_selector("#entry")
        page.close()
        _drain(agent)
        orders = {o.order_no: o.total_fen for o in _server_orders(session, agent.device)}
        assert orders == {"T1-000001": 1000, "T1-GONE": 6000}
        assert agent.outbox.get(fixable.id).state == "sent"
        assert agent.outbox.get(hopeless.id).last_error.startswith("discarded: 测试单，作废")


def test_the_dead_letter_api_asks_for_the_supervisor_pin(agent):
    from fastapi.testclient import TestClient

    agent.till.settings.supervisor_pin = "2468"
    web = TestClient(create_app(agent.till))
    assert web.get("/api/dead").status_code == 401
    assert web.get("/api/dead", headers={"X-Supervisor-Pin": "2468"}).json() == []
    assert web.post("/api/dead/99/discard", json={"reason": "x"}).status_code == 401
    page = web.get("/dead")
    assert page.status_code == 200 and "主管" in page.text


class TestSplitTenderOnScreen:
    def test_part_card_part_cash_with_the_keyboard(self, browser, screen, agent):  # noqa: F811
        from store.payments.simulator import SIMULATOR

        SIMULATOR.reset()
        page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
        page.goto(screen + "/")
        page.wait_for_selector("#net.ok")
        _type(page, "2*SKU-3")
        page.wait_for_function("document.getElementById('total').textContent === '￥60.00'")
        page.keyboard.press("F7")
        assert "分单" in page.inner_text("#mode")
        _type(page, "2 40")  # bank card ￥40
        page.wait_for_function("document.getElementById('tenders').textContent.includes('银行卡')")
        page.keyboard.press("Enter")  # the rest, ￥20, in cash
        page.wait_for_function("document.getElementById('mode').textContent.includes('付款码')")
        page.screenshot(path=str(SHOTS / "cashier-split.png"))
        _type(page, "6212345678901234567")
        page.wait_for_function("document.getElementById('message').textContent.includes('已完成')")
        page.close()
        entry = agent.outbox.sale("T1-000001")
        assert entry.payload["payments"] == [
            {"method": "unionpay", "amount_fen": 4000},
            {"method": "cash", "amount_fen": 2000},
        ]
        assert entry.extra["payment"]["amount_fen"] == 4000
