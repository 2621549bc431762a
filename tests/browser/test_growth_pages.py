"""A manager reads KPIs whose data has gaps and a one-month self-assessment in Chromium: the gaps show as
"—" with the days covered, never as zeros, and the report says a filing covers 12 months (screenshots in
/tmp/shots)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import db
from store.clock import business_day, utcnow
from store.premises import service as premises_service
from store.premises.models import ZoneKind
from store.premises.schemas import StoreUpdate, ZoneCreate
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow
from tests.factories import kpi as kpi_factory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def gaps(live_server: LiveServer) -> tuple[LiveServer, str, str]:
    """Sales every day of last month and the month before; the cameras count from the 11th of last month."""
    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        today = business_day(utcnow(), store.timezone)
        last = today.replace(day=1) - timedelta(days=1)
        first = (last.replace(day=1) - timedelta(days=1)).replace(day=1)
        door = premises_service.create_zone(
            session, store.id, ZoneCreate(code="E9", name="9号入口", floor_code="1F", kind=ZoneKind.entrance)
        )
        shops = premises_service.list_shops(session, store.id)
        day = first
        while day <= last:
            for n, shop in enumerate(shops, start=1):
                kpi_factory.sell(session, shop, day=day, total_fen=100_000 * n)
            if day >= last.replace(day=11):
                kpi_factory.count_in(session, door, day=day, people=800)
            day += timedelta(days=1)
        premises_service.update_store(session, store.id, StoreUpdate(smart_upgrade_on=last.replace(day=1)))
    return live_server, f"{first:%Y-%m}", f"{last:%Y-%m}"


@pytest.fixture
def page(browser, gaps):
    server = gaps[0]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(server.url + "/admin/login?next=/admin/kpi")
    page.fill("#username", server.username)
    page.fill("#password", server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/kpi**")
    yield page
    context.close()


class TestGapsInBrowser:
    def test_uncounted_days_show_a_dash_with_the_days_counted(self, page, gaps):
        _server, first, last = gaps
        page.goto(page.url.split("/admin/")[0] + f"/admin/kpi?by=month&from={first}&to={last}")
        rows = page.locator("#kpi-table tbody tr")
        assert rows.count() == 2
        assert "客流计数仅覆盖" in rows.nth(1).inner_text() and "天中的 0 天" in rows.nth(0).inner_text()
        assert page.locator("#coverage-note").is_visible()
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "growth-kpi-gaps-1366.png"), full_page=True)

    def test_a_one_month_report_says_a_filing_covers_twelve_months(self, page, gaps):
        _server, first, last = gaps
        page.goto(page.url.split("/admin/")[0] + f"/admin/assessment?from={last}&to={last}")
        assert "12 个月" in page.locator("#short-period").inner_text()
        assert page.locator("#indicator-B1").is_visible()  # the upgrade month itself: nothing after it to score
        page.screenshot(path=str(SHOTS / "growth-assessment-short-1366.png"), full_page=True)
