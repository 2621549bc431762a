"""The dashboard: today and this month beside last year, for managers and (limited) tenants."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth.models import Role
from store.clock import business_day, utcnow
from tests.admin.report_data import one_year_before, sign_in, small_store
from tests.factories import kpi as kpi_factory
from tests.factories import premises as premises_factory


def card(html: str, grid: str, metric: str) -> str:
    """The text of one card of the ``today-cards`` or ``month-cards`` grid."""
    section = html.split(f'id="{grid}"', 1)[1].split("</div>\n</div>", 1)[0]
    found = re.search(rf'data-metric="{metric}">(.*?)</article>', section, re.S)
    assert found, f"no {metric} card in {grid}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[1])).strip()


def month_growth(shop_store) -> str:
    """The month cards' arrow: +25% over the completed days, none on the 1st (no day of the month is over)."""
    return "▲ +25.0%" if shop_store.today.day > 1 else ""


class TestTodayCards:
    def test_manager_sees_todays_revenue_so_far_beside_the_same_day_last_year(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        page = client.get("/admin/dashboard")

        assert page.status_code == 200
        text = card(page.text, "today-cards", "revenue_fen")
        assert "¥6,000.00" in text  # 1,000 + 2,000 + 3,000 today
        assert "¥4,800.00" in text  # the same day last year
        assert "▲" not in text and "%" not in text  # the day is not over: no growth yet
        assert "截至目前" in page.text

    def test_footfall_and_conversion_show_with_the_months_growth(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        html = client.get("/admin/dashboard").text

        assert "50" in card(html, "today-cards", "footfall")
        assert month_growth(shop_store) in card(html, "month-cards", "footfall")
        assert "6.0%" in card(html, "today-cards", "conversion")  # 3 orders / 50 people


class TestMonthToDate:
    def test_month_cards_add_up_the_days_of_this_month(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        html = client.get("/admin/dashboard").text

        days_this_month = 1 if shop_store.today.day == 1 else 2
        text = card(html, "month-cards", "revenue_fen")
        assert f"¥{6000 * days_this_month:,}.00" in text
        assert month_growth(shop_store) in text
        assert "人效" in html and "坪效" in html


class TestTrendChart:
    def test_chart_data_covers_the_last_30_days(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        html = client.get("/admin/dashboard").text

        data = json.loads(html.split('id="trend-chart">', 1)[1].split("</script>", 1)[0])
        assert len(data["categories"]) == 30
        assert data["series"][0]["values"][-1] == 6000.0
        assert "/admin/static/vendor/echarts" in html and "cdn" not in html.lower()


class TestTenantDashboard:
    def test_tenant_sees_only_their_own_shop(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store, Role.tenant, shop=shop_store.shops[0])

        html = client.get("/admin/dashboard").text

        assert "¥1,000.00" in card(html, "today-cards", "revenue_fen")
        assert "¥6,000.00" not in html


class TestDashboardAccess:
    def test_cashier_gets_the_forbidden_page(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store, Role.cashier)

        page = client.get("/admin/dashboard")

        assert page.status_code == 403
        assert "¥" not in page.text

    def test_signed_out_browser_goes_to_the_login_page(self, client: TestClient, session: Session) -> None:
        page = client.get("/admin/dashboard", follow_redirects=False)

        assert page.status_code == 303
        assert page.headers["location"].startswith("/admin/login")


def one_shop_store(session: Session, sales: dict[int, int]):
    """A store of one shop with ``{days back: fen}`` sales (365: the same day last year)."""
    store = premises_factory.create_store(session)
    floor = premises_factory.create_floor(session, store, code="1F", level=1)
    shop = premises_factory.create_shop(session, store, floor, code="A101", category="cosmetics", area_m2=120.0)
    premises_factory.set_headcount(session, store, 12, effective_on=date(2000, 1, 1))
    today = business_day(utcnow(), store.timezone)
    for back, total_fen in sales.items():
        day = one_year_before(today) if back == 365 else today - timedelta(days=back)
        kpi_factory.sell(session, shop, day=day, total_fen=total_fen)
    return store


class TestLongAmounts:
    def test_a_big_revenue_fits_its_card_in_wan_with_the_exact_amount_on_hover(
        self, client: TestClient, session: Session
    ) -> None:
        sign_in(client, session, one_shop_store(session, {0: 1_249_178_480}))

        html = client.get("/admin/dashboard").text

        value = html.split('data-metric="revenue_fen">', 1)[1].split('class="last"', 1)[0]
        assert 'title="¥12,491,784.80"' in value and ">¥1,249.18万<" in value

    def test_in_english_it_reads_in_millions(self, client: TestClient, session: Session) -> None:
        sign_in(client, session, one_shop_store(session, {0: 1_249_178_480}))

        html = client.get("/admin/dashboard?lang=en").text

        assert ">¥12.49M<" in html and 'title="¥12,491,784.80"' in html


class TestNoFairComparison:
    def test_a_store_without_last_years_data_shows_dashes_not_minus_100(
        self, client: TestClient, session: Session
    ) -> None:
        sign_in(client, session, one_shop_store(session, {0: 50_000}))

        html = client.get("/admin/dashboard").text

        for grid in ("today-cards", "month-cards"):
            text = card(html, grid, "revenue_fen")
            assert "¥500.00" in text and "—" in text and "%" not in text and "¥0.00" not in text
        assert 'id="baseline-incomplete"' in html and "基期数据不完整" in html

    def test_before_the_first_sale_of_the_day_today_shows_zero_and_no_arrow(
        self, client: TestClient, session: Session
    ) -> None:
        sign_in(client, session, one_shop_store(session, {800: 100, 365: 40_000}))

        html = client.get("/admin/dashboard").text

        text = card(html, "today-cards", "revenue_fen")
        assert "¥0.00" in text and "¥400.00" in text
        assert "-100" not in text and "▼" not in text
