"""A manager opens the dashboard, the KPIs and the self-assessment in Chromium: charts drawn, Chinese shown,
nothing sticking out sideways at 1366×768 or on a phone (screenshots in /tmp/shots)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import db
from store.assessment import service as assessment_service
from store.assessment.schemas import EvidenceCreate
from store.clock import business_day, utcnow
from store.premises import service as premises_service
from store.premises.models import ZoneKind
from store.premises.schemas import StoreUpdate, ZoneCreate
from tests.browser.conftest import SHOTS, LiveServer, no_horizontal_overflow
from tests.factories import kpi as kpi_factory

pytestmark = pytest.mark.browser


def _seed_history() -> None:
    """Daily sales for five weeks, then one day in five back over two years; footfall at two entrances."""
    with db.unit_of_work() as session:
        store = premises_service.get_store_by_code(session, "LIVE")
        today = business_day(utcnow(), store.timezone)
        shops = premises_service.list_shops(session, store.id)
        entrances = [
            premises_service.create_zone(
                session, store.id, ZoneCreate(code=f"E{n}", name=f"{n}号入口", floor_code="1F", kind=ZoneKind.entrance)
            )
            for n in (1, 2)
        ]
        days = [today - timedelta(days=n) for n in range(35)] + [today - timedelta(days=n) for n in range(35, 760, 5)]
        for day in days:
            wave = 1 + (day.toordinal() % 7) / 10 + (0.15 if day.year == today.year else 0)
            for n, shop in enumerate(shops, start=1):
                kpi_factory.sell(session, shop, day=day, total_fen=int(180_000 * n * wave))
            for zone in entrances:
                kpi_factory.count_in(session, zone, day=day, people=int(900 * wave))
        premises_service.update_store(session, store.id, StoreUpdate(smart_upgrade_on=today - timedelta(days=300)))
        assessment_service.record_evidence(
            session,
            store.id,
            EvidenceCreate(indicator="M1", payload={"paperless": True, "office_system": True, "system_name": "钉钉"}),
            recorded_by="seed",
        )


@pytest.fixture(scope="module")
def history(live_server: LiveServer) -> LiveServer:
    _seed_history()
    return live_server


@pytest.fixture
def signed_in(browser, history: LiveServer):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(history.url + "/admin/login?next=/admin/dashboard")
    page.fill("#username", history.username)
    page.fill("#password", history.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/dashboard")
    yield page
    context.close()


def chart_drawn(page, selector: str) -> bool:
    page.wait_for_selector(f"{selector}[data-drawn=true] canvas")
    return page.locator(f"{selector} canvas").count() > 0


class TestDashboardInBrowser:
    def test_cards_and_the_30_day_chart_show_at_1366(self, signed_in):
        page = signed_in
        assert page.locator("h1").inner_text() == "仪表盘"
        assert page.locator("#today-cards .rp-card").count() == 6
        assert "¥" in page.locator("#today-cards [data-metric=revenue_fen] .value").inner_text()
        assert chart_drawn(page, "[data-chart=trend-chart]")
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "report-dashboard-1366.png"), full_page=True)

    def test_dashboard_fits_a_phone(self, signed_in):
        page = signed_in
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert chart_drawn(page, "[data-chart=trend-chart]")
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "report-dashboard-390.png"), full_page=True)


class TestKpisInBrowser:
    def test_shops_chart_and_sortable_table(self, signed_in):
        page = signed_in
        page.goto(page.url.replace("/admin/dashboard", "/admin/kpi?by=shop"))
        assert chart_drawn(page, "[data-chart=kpi-chart]")
        page.locator("#kpi-table thead th a").nth(1).click()  # sort by revenue
        page.wait_for_url("**sort=revenue_fen**")
        assert page.locator("#kpi-table tbody tr").count() == 8
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "report-kpi-shop-1366.png"), full_page=True)

    def test_months_against_last_year(self, signed_in):
        page = signed_in
        page.goto(page.url.replace("/admin/dashboard", "/admin/kpi"))
        assert chart_drawn(page, "[data-chart=kpi-chart]")
        assert page.locator("#kpi-table tbody tr").count() == 12
        assert page.locator("#kpi-table .rp-growth.up").count() > 0
        page.screenshot(path=str(SHOTS / "report-kpi-month-1366.png"), full_page=True)


class TestAssessmentInBrowser:
    def test_report_opens_with_every_indicator_and_downloads(self, signed_in):
        page = signed_in
        page.goto(page.url.replace("/admin/dashboard", "/admin/assessment"))
        assert page.locator("tr[id^=indicator-]").count() == 28
        assert "自评" in page.locator("h1").first.inner_text()
        assert "90" in page.locator(".verdict").inner_text()
        with page.expect_download() as download:
            page.click("text=下载 PDF")
        assert download.value.suggested_filename.startswith("assessment-LIVE-")
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "report-assessment-1366.png"), full_page=True)

    def test_evidence_register_keeps_the_message_beside_the_field(self, signed_in):
        page = signed_in
        page.goto(page.url.replace("/admin/dashboard", "/admin/assessment/evidence"))
        page.locator("#F3 button[type=submit]").click()
        assert page.locator("#e-F3-kind").inner_text()
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / "report-evidence-1366.png"), full_page=True)
