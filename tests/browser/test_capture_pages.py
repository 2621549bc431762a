"""Receipt capture pages in Chromium: boxes, the review queue and the template test on a portrait screen and a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from store import db
from store.capture import monitor
from store.capture import service as capture_service
from store.capture.demo import receipt_bytes
from store.capture.schemas import HeartbeatIn
from store.clock import utcnow
from store.premises.models import Shop
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow
from tests.factories.capture import create_box, create_template, fixture_bytes, job_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def captured(live_server: LiveServer) -> LiveServer:
    with db.unit_of_work() as session:
        shops = list(session.exec(select(Shop).order_by(Shop.code)))[:2]
        now = utcnow()
        for index, shop in enumerate(shops):
            _, box = create_box(session, shop)
            create_template(session, shop)
            for n in range(3):
                at = now - timedelta(hours=2, minutes=10 * n)
                data = receipt_bytes(f"T{index}-{n:04d}", at.replace(tzinfo=None), [("纯棉T恤", 2, 9900)])
                capture_service.record_job(session, box, job_in(data, seq=n, at=at))
            if index == 0:
                capture_service.record_job(session, box, job_in(fixture_bytes("hand_raster_only.bin"), seq=9))
                capture_service.heartbeat(session, box, HeartbeatIn(backlog=2), now=now)
        monitor.check(session, shops[0].store_id, now)
    return live_server


@pytest.mark.parametrize(("width", "height", "name"), [(1080, 1920, "portrait"), (390, 844, "phone")])
def test_capture_pages_fit_the_screen(browser, captured: LiveServer, width: int, height: int, name: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(captured.url + "/admin/capture")
    page.fill("#username", captured.username)
    page.fill("#password", captured.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/capture")
    assert page.locator("h1").inner_text() == "小票采集"
    page.screenshot(path=str(SHOTS / f"admin-capture-{name}.png"), full_page=True)
    assert no_horizontal_overflow(page)
    page.goto(captured.url + "/admin/capture/review")
    assert "图片" in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / f"admin-capture-review-{name}.png"), full_page=True)
    assert no_horizontal_overflow(page)
    page.goto(captured.url + "/admin/capture/templates")
    page.fill("#f-sample", "单号: Z-9\n时间: 2026-11-30 10:00:00\n合计: 198.00")
    page.click("button[value=test]")
    page.wait_for_selector("#result")
    page.screenshot(path=str(SHOTS / f"admin-capture-templates-{name}.png"), full_page=True)
    assert no_horizontal_overflow(page)
    page.goto(captured.url + "/admin/capture/reconciliation")
    page.screenshot(path=str(SHOTS / f"admin-capture-reconciliation-{name}.png"), full_page=True)
    assert no_horizontal_overflow(page)
    context.close()
