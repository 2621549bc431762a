"""``smartstore assess``: the report as a file or on stdout; bad periods refused with nothing written.

The command's unit of work is pointed at the test's session, so it sees the rows the test wrote.
"""

from __future__ import annotations

import io
import json
from contextlib import contextmanager
from datetime import UTC, datetime

import openpyxl
import pytest
from click.testing import CliRunner

from store import db
from store.assessment import service as assessment_service
from store.cli import cli
from tests.factories import kpi

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)


@pytest.fixture
def mall(session, monkeypatch):
    mall = kpi.create_mall(session)
    kpi.upgrade_story(session, mall)

    @contextmanager
    def same_session(engine=None):
        yield session

    monkeypatch.setattr(db, "unit_of_work", same_session)
    monkeypatch.setattr(assessment_service, "utcnow", lambda: NOW)
    return mall


def run(*args: str):
    return CliRunner().invoke(cli, ["assess", *args], catch_exceptions=False)


class TestJson:
    def test_the_report_goes_to_stdout_with_every_indicator(self, mall):
        result = run("--from", "2025-08", "--to", "2025-09", "--store", mall.store.code)
        assert result.exit_code == 0, result.output
        body = json.loads(result.stdout)
        assert body["store"]["code"] == mall.store.code and (body["period"]["from"], body["period"]["to"]) == (
            "2025-08",
            "2025-09",
        )
        b2 = next(row for row in body["indicators"] if row["id"] == "B2")
        assert (b2["points"], b2["maximum"]) == (3, 3) and b2["figures"] and "rule" in b2 and "missing" in b2
        assert body["totals"]["passes_90"] is False

    def test_the_report_is_written_to_a_file(self, mall, tmp_path):
        out = tmp_path / "report.json"
        result = run("--from", "2025-08", "--to", "2025-09", "--out", str(out))
        assert result.exit_code == 0, result.output
        # M3: footfall, POS, merchants; M2: merchant operations and the three analytics areas
        assert json.loads(out.read_text())["totals"]["total"] == 23


class TestBaselineMonths:
    def test_baseline_months_are_chosen_with_two_flags_and_stated(self, mall):
        result = run("--from", "2025-08", "--to", "2025-09", "--baseline-from", "2025-06", "--baseline-to", "2025-06")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["baseline"] == {"from": "2025-06", "to": "2025-06", "chosen": True}

    def test_one_flag_alone_is_refused_in_one_line(self, mall):
        result = run("--from", "2025-08", "--to", "2025-09", "--baseline-from", "2025-06")
        assert result.exit_code == 2 and "both baseline months" in result.stderr

    def test_a_short_period_written_to_a_file_notes_that_a_filing_covers_12_months(self, mall, tmp_path):
        result = run("--from", "2025-08", "--to", "2025-09", "--out", str(tmp_path / "r.json"))
        assert result.exit_code == 0 and "a filing covers 12 months" in result.stderr


class TestHtml:
    def test_the_english_report_keeps_the_chinese_indicator_names(self, mall, tmp_path):
        out = tmp_path / "report.html"
        result = run("--from", "2025-08", "--to", "2025-09", "--format", "html", "--lang", "en", "--out", str(out))
        assert result.exit_code == 0, result.output
        page = out.read_text()
        assert page.startswith("<!DOCTYPE html>") and "线上交易额占比" in page and "Online revenue share" in page


class TestXlsx:
    def test_the_same_data_and_period_give_the_same_workbook(self, mall, tmp_path):
        first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
        assert run("--from", "2025-08", "--to", "2025-09", "--format", "xlsx", "--out", str(first)).exit_code == 0
        assert run("--from", "2025-08", "--to", "2025-09", "--format", "xlsx", "--out", str(second)).exit_code == 0
        assert first.read_bytes() == second.read_bytes()
        sheets = openpyxl.load_workbook(io.BytesIO(first.read_bytes())).sheetnames
        assert len(sheets) == 3


class TestBadInput:
    @pytest.mark.parametrize(
        ("period", "message"),
        [
            (("--from", "2025-09", "--to", "2025-08"), "reversed"),
            (("--from", "", "--to", "2025-08"), "empty"),
            (("--from", "2025-8", "--to", "2025-09"), "YYYY-MM"),
        ],
    )
    def test_a_bad_period_exits_2_with_one_line_and_writes_nothing(self, mall, tmp_path, period, message):
        out = tmp_path / "report.xlsx"
        result = run(*period, "--format", "xlsx", "--out", str(out))
        assert result.exit_code == 2
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert list(tmp_path.iterdir()) == []

    def test_a_binary_format_needs_a_file(self, mall):
        result = run("--from", "2025-08", "--to", "2025-09", "--format", "pdf")
        assert result.exit_code == 2 and "--out" in result.stderr

    def test_an_unknown_store_code_is_named(self, mall):
        result = run("--from", "2025-08", "--to", "2025-09", "--store", "NOPE")
        assert result.exit_code == 2 and "NOPE" in result.stderr
