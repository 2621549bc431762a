"""The KPI views over time (issue 9): days, weeks or months over a range of days, the same weekday a week
or 52 weeks before, last year's line on the chart, and footfall hour by hour beside the same weekday of
the weeks before."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from admin.pages.formats import DayRange, day_range
from admin.pages.kpi import compared_range
from store.auth.models import Role
from store.kpi import service as kpi_service
from store.kpi.errors import PeriodError
from store.kpi.figures import _buckets
from store.kpi.schemas import Grain
from tests.admin.report_data import sign_in as sign_in_store
from tests.admin.report_data import small_store
from tests.factories import footfall as footfall_factory
from tests.factories import kpi as kpi_factory
from tests.factories import premises as premises_factory


def table_rows(html: str, table: str = "kpi-table") -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>") if "<td" in row]


def chart(html: str, name: str = "kpi-chart") -> dict:
    return json.loads(html.split(f'id="{name}">', 1)[1].split("</script>", 1)[0])


class TestDayRanges:
    def test_each_end_is_a_month_or_a_day(self) -> None:
        default = DayRange(date(2026, 1, 1), date(2026, 1, 31))
        assert day_range("2026-02", "2026-03", default) == DayRange(date(2026, 2, 1), date(2026, 3, 31))
        assert day_range("2026-02-03", "2026-02-09", default) == DayRange(date(2026, 2, 3), date(2026, 2, 9))
        assert day_range(None, "2026-01-20", default) == DayRange(date(2026, 1, 1), date(2026, 1, 20))

    def test_whole_months_are_written_as_months_other_ranges_as_days(self) -> None:
        assert (
            DayRange(date(2026, 2, 1), date(2026, 3, 31)).from_text,
            DayRange(date(2026, 2, 1), date(2026, 3, 31)).to_text,
        ) == ("2026-02", "2026-03")
        assert DayRange(date(2026, 2, 1), date(2026, 3, 30)).to_text == "2026-03-30"

    @pytest.mark.parametrize("text", ["2026-13", "2026-02-30", "yesterday", "2026-2-3", "20260203"])
    def test_a_bad_text_is_refused_by_code(self, text: str) -> None:
        with pytest.raises(PeriodError) as caught:
            day_range(text, None, DayRange(date(2026, 1, 1), date(2026, 1, 31)))
        assert caught.value.code in ("bad_day", "bad_month")

    def test_a_reversed_range_is_refused(self) -> None:
        with pytest.raises(PeriodError) as caught:
            day_range("2026-02-09", "2026-02-03", DayRange(date(2026, 1, 1), date(2026, 1, 31)))
        assert caught.value.code == "reversed"

    def test_a_year_before_keeps_the_months_or_the_weekdays(self) -> None:
        feb = DayRange(date(2024, 2, 1), date(2024, 2, 29))
        assert compared_range(feb, "year", months=True) == DayRange(date(2023, 2, 1), date(2023, 2, 28))
        week = DayRange(date(2026, 11, 23), date(2026, 11, 29))  # Monday to Sunday
        before = compared_range(week, "year", months=False)
        assert before.first_day.weekday() == 0 and before.days == 7
        assert compared_range(week, "week", months=False) == DayRange(date(2026, 11, 16), date(2026, 11, 22))


class TestWeeks:
    def test_weeks_run_monday_to_sunday_and_a_cut_week_is_partial(self) -> None:
        buckets = _buckets(date(2026, 11, 4), date(2026, 11, 22), Grain.week)
        assert [b.period for b in buckets] == ["2026-W45", "2026-W46", "2026-W47"]
        assert [(b.start, b.end, b.partial) for b in buckets] == [
            (date(2026, 11, 4), date(2026, 11, 8), True),
            (date(2026, 11, 9), date(2026, 11, 15), False),
            (date(2026, 11, 16), date(2026, 11, 22), False),
        ]

    def test_weeks_add_up_to_their_days(self, session: Session) -> None:
        shop_store = small_store(session)
        start, end = shop_store.today - timedelta(days=45), shop_store.today
        store_id = shop_store.store.id
        days = kpi_service.series(session, store_id, start=start, end=end, grain="day")
        weeks = kpi_service.series(session, store_id, start=start, end=end, grain="week")
        assert sum(r.revenue_fen for r in weeks) == sum(r.revenue_fen for r in days) > 0
        assert sum(r.orders for r in weeks) == sum(r.orders for r in days)
        assert sum(r.days for r in weeks) == len(days)


class TestOverTime:
    def test_days_with_their_weekday_beside_the_same_weekday_a_week_before(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)  # sales today, yesterday and 40 days ago
        sign_in_store(client, session, shop_store.store)
        today = shop_store.today
        first = today - timedelta(days=13)

        page = client.get(f"/admin/kpi?grain=day&compare=week&from={first}&to={today}")

        assert page.status_code == 200
        rows = table_rows(page.text)
        assert len(rows) == 14
        weekday = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][today.weekday()]
        assert rows[-1].startswith(f"{today.isoformat()} {weekday}")
        assert "每天与上周的同一星期几相比" in page.text
        assert 'id="kpi-averages"' in page.text and 'id="kpi-totals"' in page.text
        # the day's row opens its hours
        assert f'href="/admin/kpi/hours?day={today.isoformat()}"' in page.text
        line = chart(page.text)["series"][-1]
        assert line["dashed"] and line["name"] == "上周同日营业额（¥）"
        # a week before today there were no sales: the line is at 0 there, and today's bar is not
        assert line["values"][-1] == 0 and chart(page.text)["series"][0]["values"][-1] > 0

    def test_last_year_is_drawn_beside_each_month(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        this_month = shop_store.today.strftime("%Y-%m")

        page = client.get(f"/admin/kpi?from={this_month}&to={this_month}")

        spec = chart(page.text)
        last_year = spec["series"][-1]
        assert last_year["name"] == "去年同期营业额（元）" or last_year["name"].startswith("去年")
        assert last_year["values"] and last_year["values"][0] is not None and last_year["values"][0] > 0

    def test_weeks_name_their_days_and_lead_to_them(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)

        page = client.get("/admin/kpi?grain=week&lang=en")

        rows = table_rows(page.text)
        assert len(rows) == 12 and all(re.match(r"\d{4}-W\d\d \d\d-\d\d – \d\d-\d\d", row) for row in rows)
        assert "each week against the same week 52 weeks before" in page.text
        link = re.search(r'href="(/admin/kpi\?by=month&amp;grain=day&amp;from=[^"]+)"', page.text)
        assert link
        days = client.get(link.group(1).replace("&amp;", "&"))
        assert len(table_rows(days.text)) == 7

    def test_a_daily_series_of_more_than_400_days_is_refused(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)

        page = client.get("/admin/kpi?grain=day&from=2024-01-01&to=2025-06-30")

        assert page.status_code == 400 and "400" in page.text

    def test_a_range_of_days_in_a_breakdown_compares_with_the_same_weekdays(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        first = shop_store.today - timedelta(days=6)

        page = client.get(f"/admin/kpi?by=shop&from={first}&to={shop_store.today}&compare=week")

        before = (first - timedelta(days=7)).isoformat()
        assert f"与上周同期（{before} – " in page.text
        assert len(table_rows(page.text)) == 3

    def test_the_quick_ranges_keep_the_view(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)

        page = client.get("/admin/kpi?by=floor")

        presets = page.text.split('id="kpi-presets"', 1)[1].split("</nav>", 1)[0]
        assert presets.count("by=floor") == 6 and "近 7 天" in presets and "grain=day" in presets

    def test_the_view_export_follows_the_grain(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        first = shop_store.today - timedelta(days=9)

        body = client.get(f"/admin/exports/kpi.csv?grain=day&from={first}&to={shop_store.today}&lang=en")

        rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Day" and len(rows) == 11
        assert rows[-1][0].startswith(shop_store.today.isoformat())


class TestHourlyFootfall:
    def test_a_day_beside_the_average_of_the_same_weekday_and_last_year(
        self, client: TestClient, session: Session
    ) -> None:
        store = premises_factory.create_store(session)
        floor = premises_factory.create_floor(session, store, code="1F", level=1)
        entrance = footfall_factory.create_zone(session, store, floor)
        day = date(2026, 3, 2)  # a Monday; slots are 15 minutes from 10:00 Shanghai time
        kpi_factory.count_in(session, entrance, day=day, people=30, slot=0)
        kpi_factory.count_in(session, entrance, day=day, people=20, slot=1)
        kpi_factory.count_in(session, entrance, day=day, people=40, slot=4)  # 11:00
        kpi_factory.count_in(session, entrance, day=day - timedelta(days=7), people=40, slot=0)
        kpi_factory.count_in(session, entrance, day=day - timedelta(days=14), people=60, slot=0)
        kpi_factory.count_in(session, entrance, day=day - timedelta(days=364), people=25, slot=0)
        sign_in_store(client, session, store)

        page = client.get(f"/admin/kpi/hours?day={day}&weeks=4")

        assert page.status_code == 200
        rows = table_rows(page.text, "hours-table")
        assert rows[0].split()[:3] == ["10:00", "50", "50"]  # 30 + 20; (40 + 60) / 2 weeks with counts
        assert rows[0].split()[3:6] == ["■", "0.0%", "25"]  # level with the average; 364 days before, a Monday too
        assert rows[1].split()[:3] == ["11:00", "40", "0"]
        assert "4 周中有 2 周有计数" in page.text
        spec = chart(page.text, "hours-chart")
        assert spec["categories"] == ["10:00", "11:00"]
        assert [s.get("thin", False) for s in spec["series"]].count(True) == 2

    def test_a_bad_day_is_explained_and_tenants_do_not_see_the_entrances(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        page = client.get("/admin/kpi/hours?day=2026-02-30")
        assert page.status_code == 400 and "2026-02-30" in page.text

        sign_in_store(client, session, shop_store.store, role=Role.tenant, shop=shop_store.shops[0])
        assert client.get("/admin/kpi/hours").status_code == 403
        assert 'id="hours-link"' not in client.get("/admin/kpi").text
