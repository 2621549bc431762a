"""KPI pages by month, floor, shop and category, and the district's monthly export."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from store.auth.models import Role
from store.premises.models import Floor
from tests.admin.report_data import SmallStore, one_year_before, sign_in
from tests.admin.report_data import small_store as recent_store
from tests.factories import kpi as kpi_factory


def small_store(session: Session) -> SmallStore:
    """The report helper's store, its sales history reaching back three years (a baseline a year ago is
    covered in full); the one early sale is 1,000 days ago, outside every month these tests read."""
    shop_store = recent_store(session)
    kpi_factory.sell(session, shop_store.shops[0], day=shop_store.today - timedelta(days=1000), total_fen=100)
    return shop_store


def past_month(shop_store: SmallStore) -> str:
    """The month of the sales 40 days ago: a whole month, before this one."""
    day = shop_store.today - timedelta(days=40)
    return f"{day.year:04d}-{day.month:02d}"


def table_rows(html: str) -> list[str]:
    body = html.split('id="kpi-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>") if "<td" in row]


class TestKpiByMonth:
    def test_month_row_shows_revenue_and_growth_against_the_same_month_last_year(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)

        page = client.get(f"/admin/kpi?by=month&from={month}&to={month}")

        assert page.status_code == 200
        [row] = table_rows(page.text)
        assert row.startswith(month)
        assert "¥6,000.00" in row and "▲ +25.0%" in row
        assert "echarts" in page.text and 'data-chart="kpi-chart"' in page.text

    def test_reversed_months_show_a_message_not_an_error(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        page = client.get("/admin/kpi?from=2026-05&to=2026-01")

        assert page.status_code == 400
        assert 'role="alert"' in page.text and "2026-05" in page.text
        assert 'name="from"' in page.text  # the form is still there to fix it


class TestKpiByShop:
    def test_shops_sort_by_revenue_biggest_first(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)

        page = client.get(f"/admin/kpi?by=shop&from={month}&to={month}&sort=revenue_fen&order=desc")

        rows = table_rows(page.text)
        names = [shop.name for shop in reversed(shop_store.shops)]
        assert [row.split(" ")[0] for row in rows] == names
        assert "¥3,000.00" in rows[0] and "¥15.00" in rows[0]  # 3,000 over 200 m²

    def test_categories_show_their_chinese_names(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)

        rows = table_rows(client.get(f"/admin/kpi?by=category&from={month}&to={month}").text)

        assert sorted(row.split(" ")[0] for row in rows) == sorted(["化妆品", "珠宝", "女装"])

    def test_floors_compare_with_a_chosen_baseline(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)
        year_before = f"{int(month[:4]) - 1}{month[4:]}"

        page = client.get(f"/admin/kpi?by=floor&from={month}&to={month}&base_from={year_before}&base_to={year_before}")

        rows = table_rows(page.text)
        assert len(rows) == 2 and all("+25.0%" in row for row in rows)

    def test_english_pages_name_floors_and_shops_in_english_or_by_code(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)
        floor = shop_store.shops[0].floor_id
        named = session.get(Floor, floor)
        assert named is not None
        named.name, named.name_en = "一楼", "Ground floor"
        shop_store.shops[0].name, shop_store.shops[0].name_en = "海之宴火锅", ""
        session.add_all([named, shop_store.shops[0]])
        session.flush()

        floors = " ".join(table_rows(client.get(f"/admin/kpi?by=floor&from={month}&to={month}&lang=en").text))
        shops = " ".join(table_rows(client.get(f"/admin/kpi?by=shop&from={month}&to={month}&lang=en").text))
        chinese = " ".join(table_rows(client.get(f"/admin/kpi?by=floor&from={month}&to={month}&lang=zh_CN").text))

        assert "Ground floor" in floors and "一楼" not in floors
        assert "海之宴火锅" not in shops and shop_store.shops[0].code in shops  # no English name: the code
        assert "一楼" in chinese


class TestTenantKpis:
    def test_tenant_sees_only_their_shop_and_no_district_export(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store, Role.tenant, shop=shop_store.shops[0])
        month = past_month(shop_store)

        page = client.get(f"/admin/kpi?by=shop&from={month}&to={month}")

        [row] = table_rows(page.text)
        assert shop_store.shops[0].name in row and "¥1,000.00" in row
        assert "/admin/exports/" not in page.text


class TestMissingData:
    def test_a_month_without_counts_shows_a_dash_and_how_many_days_were_counted(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)  # the cameras count from the 1st of the month 40 days ago
        sign_in(client, session, shop_store.store)
        first_counted = (shop_store.today - timedelta(days=40)).replace(day=1)
        before = first_counted - timedelta(days=1)
        month = f"{before.year:04d}-{before.month:02d}"

        page = client.get(f"/admin/kpi?by=month&from={month}&to={month}")

        [row] = table_rows(page.text)
        assert f"客流计数仅覆盖 {before.day} 天中的 0 天" in row
        assert f"基期：客流计数仅覆盖 {before.day} 天中的 0 天" in row  # last year's month was not counted either
        assert 'id="coverage-note"' in page.text
        english = client.get(f"/admin/kpi?by=month&from={month}&to={month}&lang=en")
        assert f"footfall on 0 of {before.day} days" in table_rows(english.text)[0]


class TestJustUnderFivePercent:
    def test_the_page_and_the_export_never_round_a_growth_up_to_five_percent(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)
        # The month sold 600,000 fen; last year's 480,000 becomes 571,429: +4.9997 %, just under 5 %.
        last_year = one_year_before(shop_store.today - timedelta(days=40))
        kpi_factory.sell(session, shop_store.shops[0], day=last_year, total_fen=91_429)

        page = client.get(f"/admin/kpi?by=month&from={month}&to={month}")
        export = client.get(f"/admin/exports/monthly-kpi.csv?from={month}&to={month}")

        [row] = table_rows(page.text)
        assert "+4.99" in row and "+5.0%" not in row
        [_header, cells] = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert cells[9].startswith("0.0499")


class TestDistrictExport:
    def test_csv_opens_in_excel_with_chinese_headers_and_yuan(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)

        reply = client.get(f"/admin/exports/monthly-kpi.csv?from={month}&to={month}")

        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/csv")
        assert "attachment" in reply.headers["content-disposition"]
        assert reply.content.startswith(b"\xef\xbb\xbf")
        header, row = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
        assert header[0] == "月份 Month" and "坪效" in header[7] and "人效" in header[8]
        assert row[:4] == [month, "6000.00", "3", "50"]
        assert row[9] == "0.2500"  # revenue up 25% on the same month last year

    def test_xlsx_has_one_row_per_month(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        reply = client.get("/admin/exports/monthly-kpi.xlsx?from=2025-01&to=2025-06")

        assert reply.headers["content-type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(reply.content)).active
        assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
            f"2025-{m:02d}" for m in range(1, 7)
        ]

    def test_cashier_cannot_export(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store, Role.cashier)

        assert client.get("/admin/exports/monthly-kpi.csv").status_code == 403


def month_text(day) -> str:
    return f"{day.year:04d}-{day.month:02d}"


class TestIncompleteBaseline:
    def test_a_month_whose_baseline_is_before_the_history_shows_a_dash_and_says_why(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = recent_store(session)  # history starts a year and 40 days ago
        sign_in(client, session, shop_store.store)
        month = month_text(shop_store.today.replace(day=1) - timedelta(days=45))  # its last-year month has no data

        page = client.get(f"/admin/kpi?by=month&from={month}&to={month}")

        [row] = table_rows(page.text)
        assert "基期数据不完整" in row and "▲" not in row and "▼" not in row and "+" not in row
        assert 'id="baseline-incomplete"' in page.text and "本店的销售数据从" in page.text

    def test_a_breakdown_against_such_a_baseline_says_so_once_above_the_table(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = recent_store(session)
        sign_in(client, session, shop_store.store)
        month = month_text(shop_store.today.replace(day=1) - timedelta(days=45))

        page = client.get(f"/admin/kpi?by=category&from={month}&to={month}")

        assert page.text.index('id="baseline-incomplete"') < page.text.index('id="kpi-table"')
        rows = table_rows(page.text)
        assert len(rows) == 3 and not any("▲" in row or "基期数据不完整" in row for row in rows)

    def test_the_district_export_leaves_that_growth_empty(self, client: TestClient, session: Session) -> None:
        shop_store = recent_store(session)
        sign_in(client, session, shop_store.store)
        month = month_text(shop_store.today.replace(day=1) - timedelta(days=45))

        reply = client.get(f"/admin/exports/monthly-kpi.csv?from={month}&to={month}")

        _header, row = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
        assert row[9:] == ["", "", "", ""]


class TestPeriodErrorsInThePagesLanguage:
    def test_reversed_months_are_explained_in_chinese(self, client: TestClient, session: Session) -> None:
        sign_in(client, session, recent_store(session).store)

        page = client.get("/admin/kpi?from=2026-05&to=2026-01")

        assert "统计期起止颠倒：2026-05 在 2026-01 之后。" in page.text
        assert "runs backwards" not in page.text and "reversed" not in page.text

    def test_a_badly_written_baseline_month_names_the_baseline(self, client: TestClient, session: Session) -> None:
        sign_in(client, session, recent_store(session).store)

        page = client.get("/admin/kpi?base_from=2025-13")

        assert page.status_code == 400
        assert "基期须为 YYYY-MM 格式的月份" in page.text and "2025-13" in page.text

    def test_the_english_page_says_it_in_english(self, client: TestClient, session: Session) -> None:
        sign_in(client, session, recent_store(session).store)

        page = client.get("/admin/kpi?from=2026-05&to=2026-01&lang=en")

        assert "The period runs backwards: 2026-05 is after 2026-01." in page.text

    def test_a_bad_month_in_the_export_link_gets_a_chinese_error_page(
        self, client: TestClient, session: Session
    ) -> None:
        sign_in(client, session, recent_store(session).store)

        page = client.get("/admin/exports/monthly-kpi.csv?from=2026-13")

        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
        assert "统计期须为 YYYY-MM 格式的月份" in page.text


class TestBreakdownChart:
    def test_bars_run_largest_first_whatever_the_tables_order(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = past_month(shop_store)

        html = client.get(f"/admin/kpi?by=category&from={month}&to={month}&sort=revenue_fen&order=asc").text

        chart = json.loads(html.split('id="kpi-chart">', 1)[1].split("</script>", 1)[0])
        assert chart["categories"] == ["女装", "珠宝", "化妆品"]
        assert chart["series"][0]["values"] == [3000.0, 2000.0, 1000.0]
        assert [row.split(" ")[0] for row in table_rows(html)] == ["化妆品", "珠宝", "女装"]
