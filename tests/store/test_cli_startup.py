"""`smartstore` starts without importing what only some commands need (ReportLab, openpyxl, the web stack)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from store.cli import LAZY_COMMANDS, cli
from store.registry import command_module_names

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

HEAVY = ("reportlab", "openpyxl", "fastapi", "starlette", "uvicorn", "sqlalchemy", "sqlmodel", "argon2", "pydantic")

PROBE = """
import json, sys
from store.cli import main
try:
    sys.argv = ["smartstore", *sys.argv[1:]]
    main()
except SystemExit:
    pass
sys.stdout.flush()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def loaded_after(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


class TestStartup:
    @pytest.mark.parametrize("args", [("--version",), ("--help",)])
    def test_version_and_help_import_no_heavy_module(self, args):
        output, loaded = loaded_after(*args)
        assert output.strip()
        assert sorted(loaded.intersection(HEAVY)) == []

    def test_help_still_lists_every_command(self):
        output, _ = loaded_after("--help")
        present = set(command_module_names())
        lazy = [name for name, (module, _, _) in LAZY_COMMANDS.items() if module in present]
        for name in ("serve", "db", "demo", "worker", *lazy):
            assert f"  {name} " in output


class TestLazyTable:
    def test_every_command_a_domain_declares_is_in_the_table_with_its_own_help(self):
        declared = {
            command.name: (module, command.get_short_help_str(200))
            for module in command_module_names()
            for command in importlib.import_module(module).COMMANDS
        }
        present = set(command_module_names())
        table = {name: (module, text) for name, (module, _, text) in LAZY_COMMANDS.items() if module in present}
        assert table == declared

    def test_a_lazy_command_runs_with_its_flags(self):
        result = CliRunner().invoke(cli, ["import", "--help"])
        assert result.exit_code == 0
        for flag in ("--skip-bad", "--store", "--dry-run"):
            assert flag in result.output
