"""Zones and the evidence register filled from files (until now only the HTTP API could), and a daily
total declared while a file is being imported."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlmodel import select

from store.assessment import service as assessment_service
from store.assessment.models import EvidenceIndicator
from store.kpi.models import KpiSalesDaily
from store.premises.models import Zone, ZoneKind
from store.sales import service as sales_service
from store.sales.models import DailyTotal
from store.sales.schemas import DailyTotalIn
from tests.imports.conftest import errors_of

ZONES = "zone_code,name,floor_code,kind\n"
EVIDENCE = (
    "indicator,surveyed_on,zone_code,wifi,wifi_stable,g5,g5_stable,"
    "data_center,backups_ok,paperless,office_system,note\n"
)


class TestZonesFile:
    def test_zones_are_created_with_their_kind_and_floor(self, session, mall, import_text):
        report = import_text("zones", ZONES + "E1,正门,1F,entrance\nA1,中庭,1F,中庭\n")
        zones = session.exec(select(Zone).where(Zone.store_id == mall.store.id).order_by(Zone.code)).all()
        assert report.imported == 2
        assert [(z.code, z.kind, z.floor_id) for z in zones] == [
            ("A1", ZoneKind.atrium, mall.ground.id),
            ("E1", ZoneKind.entrance, mall.ground.id),
        ]

    def test_reimporting_changes_nothing_and_a_different_zone_of_the_same_code_is_a_bad_row(self, import_text):
        import_text("zones", ZONES + "E1,正门,1F,entrance\n")
        again = import_text("zones", ZONES + "E1,正门,1F,entrance\n")
        moved = import_text("zones", ZONES + "E1,正门,1F,atrium\n")
        assert again.unchanged == 1
        assert errors_of(moved) == ["row 2: zone_code: zone 'E1' exists with a different kind"]

    def test_an_unknown_floor_or_kind_is_a_bad_row(self, import_text):
        report = import_text("zones", ZONES + "E1,正门,9F,entrance\nE2,侧门,1F,door\n")
        assert errors_of(report) == [
            "row 2: floor_code: unknown floor '9F' (import floors first)",
            "row 3: kind: 'door' is not one of entrance, atrium, selling, dining, parking, service",
        ]


class TestEvidenceFile:
    def test_a_survey_a_data_centre_and_an_office_record_become_three_entries(self, session, mall, import_text):
        import_text("zones", ZONES + "E1,正门,1F,entrance\nA1,中庭,1F,atrium\n")
        report = import_text(
            "evidence",
            EVIDENCE + "F1,2025-09-01,E1,yes,yes,是,否,,,,,\nF1,2025-09-01,A1,yes,no,no,no,,,,,\n"
            "F3,,,,,,,cloud,yes,,,阿里云\nM1,,,,,,,,,yes,yes,\n",
            imported_by="cli:test",
        )
        latest = assessment_service.latest_evidence(session, mall.store.id)
        survey = latest[EvidenceIndicator.F1].payload
        assert (report.imported, sorted(latest)) == (4, ["F1", "F3", "M1"])
        assert [(z["zone"], z["wifi"], z["g5"]) for z in survey["zones"]] == [("E1", True, True), ("A1", True, False)]
        assert latest[EvidenceIndicator.F3].note == "阿里云"
        assert latest[EvidenceIndicator.M1].recorded_by == "cli:test"

    def test_reimporting_adds_no_entry_and_a_survey_of_an_unknown_zone_is_refused(self, session, mall, import_text):
        text = EVIDENCE + "M1,,,,,,,,,yes,no,\n"
        import_text("evidence", text)
        again = import_text("evidence", text)
        unknown = import_text("evidence", EVIDENCE + "F1,2025-09-01,Z9,yes,yes,yes,yes,,,,,\n")
        assert again.unchanged == 1
        assert len(assessment_service.list_evidence(session, mall.store.id)) == 1
        assert errors_of(unknown) == ["row 2: the survey names zones this store does not have: Z9"]


@contextmanager
def declared_first(declare: Callable[[], None]) -> Iterator[None]:
    declare()
    yield


class TestDeclaredWhileImporting:
    def test_a_total_declared_between_check_and_write_is_replaced_and_the_rollup_stays_true(
        self, session, mall, import_text
    ):
        day = date(2025, 5, 1)

        def tenant_declares() -> None:
            data = DailyTotalIn(shop_id=mall.cosmetics.id, business_on=day, revenue_fen=30_000, orders=3)
            sales_service.record_daily_total(session, mall.store.id, data)

        import_text(
            "daily-totals",
            "business_on,shop_code,channel,source,revenue_fen,orders\n2025-05-01,CO01,offline,tenant_declared,50000,5\n",
            writing=lambda: declared_first(tenant_declares),
        )

        total = session.exec(select(DailyTotal.revenue_fen, DailyTotal.orders)).one()
        rollup = session.exec(select(KpiSalesDaily.revenue_fen, KpiSalesDaily.orders)).one()
        assert (tuple(total), tuple(rollup)) == ((50_000, 5), (50_000, 5))
