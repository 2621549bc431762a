"""The cashier screen in Chromium, with the keyboard only: scan, quantities, pay, reprint, refund, offline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

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
