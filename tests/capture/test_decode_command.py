"""``smartstore pos decode FILE [--template NAME] [--format text|json]`` on other software's byte streams."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pos_bridge.capture.commands import decode

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parents[2]


def _run(*args: str) -> Result:
    return CliRunner().invoke(decode, list(args))


class TestDecodeCommand:
    def test_prints_what_the_paper_shows_with_placeholders(self) -> None:
        result = _run(str(FIXTURES / "escpos_sale.bin"))
        assert result.exit_code == 0
        assert "单号: A20261130-000123" in result.output
        assert "[QR: https://mall.example.cn/r/A20261130-000123]" in result.output

    def test_json_of_the_decoded_stream(self) -> None:
        result = _run(str(FIXTURES / "hand_raster_only.bin"), "--format", "json")
        body = json.loads(result.output)
        assert body["images"] == ["GS v 0 raster 384x200"] and body["cuts"] == 1

    def test_with_a_template_one_parsed_sale_per_receipt(self) -> None:
        result = _run(str(FIXTURES / "hand_two_receipts.bin"), "--template", "zh-basic")
        sales = [json.loads(line) for line in result.output.splitlines()]
        assert [(s["kind"], s["receipt_no"], s["total_fen"]) for s in sales] == [
            ("sale", "B-778", 49700),
            ("sale", "B-779", 49700),
        ]

    def test_template_from_a_json_file(self, tmp_path: Path) -> None:
        from store.capture.templates import ZH_BASIC

        path = tmp_path / "tenant.json"
        path.write_text(json.dumps({"spec": ZH_BASIC.model_dump(mode="json")}, ensure_ascii=False))
        result = _run(str(FIXTURES / "escpos_reprint.bin"), "--template", str(path))
        assert json.loads(result.output)["kind"] == "reprint"

    def test_unknown_template_is_a_usage_error(self) -> None:
        result = _run(str(FIXTURES / "escpos_sale.bin"), "--template", "nope")
        assert result.exit_code == 2 and "zh-basic" in result.output

    def test_unknown_code_page_warns_on_stderr(self) -> None:
        result = CliRunner().invoke(decode, [str(FIXTURES / "hand_unknown_codepage.bin")])
        assert "unknown code page ESC t 99" in result.output

    def test_runs_as_smartstore_pos_decode(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-c", "from store.cli import main; main()", "pos", "decode"]
        done = subprocess.run(
            [*command, str(FIXTURES / "hand_gbk_sale.bin"), "--template", "zh-basic"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["payments"] == [{"method": "alipay", "amount_fen": 49700}]
