"""A store manager's morning in Chromium (issue 9): dashboard → floors → one floor's shops → one shop's
months → that view as Excel → the self-assessment report in print preview. Screenshots of every step
go to /tmp/shots/manager-*.png."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from store import db
from store.clock import business_day, utcnow
from store.premises import service as premises_service
from store.premises.models import ZoneKind
from store.premises.schemas import ZoneCreate
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow
from tests.factories import kpi as kpi_factory

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def history(live_server: LiveServer) -> LiveServer:
    """Fourteen months of sales, every few days in every shop, and the entrance counted every day."""
    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        today = business_day(utcnow(), store.timezone)
        door = premises_service.create_zone(
            session, store.id, ZoneCreate(code="E1", name="1号入口", floor_code="1F", kind=ZoneKind.entrance)
        )
        shops = premises_service.list_shops(session, store.id)
        day = (today - timedelta(days=430)).replace(day=1)
        while day <= today:
            for n, shop in enumerate(shops, start=1):
                if (day.toordinal() + n) % 3 == 0:
                    kpi_factory.sell(session, shop, day=day, total_fen=30_000 * n + day.month * 1_000)
            kpi_factory.count_in(session, door, day=day, people=600 + day.day * 10)
            day += timedelta(days=1)
    return live_server


@pytest.fixture
def page(browser, history):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(history.url + "/admin/login?next=/admin/dashboard")
    page.fill("#username", history.username)
    page.fill("#password", history.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/dashboard**")
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"manager-{name}.png"), full_page=True)


class TestManagerWalk:
    def test_dashboard_to_a_shops_trend_its_export_and_the_printed_report(self, page) -> None:
        page.wait_for_selector("[data-chart='trend-chart'][data-drawn='true']")
        shot(page, "1-dashboard")

        page.click("#to-floors")
        page.wait_for_selector("#kpi-table")
        page.wait_for_selector("[data-chart='kpi-chart'][data-drawn='true']")
        assert "▲" in page.inner_text("#kpi-table") or "▼" in page.inner_text("#kpi-table")  # growth by default
        shot(page, "2-floors")

        page.click("#kpi-table a[href*='floor=1F']")
        page.wait_for_url("**floor=1F**")
        rows = page.locator("#kpi-table tbody tr")
        assert rows.count() == 3  # 雅诗兰黛, 周大福, 兰蔻: the shops of 1F only
        assert "一楼 化妆珠宝" in page.inner_text("#kpi-table tbody")
        assert page.locator("#kpi-totals").count() == 1
        shot(page, "3-floor-shops")

        page.click("#kpi-table tbody tr:first-child a")
        page.wait_for_selector("#trend-of")
        page.wait_for_selector("[data-chart='kpi-chart'][data-drawn='true']")
        assert page.locator("#kpi-table tbody tr").count() == 12
        shot(page, "4-shop-trend")

        with page.expect_download() as download:
            page.click("#export-view-xlsx")
        saved = SHOTS / "manager-5-shop-trend.xlsx"
        download.value.save_as(saved)
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
        assert sheet.max_row == 13  # the header and the 12 months on screen
        assert "客流" not in [c.value for c in sheet[1]]  # a shop has no footfall of its own
        assert sheet.cell(1, 1).value == "月份"

        # a month of the trend opens its days, and a day its hours beside the same weekday before
        page.click("#kpi-table tbody tr:last-child a")
        page.wait_for_url("**grain=day**")
        page.wait_for_selector("[data-chart='kpi-chart'][data-drawn='true']")
        assert "周" in page.inner_text("#kpi-table tbody tr:first-child td:first-child")
        shot(page, "5b-shop-days")
        page.goto(page.url.split("/admin/")[0] + "/admin/kpi?grain=day")
        page.click("#kpi-table tbody tr:last-child a")
        page.wait_for_selector("[data-chart='hours-chart'][data-drawn='true']")
        assert page.locator("#hours-table").count() == 1
        shot(page, "5c-hours")

        page.goto(page.url.split("/admin/")[0] + "/admin/assessment")
        page.wait_for_selector(".ss-report")
        page.emulate_media(media="print")
        assert page.locator(".sidebar").is_hidden() and page.locator(".topbar").is_hidden()
        assert no_horizontal_overflow(page)
        shot(page, "6-report-print-preview")
        page.pdf(path=str(SHOTS / "manager-6-report-print.pdf"), format="A4")

    def test_the_shop_chart_keeps_names_whole_and_the_pages_print_without_the_sidebar(self, page) -> None:
        page.goto(page.url.split("/admin/")[0] + "/admin/kpi?by=shop")
        page.wait_for_selector("[data-chart='kpi-chart'][data-drawn='true']")
        assert "楼层" in page.inner_text("#kpi-table thead") and "品类" in page.inner_text("#kpi-table thead")
        page.emulate_media(media="print")
        assert page.locator(".sidebar").is_hidden()
        assert no_horizontal_overflow(page)
        shot(page, "7-shops-print")
