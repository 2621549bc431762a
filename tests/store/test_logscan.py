"""The log scan of the suite (tests/logscan.py) really fails a run whose logs hold a phone number."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

REPO = Path(__file__).resolve().parents[2]
LEAKY = """
import logging

def test_logs_a_member(capsys):
    logging.getLogger("store.members").warning("member %s joined", "{phone}")
"""


def run_inner_suite(tmp_path: Path, phone: str) -> subprocess.CompletedProcess[str]:
    """A one-test pytest run with the log-scan plugin, in a fresh process without the redaction."""
    (tmp_path / "test_inner.py").write_text(LEAKY.format(phone=phone), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PYTEST_XDIST_WORKER", None)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.logscan", "-p", "no:cacheprovider", "test_inner.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
class TestLogScan:
    def test_a_run_that_logs_a_phone_number_fails_although_its_test_passed(self, tmp_path):
        result = run_inner_suite(tmp_path, "13812345678")
        assert "1 passed" in result.stdout
        assert result.returncode == 1
        assert "unmasked phone numbers in the logs" in result.stdout
        assert "member 13812345678 joined" in result.stdout

    def test_a_run_that_logs_the_masked_number_passes(self, tmp_path):
        result = run_inner_suite(tmp_path, "138****5678")
        assert result.returncode == 0, result.stdout
        assert "unmasked phone numbers" not in result.stdout
