"""The dashboard: today and this month beside last year, for managers and (limited) tenants."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from store.auth.models import Role
from tests.admin.report_data import sign_in, small_store


def card(html: str, grid: str, metric: str) -> str:
    """The text of one card of the ``today-cards`` or ``month-cards`` grid."""
    section = html.split(f'id="{grid}"', 1)[1].split("</div>\n</div>", 1)[0]
    found = re.search(rf'data-metric="{metric}">(.*?)</article>', section, re.S)
    assert found, f"no {metric} card in {grid}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[1])).strip()


class TestTodayCards:
    def test_manager_sees_todays_revenue_beside_last_year_with_an_up_arrow(self, client: TestClient,
                                                                           session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        page = client.get("/admin/dashboard")

        assert page.status_code == 200
        text = card(page.text, "today-cards", "revenue_fen")
        assert "¥6,000.00" in text  # 1,000 + 2,000 + 3,000 today
        assert "¥4,800.00" in text  # the same day last year
        assert "▲ +25.0%" in text

    def test_footfall_and_conversion_show_with_their_growth(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        html = client.get("/admin/dashboard").text

        assert "50" in card(html, "today-cards", "footfall")
        assert "+25.0%" in card(html, "today-cards", "footfall")
        assert "6.0%" in card(html, "today-cards", "conversion")  # 3 orders / 50 people


class TestMonthToDate:
    def test_month_cards_add_up_the_days_of_this_month(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        html = client.get("/admin/dashboard").text

        days_this_month = 1 if shop_store.today.day == 1 else 2
        assert f"¥{6000 * days_this_month:,}.00" in card(html, "month-cards", "revenue_fen")
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
