"""The e-receipt: the receipt's QR opens the sale on a phone through a link only the till could sign."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from pos_bridge.agent.till import CartLine
from tests.browser.conftest import SHOTS, browser, no_horizontal_overflow  # noqa: F401 (the fixture)
from tests.pos_bridge.test_agent import _drain


def _path(agent, order_no: str) -> str:
    agent.forwarder.fetch_receipt_key()
    link = agent.till.receipt_link(order_no)
    assert link is not None and "/kiosk/m/receipts/" in link
    return urlsplit(link).path


class TestEReceipt:
    def test_the_receipt_qr_opens_the_sale_in_chinese(self, agent, client):
        agent.forwarder.fetch_receipt_key()
        sale = agent.till.sell([CartLine("SKU-1", 2), CartLine("SKU-3", 1)], method="cash")
        printed = agent.printer.receipts[-1]
        assert b"/kiosk/m/receipts/" in printed  # the QR carries the signed link
        path = _path(agent, sale["order_no"])
        waiting = client.get(path)
        assert waiting.status_code == 404 and "尚未上传" in waiting.text  # not forwarded yet
        _drain(agent)
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["referrer-policy"] == "no-referrer"
        text = page.text
        assert "电子小票" in text and sale["order_no"] in text and "￥50.00" in text and "现金" in text
        assert "还不是会员" in text and "约可获得 50 积分" in text
        assert "E-receipt" in client.get(path + "?lang=en").text

    def test_a_guessed_or_altered_link_shows_nothing(self, agent, client):
        sale = agent.till.sell([CartLine("SKU-1", 1)], method="cash")
        _drain(agent)
        path = _path(agent, sale["order_no"])
        body, mac = path.rsplit("/", 1)[1].split(".")
        forged = client.get(f"/kiosk/m/receipts/{body}.{mac[:-2]}AA")
        assert forged.status_code == 400 and sale["order_no"] not in forged.text
        assert client.get("/kiosk/m/receipts/T1-000001").status_code == 400
        assert client.get("/kiosk/m/receipts/x.y").status_code == 400


@pytest.mark.browser
def test_the_e_receipt_on_a_phone(browser, agent, client):  # noqa: F811
    agent.forwarder.fetch_receipt_key()
    sale = agent.till.sell([CartLine("SKU-1", 2), CartLine("SKU-2", 1), CartLine("SKU-3", 3)], method="cash")
    _drain(agent)
    path = _path(agent, sale["order_no"])

    def serve(route):  # the store app in-process answers the phone's requests
        url = urlsplit(route.request.url)
        answer = client.get(url.path + (f"?{url.query}" if url.query else ""))
        route.fulfill(status=answer.status_code, headers=dict(answer.headers), body=answer.content)

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2)
    page.route("http://store.test/**", serve)
    page.goto("http://store.test" + path)
    assert "电子小票" in page.inner_text("main")
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / "e-receipt-phone.png"), full_page=True)
    page.close()
