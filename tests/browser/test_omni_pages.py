"""The online orders page in a real browser: Chinese first, a phone's width without sideways scrolling."""

from __future__ import annotations

import pytest

from store import db
from store.catalog import stock
from store.mall import service as mall_service
from store.mall.schemas import MallOrderCreate
from store.premises import service as premises_service
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow
from tests.factories.catalog import create_sku
from tests.factories.members import create_member

pytestmark = pytest.mark.browser


@pytest.fixture
def order_no(live_server: LiveServer) -> str:
    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        shop = premises_service.get_shop_by_code(session, store.id, "1F-01")  # type: ignore[arg-type]
        sku = create_sku(session, shop)
        stock.set_on_hand(session, store.id, shop.id, sku.id, 9)  # type: ignore[arg-type]
        member = create_member(session, store)
        data = MallOrderCreate(
            shop_id=shop.id,  # type: ignore[arg-type]
            lines=[{"sku": sku.code, "quantity": 2}],  # type: ignore[list-item]
            fulfilment="delivery",  # type: ignore[arg-type]
            address="上海市黄浦区南京东路1号",
        )
        return mall_service.place(session, store.id, member.id, data).order_no  # type: ignore[arg-type]


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_online_orders_page_reads_at_desk_and_phone_width(browser, live_server, order_no, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/online-orders")
    page.fill("#username", live_server.username)
    page.fill("#password", live_server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/online-orders")
    assert page.locator("h1").inner_text() == "线上订单"
    assert order_no in page.locator("#online-orders").inner_text()
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / f"admin-online-orders-{width}.png"), full_page=True)
    context.close()


def test_the_live_scheduling_form_fits_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/admin/live/new")
    page.fill("#username", live_server.username)
    page.fill("#password", live_server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/live/new")
    assert page.locator("h1").inner_text() == "新建直播排期"
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(SHOTS / "admin-live-new-390.png"), full_page=True)
    context.close()
