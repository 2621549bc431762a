"""What a store manager meets on the KPI pages (issue 9): a baseline the data covers by default, the
drill-down from the floors to one shop's months, the shop table's extra columns and totals, the
current view as a file, and the smaller defects of the forms and error pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from admin.pages.formats import DayRange
from admin.pages.kpi import newest_covered
from store.kpi import service as kpi_service
from tests.admin.report_data import SmallStore, small_store
from tests.admin.report_data import sign_in as sign_in_store
from tests.factories import premises as premises_factory


def table_rows(html: str) -> list[str]:
    body = html.split('id="kpi-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>") if "<td" in row]


def month_text(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


class TestNewestCoveredBaseline:
    def test_a_baseline_the_history_covers_is_kept(self) -> None:
        baseline = DayRange(date(2024, 12, 1), date(2025, 11, 30))
        assert newest_covered(baseline, date(2024, 12, 1)) == baseline
        assert newest_covered(baseline, date(2020, 5, 17)) == baseline
        assert newest_covered(baseline, None) == baseline

    def test_a_range_of_days_starts_on_the_first_day_of_history(self) -> None:
        baseline = DayRange(date(2024, 11, 4), date(2024, 12, 1))
        assert newest_covered(baseline, date(2024, 11, 20)) == DayRange(date(2024, 11, 20), date(2024, 12, 1))

    def test_a_baseline_starting_before_the_history_starts_at_its_first_whole_month(self) -> None:
        baseline = DayRange(date(2024, 11, 1), date(2025, 10, 31))
        assert newest_covered(baseline, date(2024, 12, 1)) == DayRange(date(2024, 12, 1), date(2025, 10, 31))
        assert newest_covered(baseline, date(2024, 11, 25)) == DayRange(date(2024, 12, 1), date(2025, 10, 31))
        assert newest_covered(baseline, date(2024, 11, 2)) == DayRange(date(2024, 12, 1), date(2025, 10, 31))

    def test_nothing_left_keeps_the_baseline_and_its_dashes(self) -> None:
        baseline = DayRange(date(2024, 11, 1), date(2025, 10, 31))
        assert newest_covered(baseline, date(2025, 10, 2)) == baseline
        assert newest_covered(baseline, date(2025, 10, 1)) == DayRange(date(2025, 10, 1), date(2025, 10, 31))


def _history_starts(session: Session, shop_store: SmallStore) -> date:
    first = kpi_service.first_sales_day(session, shop_store.store.id)
    assert first is not None
    return first


class TestDefaultBaseline:
    def test_breakdowns_compare_with_the_newest_whole_months_the_history_covers(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)  # history from a year and 40 days ago
        sign_in_store(client, session, shop_store.store)
        first = _history_starts(session, shop_store)
        first_whole = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4)).replace(day=1)

        page = client.get("/admin/kpi?by=shop")

        assert page.status_code == 200
        assert f"对比 {month_text(first_whole)} – " in page.text  # it says which months
        rows = table_rows(page.text)
        assert rows and all("▲" in row or "▼" in row for row in rows)  # growth figures, not dashes
        assert 'id="baseline-incomplete"' not in page.text

    def test_a_chosen_baseline_is_taken_as_chosen(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        far = month_text(shop_store.today - timedelta(days=900))

        page = client.get(f"/admin/kpi?by=floor&base_from={far}&base_to={far}")

        assert 'id="baseline-incomplete"' in page.text

    def test_a_period_in_the_future_is_refused_not_shown_as_minus_100_percent(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        later = month_text(shop_store.today + timedelta(days=62))

        page = client.get(f"/admin/kpi?by=month&from={later}&to={later}")

        assert page.status_code == 400
        assert "-100" not in page.text and "晚于今天" in page.text


class TestDrillDown:
    def test_floors_lead_to_their_shops_and_shops_to_their_months(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)

        floors = client.get("/admin/kpi?by=floor")
        link = re.search(r'href="(/admin/kpi\?by=shop&amp;floor=1F[^"]*)"', floors.text)
        assert link, "a floor row links to its shops"
        shops = client.get(link.group(1).replace("&amp;", "&"))
        rows = table_rows(shops.text)
        assert len(rows) == 2  # the two shops of 1F, not B201 of 2F
        assert {row.split()[0] for row in rows} == {shop_store.shops[0].name, shop_store.shops[1].name}
        assert all("1F层" in row for row in rows)  # the floor column

        trend = re.search(r'href="(/admin/kpi\?by=month&amp;shop=\d+[^"]*)"', shops.text)
        assert trend, "a shop row links to its months"
        months = client.get(trend.group(1).replace("&amp;", "&"))
        assert months.status_code == 200 and 'id="trend-of"' in months.text
        assert len(table_rows(months.text)) == 12

    def test_a_shop_of_another_store_is_not_found(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        other = premises_factory.create_shop(session, premises_factory.create_store(session))
        sign_in_store(client, session, shop_store.store)

        assert client.get(f"/admin/kpi?by=month&shop={other.id}").status_code == 404
        assert client.get(f"/admin/kpi?by=month&shop={shop_store.shops[0].id}").status_code == 200

    def test_the_shop_table_has_floor_category_and_a_total(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        month = month_text(shop_store.today - timedelta(days=40))

        page = client.get(f"/admin/kpi?by=shop&from={month}&to={month}")

        rows = table_rows(page.text)
        assert rows[0].startswith(shop_store.shops[2].name)  # biggest revenue first by default
        assert "女装" in rows[0] and "2F层" in rows[0]
        total = re.search(r'<tr id="kpi-totals">(.*?)</tr>', page.text, re.S)
        assert total and "¥6,000.00" in total.group(1)  # 1,000 + 2,000 + 3,000 yuan

    def test_closed_shops_are_hidden_unless_asked_for(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        closed = premises_factory.create_shop(
            session, shop_store.store, code="Z999", opened_on=date(2019, 1, 1), closed_on=date(2019, 12, 31)
        )
        sign_in_store(client, session, shop_store.store)

        assert closed.name not in client.get("/admin/kpi?by=shop").text
        assert closed.name in client.get("/admin/kpi?by=shop&closed=1").text

    def test_top_n_keeps_the_biggest(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)

        rows = table_rows(client.get("/admin/kpi?by=shop&top=10").text)
        assert len(rows) == 3
        bottom = table_rows(client.get("/admin/kpi?by=shop&top=10&sort=revenue_fen&order=asc").text)
        assert bottom[0].startswith(shop_store.shops[0].name)


class TestExportOfTheView:
    def test_the_csv_holds_the_rows_on_screen(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)
        month = month_text(shop_store.today - timedelta(days=40))
        page = client.get(f"/admin/kpi?by=shop&floor=1F&from={month}&to={month}")
        link = re.search(r'href="(/admin/exports/kpi\.csv\?[^"]*)"', page.text)
        assert link

        reply = client.get(link.group(1).replace("&amp;", "&"))

        assert reply.status_code == 200 and "kpi-" in reply.headers["content-disposition"]
        header, *rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
        assert header[0] == "按商户" and header[3] == "销售额 (¥)"
        assert [row[0] for row in rows] == [shop_store.shops[1].name, shop_store.shops[0].name]
        assert rows[0][3] == "2000.00"  # yuan, as on screen

    def test_the_xlsx_opens_with_the_same_rows(self, client: TestClient, session: Session) -> None:
        from openpyxl import load_workbook

        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)

        reply = client.get("/admin/exports/kpi.xlsx?by=category")

        sheet = load_workbook(io.BytesIO(reply.content)).active
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert set(names) == {"化妆品", "珠宝", "女装"}

    def test_an_unknown_file_kind_is_not_found(self, client: TestClient, session: Session) -> None:
        sign_in_store(client, session, small_store(session).store)
        assert client.get("/admin/exports/kpi.pdf").status_code == 404


class TestSmallDefects:
    def test_form_attributes_reach_the_browser_unescaped(self, client: TestClient, session: Session) -> None:
        sign_in_store(client, session, small_store(session).store)

        page = client.get("/admin/premises/shops/new").text

        assert 'maxlength="120"' in page and "&#34;" not in page
        assert 'inputmode="decimal"' in page and "1F-01。" in page

    def test_pages_have_a_favicon_and_evidence_notes_a_length_limit(self, client: TestClient, session: Session) -> None:
        sign_in_store(client, session, small_store(session).store)

        assert 'rel="icon" href="/admin/static/favicon.svg"' in client.get("/admin/kpi").text
        icon = client.get("/admin/static/favicon.svg")
        assert icon.status_code == 200 and "<svg" in icon.text
        assert 'name="note" maxlength="500"' in client.get("/admin/assessment/evidence").text

    def test_a_chinese_not_found_page_has_no_english_sentence(self, client: TestClient, session: Session) -> None:
        sign_in_store(client, session, small_store(session).store)

        page = client.get("/admin/premises/shops/99999/edit")

        assert page.status_code == 404
        assert "does not exist" not in page.text and "本店没有您要找的内容" in page.text
        english = client.get("/admin/premises/shops/99999/edit?lang=en")
        assert "does not exist" in english.text

    def test_a_floor_can_be_renamed_but_keeps_its_code(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in_store(client, session, shop_store.store)
        floor_id = shop_store.shops[0].floor_id

        form = client.get(f"/admin/premises/floors/{floor_id}/edit")
        saved = client.post(
            f"/admin/premises/floors/{floor_id}/edit",
            data={"csrf_token": csrf, "name": "一层 美妆", "name_en": "Level 1", "level": "1", "code": "XX"},
            follow_redirects=False,
        )
        bad = client.post(
            f"/admin/premises/floors/{floor_id}/edit",
            data={"csrf_token": csrf, "name": "", "level": "1"},
        )

        assert form.status_code == 200 and "1F" in form.text
        assert saved.status_code == 303
        assert "一层 美妆" in client.get("/admin/premises").text
        assert bad.status_code == 400 and 'id="e-name"' in bad.text

    def test_growth_is_red_up_in_chinese_and_green_up_in_english(self, client: TestClient, session: Session) -> None:
        sign_in_store(client, session, small_store(session).store)

        assert "growth-red-up" in client.get("/admin/kpi?by=shop").text
        assert "growth-green-up" in client.get("/admin/kpi?by=shop&lang=en").text

    def test_the_dashboard_chart_ends_with_yesterday(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in_store(client, session, shop_store.store)

        page = client.get("/admin/dashboard").text

        chart = re.search(r'<script type="application/json" id="trend-chart">(.*?)</script>', page, re.S)
        assert chart
        yesterday = shop_store.today - timedelta(days=1)
        assert chart.group(1).count('"' + yesterday.isoformat()[5:] + '"') == 1
        assert '"' + shop_store.today.isoformat()[5:] + '"' not in chart.group(1).split('"series"')[0]
        assert "去年同期营业额" in chart.group(1)  # last year drawn beside it
