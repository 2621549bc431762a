"""The KPI API as a manager and as tenant staff see it."""

from __future__ import annotations

from datetime import date

import pytest

from store.auth.models import Role
from tests.factories import kpi
from tests.factories.auth import staff_headers

API = "/api/v1/kpi"


@pytest.fixture
def sold(session, mall):
    kpi.sell(session, mall.beauty, day=date(2026, 3, 2), total_fen=10_000)
    kpi.sell(session, mall.fashion, day=date(2026, 3, 2), total_fen=30_000)
    return mall


class TestSeries:
    def test_a_manager_reads_every_shop(self, client, session, sold):
        response = client.get(
            f"{API}/series",
            params={"start": "2026-03-01", "end": "2026-03-31", "grain": "month", "by": "shop"},
            headers=staff_headers(session, sold.store),
        )
        assert response.status_code == 200, response.text
        assert {r["key"]: r["revenue_fen"] for r in response.json()["rows"]} == {"A01": 10_000, "B01": 30_000, "B02": 0}

    def test_tenant_staff_see_only_their_own_shop(self, client, session, sold):
        tenant = staff_headers(session, sold.store, Role.tenant, shop=sold.beauty)
        response = client.get(
            f"{API}/series",
            params={"start": "2026-03-01", "end": "2026-03-31", "grain": "month", "by": "store"},
            headers=tenant,
        )
        assert [(r["key"], r["revenue_fen"]) for r in response.json()["rows"]] == [("A01", 10_000)]

    def test_a_reversed_range_is_a_clear_400(self, client, session, sold):
        response = client.get(
            f"{API}/series",
            params={"start": "2026-03-31", "end": "2026-03-01"},
            headers=staff_headers(session, sold.store),
        )
        assert response.status_code == 400
        assert "reversed" in response.json()["detail"]

    def test_without_signing_in_nothing_is_shown(self, client, sold):
        assert client.get(f"{API}/series", params={"start": "2026-03-01", "end": "2026-03-31"}).status_code == 401


class TestDashboard:
    def test_the_store_dashboard_for_a_given_day(self, client, session, sold):
        response = client.get(
            f"{API}/dashboard", params={"today": "2026-03-02"}, headers=staff_headers(session, sold.store, Role.cashier)
        )
        assert response.status_code == 200, response.text
        assert response.json()["day"]["revenue_fen"] == 40_000


class TestCurrentMonth:
    def test_this_month_is_measured_to_today_and_marked_partial(self, client, session, sold):
        from store.clock import business_day, utcnow
        from store.kpi.periods import month_end

        today = business_day(utcnow(), sold.store.timezone)
        response = client.get(
            f"{API}/series",
            params={"start": today.replace(day=1).isoformat(), "end": month_end(today).isoformat(), "grain": "month"},
            headers=staff_headers(session, sold.store),
        )
        [row] = response.json()["rows"]
        assert (row["days"], row["partial"]) == (today.day, today != month_end(today))
