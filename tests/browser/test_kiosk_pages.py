"""The kiosk home on the portrait touch screen and on a phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(1080, 1920), (390, 844)])
def test_home_shows_store_and_floors_without_sideways_scrolling(browser, live_server: LiveServer, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/kiosk/")
    assert page.locator(".store-name").inner_text() == "智慧示范百货"
    assert page.locator(".floor-card").count() == 4
    assert no_horizontal_overflow(page)
    card = page.locator(".floor-card").first.bounding_box()
    assert card["height"] >= 60  # a finger-sized target
    page.screenshot(path=str(SHOTS / f"kiosk-home-{width}x{height}.png"), full_page=True)
    page.locator(".floor-card", has_text="一楼").click()
    page.wait_for_url("**/kiosk/floors/1F")
    assert "雅诗兰黛" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / f"kiosk-floor-{width}x{height}.png"), full_page=True)
    context.close()
