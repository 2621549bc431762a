"""The self-assessment in the admin: the report page, its downloads, and the evidence register forms."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from store.assessment import service as assessment_service
from store.auth.models import Role
from store.clock import business_day, day_bounds_utc, utcnow
from store.premises.models import Store
from tests.admin.report_data import SmallStore, sign_in, small_store
from tests.factories import backup

INDICATOR_IDS = (
    [f"F{n}" for n in range(1, 6)]
    + [f"S{n}" for n in range(1, 11)]
    + [f"C{n}" for n in range(1, 6)]
    + [f"M{n}" for n in range(1, 5)]
    + [f"B{n}" for n in range(1, 5)]
)


def last_month(shop_store: SmallStore) -> str:
    day = shop_store.today.replace(day=1) - timedelta(days=1)
    return f"{day.year:04d}-{day.month:02d}"


def indicator_row(html: str, ident: str) -> str:
    found = re.search(rf'<tr id="indicator-{ident}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {ident}"
    return found[1]


class TestReportPage:
    def test_report_opens_with_every_indicator_and_the_verdict(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        page = client.get("/admin/assessment")

        assert page.status_code == 200
        for ident in INDICATOR_IDS:
            indicator_row(page.text, ident)
        assert "90" in page.text and "智慧商店示范创建自评报告" in page.text
        assert shop_store.store.code in page.text

    def test_default_period_is_the_last_twelve_full_months(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        end = last_month(shop_store)
        first = shop_store.today.replace(day=1)
        start_day = date(first.year - 1, first.month, 1)

        page = client.get("/admin/assessment")

        assert f'name="to" value="{end}"' in page.text
        assert f'name="from" value="{start_day:%Y-%m}"' in page.text
        assert f"/admin/assessment/report.pdf?from={start_day:%Y-%m}&amp;to={end}" in page.text

    def test_each_row_shows_its_evidence_or_what_is_missing(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        html = client.get("/admin/assessment").text

        c2 = indicator_row(html, "C2")
        assert 'class="figures"' in c2  # shops with POS sales over shops open, with period and source
        f1 = indicator_row(html, "F1")
        assert 'class="missing"' in f1  # nothing surveyed yet: says what to record

    def test_reversed_period_message_is_in_the_pages_language(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        reversed_zh = client.get("/admin/assessment?from=2026-05&to=2026-01")
        future_zh = client.get("/admin/assessment?from=2030-01&to=2030-02")
        future_en = client.get("/admin/assessment?from=2030-01&to=2030-02&lang=en")

        assert "起止颠倒" in reversed_zh.text and "reversed" not in reversed_zh.text
        assert "评价期 2030-01 – 2030-02 尚未到来" in future_zh.text
        assert "The report period 2030-01 – 2030-02 lies in the future" in future_en.text

    def test_reversed_period_shows_the_message_on_the_page(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        page = client.get("/admin/assessment?from=2026-05&to=2026-01")

        assert page.status_code == 400
        assert 'class="rp-message" role="alert"' in page.text and "2026-05" in page.text
        assert "indicator-F1" not in page.text

    def test_malformed_month_shows_the_message_on_the_page(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        page = client.get("/admin/assessment?from=2026-13&to=2026-01")

        assert page.status_code == 400
        assert "2026-13" in page.text


class TestBaselineAndPeriod:
    def test_baseline_months_can_be_chosen_and_the_page_says_which(self, client: TestClient, session: Session) -> None:
        upgrade = date.today().replace(day=1) - timedelta(days=150)
        shop_store = small_store(session, smart_upgrade_on=upgrade)
        sign_in(client, session, shop_store.store)
        base = (upgrade.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

        page = client.get(f"/admin/assessment?baseline_from={base}&baseline_to={base}")

        assert page.status_code == 200
        used = page.text.split('id="baseline-used"')[1].split("</p>")[0]
        assert f"{base} – {base}" in used and "指定" in used
        assert f"baseline_from={base}&amp;baseline_to={base}" in page.text  # the downloads use the same months

    def test_a_baseline_reaching_the_upgrade_month_is_explained_in_chinese(
        self, client: TestClient, session: Session
    ) -> None:
        upgrade = date.today().replace(day=1) - timedelta(days=150)
        shop_store = small_store(session, smart_upgrade_on=upgrade)
        sign_in(client, session, shop_store.store)
        month = upgrade.strftime("%Y-%m")

        page = client.get(f"/admin/assessment?baseline_from={month}&baseline_to={month}")

        assert page.status_code == 400 and "须在智慧化改造月" in page.text

    def test_a_one_month_period_runs_and_says_a_filing_covers_twelve(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = last_month(shop_store)

        page = client.get(f"/admin/assessment?from={month}&to={month}")

        assert page.status_code == 200
        assert "正式申报需覆盖 12 个月" in page.text.split('id="short-period"')[1].split("</p>")[0]
        default = client.get("/admin/assessment")
        assert 'id="short-period"' not in default.text


class TestReportDownloads:
    def test_pdf_is_a_pdf_named_after_store_and_period(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = last_month(shop_store)

        reply = client.get(f"/admin/assessment/report.pdf?from={month}&to={month}")

        assert reply.status_code == 200
        assert reply.headers["content-type"] == "application/pdf"
        assert reply.content.startswith(b"%PDF")
        disposition = reply.headers["content-disposition"]
        assert disposition.startswith("attachment;") and f"{shop_store.store.code}-{month}_{month}.pdf" in disposition

    def test_xlsx_holds_the_same_indicators(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = last_month(shop_store)

        reply = client.get(f"/admin/assessment/report.xlsx?from={month}&to={month}")

        assert reply.headers["content-type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(reply.content))
        cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
        assert set(INDICATOR_IDS) <= cells

    def test_json_matches_the_page_total(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)
        month = last_month(shop_store)

        body = json.loads(client.get(f"/admin/assessment/report.json?from={month}&to={month}").content)

        assert (body["period"]["from"], body["period"]["to"]) == (month, month)
        assert [row["id"] for row in body["indicators"]] == INDICATOR_IDS
        page = client.get(f"/admin/assessment?from={month}&to={month}").text
        assert f"总分 {body['totals']['total']} 分" in page

    def test_reversed_period_download_is_refused_with_a_readable_page(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        reply = client.get("/admin/assessment/report.pdf?from=2026-05&to=2026-01")

        assert reply.status_code == 400
        assert reply.headers["content-type"].startswith("text/html")


class TestReportAccess:
    def test_cashier_gets_the_forbidden_page(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store, Role.cashier)

        assert client.get("/admin/assessment").status_code == 403
        assert client.get("/admin/assessment/report.pdf").status_code == 403

    def test_marketing_reads_the_report_but_not_the_register(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store, Role.marketing)

        assert client.get("/admin/assessment").status_code == 200
        assert client.get("/admin/assessment/evidence").status_code == 403


def post(client: TestClient, csrf: str, path: str, form: dict[str, str]):
    return client.post(f"/admin/assessment/evidence/{path}", data={"csrf_token": csrf, **form}, follow_redirects=False)


def field_error(html: str, form: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="e-{form}-{field}">([^<]*)</p>', html)
    return found[1] if found else ""


class TestCoverageSurveyForm:
    def test_full_stable_coverage_earns_f1_in_the_report(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)
        flags = {
            f"{flag}-{code}": "on"
            for code in shop_store.zone_codes
            for flag in ("wifi", "wifi_stable", "g5", "g5_stable")
        }

        saved = post(client, csrf, "f1", {"surveyed_on": str(shop_store.today), **flags, "note": "运营商测试报告"})

        assert saved.status_code == 303
        assert "saved=F1" in saved.headers["location"]
        f1 = indicator_row(client.get("/admin/assessment").text, "F1")
        assert '<span class="full">4</span> / 4' in f1

    def test_stable_without_signal_is_refused_beside_the_zone(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)
        zone = shop_store.zone_codes[0]

        page = post(client, csrf, "f1", {"surveyed_on": str(shop_store.today), f"g5_stable-{zone}": "on"})

        assert page.status_code == 400
        assert field_error(page.text, "F1", f"zone-{zone}")
        assert not assessment_service.list_evidence(session, shop_store.store.id)

    def test_survey_day_must_be_a_date(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)

        page = post(client, csrf, "f1", {"surveyed_on": ""})

        assert page.status_code == 400
        assert field_error(page.text, "F1", "surveyed_on")


class TestDataCenterAndOfficeForms:
    def test_cloud_with_checked_backups_and_paperless_office_are_scored(
        self, client: TestClient, session: Session
    ) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)
        # F3 reads the system's own backups, as of the last day of the report (the last full month)
        tz = shop_store.store.timezone
        last_day = business_day(utcnow(), tz).replace(day=1) - timedelta(days=1)
        backup.record_backup(session, at=day_bounds_utc(last_day, tz)[0] + timedelta(hours=2))
        backup.record_drill(session, at=day_bounds_utc(last_day, tz)[0] + timedelta(hours=3))

        assert post(client, csrf, "f3", {"kind": "cloud", "provider": "阿里云"}).status_code == 303
        assert (
            post(client, csrf, "m1", {"paperless": "on", "office_system": "on", "system_name": "钉钉"}).status_code
            == 303
        )

        html = client.get("/admin/assessment").text
        assert '<span class="full">4</span> / 4' in indicator_row(html, "F3")
        assert '<span class="full">4</span> / 4' in indicator_row(html, "M1")

    def test_missing_data_center_kind_is_said_beside_the_choice(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)

        page = post(client, csrf, "f3", {"provider": "机房"})

        assert page.status_code == 400
        assert field_error(page.text, "F3", "kind")
        assert 'value="机房"' in page.text  # what was typed stays

    def test_office_system_needs_a_name(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)

        page = post(client, csrf, "m1", {"office_system": "on"})

        assert page.status_code == 400
        assert field_error(page.text, "M1", "system_name")


class TestSmartUpgradeDate:
    def test_manager_sets_the_upgrade_date_of_the_store(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)

        saved = post(client, csrf, "upgrade", {"smart_upgrade_on": "2024-06-01"})

        assert saved.status_code == 303
        assert session.get(Store, shop_store.store.id).smart_upgrade_on == date(2024, 6, 1)
        assert 'value="2024-06-01"' in client.get("/admin/assessment/evidence").text

    def test_a_future_date_is_refused_beside_the_field(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        csrf = sign_in(client, session, shop_store.store)

        page = post(client, csrf, "upgrade", {"smart_upgrade_on": str(shop_store.today + timedelta(days=30))})

        assert page.status_code == 400
        assert field_error(page.text, "upgrade", "smart_upgrade_on")
        assert session.get(Store, shop_store.store.id).smart_upgrade_on is None

    def test_a_form_without_its_csrf_token_is_refused(self, client: TestClient, session: Session) -> None:
        shop_store = small_store(session)
        sign_in(client, session, shop_store.store)

        assert post(client, "forged", "upgrade", {"smart_upgrade_on": "2024-06-01"}).status_code == 403
